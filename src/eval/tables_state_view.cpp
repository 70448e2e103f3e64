#include "eval/tables_state_view.hpp"

namespace kestrel::eval {

const ThreadInfo* TablesStateView::thread(int64_t tid) const {
    const state::Thread* thread = tables_.find_thread(tid);
    if (thread == nullptr) {
        return nullptr;
    }
    ThreadInfo& info = thread_info_;
    info = ThreadInfo{};
    info.tid = thread->tid;
    info.pid = thread->pid;
    info.comm = thread->comm;
    info.cmdline = thread->cmdline;
    info.uid = thread->uid;
    info.gid = thread->gid;
    info.loginuid = thread->loginuid_signed();
    if (const state::Thread* parent = tables_.parent(*thread)) {
        info.ppid = parent->pid; // proc.ppid is the parent's process id, as in libsinsp
    }
    if (const state::Process* process = tables_.process(*thread)) {
        info.vpid = process->vpid;
        info.exe = process->exe;
        info.exepath = process->exepath;
        info.args = process->args;
        info.cwd = process->cwd;
        info.tty = process->tty;
        info.container_id = process->container_id;
    }
    if (const state::User* user = tables_.find_user(thread->uid)) {
        info.user_name = user->name;
    }
    return &info;
}

const FdInfo* TablesStateView::fd(int64_t pid, int64_t fd) const {
    const state::Fd* entry = tables_.find_fd_by_pid(pid, fd);
    if (entry == nullptr) {
        return nullptr;
    }
    fd_info_ = FdInfo{entry->num, entry->typechar(), entry->name};
    return &fd_info_;
}

} // namespace kestrel::eval
