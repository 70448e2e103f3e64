// SPDX-License-Identifier: GPL-2.0
/* Kestrel's probe: syscalls emitted once, at exit, with every parameter (DESIGN.md "Kernel
 * side"), plus procexit from sched_process_exit. Wire format: schema/README.md.
 *
 * kes_sys_exit runs on every syscall of the host: it counts the syscall, keeps only the
 * interesting ones, and tail-calls the program of the event (bpf/syscalls/, one program per
 * event, `kes_x_<event name>`). Separate programs keep each one small for the verifier, and a
 * syscall family added later costs the hot path nothing. */
#include "maps.h"
#include "record.h"
#include "file.h"
#include "path.h"
#include "proc_info.h"
#include "sock.h"
#include "task.h"

char LICENSE[] SEC("license") = "GPL";

#define KES_TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall (ia32 numbering) */
#define KES_NR_IA32_EXECVE 11

/* The program of one event, tail-called from kes_sys_exit with the same context. Userspace
 * finds it by name (kes_x_<event name> = the event's name in schema/events.yaml). */
#define KES_EXIT_PROG(evt_name)                                                                    \
	SEC("tp_btf/sys_exit") int BPF_PROG(kes_x_##evt_name, struct pt_regs *regs, long ret)

#include "syscalls/open.bpf.h"
#include "syscalls/connect.bpf.h"
#include "syscalls/execve.bpf.h"
#include "syscalls/fs.bpf.h"
#include "syscalls/fd.bpf.h"
#include "syscalls/clone.bpf.h"
#include "syscalls/net.bpf.h"
#include "syscalls/creds.bpf.h"
#include "syscalls/misc.bpf.h"
#include "hooks/hooks.bpf.h"

/* --- programs ------------------------------------------------------------------------------- */

SEC("tp_btf/sys_exit")
int BPF_PROG(kes_sys_exit, struct pt_regs *regs, long ret)
{
	/* Direct load, not BPF_CORE_READ: this runs on every syscall of the host and the helper
	 * call costs ~30 ns each time (DESIGN.md). */
	__u32 nr = regs->orig_ax;
	if (nr >= KES_SYSCALL_TABLE_SIZE)
		return 0;
	if (count_syscalls) {
		/* Inlined per-CPU array access: no helper call. Counted before any filter, so the
		 * counts show the host's whole syscall mix (Kestrel's own calls included). */
		__u64 *count = bpf_map_lookup_elem(&syscall_counts, &nr);
		if (count)
			*count += 1;
	}
	/* A successful exec of a 64-bit image rewrites orig_ax to __NR_execve
	 * (set_personality_64bit: "pretend that this comes from a 64bit execve"), so a successful
	 * execveat arrives here as execve, as it does in Falco's drivers. */
	__u16 *evt = bpf_map_lookup_elem(&interesting, &nr);
	__u16 id = evt ? *evt : 0;
	if (id == 0 && nr != KES_NR_IA32_EXECVE)
		return 0;
	/* The task's own fields by direct load: one helper call here, not two (pid_tgid). */
	struct task_struct *task = bpf_get_current_task_btf();
	if (task->tgid == kestrel_tgid)
		return 0;
	/* 32-bit syscalls use another numbering: not supported yet, never misread. One exception:
	 * a successful exec of a 32-bit image leaves TS_COMPAT set and orig_ax rewritten to
	 * __NR_ia32_execve (set_personality_ia32), and must not go unseen. */
	if (task->thread_info.status & KES_TS_COMPAT) {
		if (nr != KES_NR_IA32_EXECVE || ret != 0)
			return 0;
		id = KES_EVT_EXECVE;
	} else if (id == 0) {
		return 0;
	}

	bpf_tail_call(ctx, &exit_progs, id);
	/* Only reached when the event has no program: userspace marks only events it installed a
	 * program for, so this is a bug (or the tail-call limit, which a single hop cannot hit). */
	struct kes_counters *c = counters_get();
	if (c)
		c->n_drops_bug++;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(kes_sched_process_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	if (tgid == kestrel_tgid)
		return 0;
	/* Kernel threads are not processes rules care about (Falco skips them too). */
	if (p->flags & KES_PF_KTHREAD)
		return 0;
	struct kes_scratch *s = scratch_get(1);
	if (!s)
		return 0;
	struct rec r;
	if (rec_init(&r, s, KES_EVT_PROCEXIT, KES_PROCEXIT_NPARAMS))
		return 0;

	__s32 code = p->exit_code;
	__u8 sig = 0;
	/* WIFSIGNALED: low 7 bits are a signal number (not 0, not 0x7f: stopped). */
	if ((code & 0x7f) != 0 && (code & 0x7f) != 0x7f)
		sig = code & 0x7f;
	rec_push_s64(&r, KES_P_PROCEXIT_STATUS, code);
	rec_push_s64(&r, KES_P_PROCEXIT_RET, (code >> 8) & 0xff); /* WEXITSTATUS */
	rec_push_u8(&r, KES_P_PROCEXIT_SIG, sig);
	rec_push_u8(&r, KES_P_PROCEXIT_CORE, (code & 0x80) ? 1 : 0);
	rec_push_s64(&r, KES_P_PROCEXIT_REAPER_TID, find_reaper_tid(p));
	rec_submit(&r, p->pid, tgid, KES_DROP_PROC);
	return 0;
}
