// SPDX-License-Identifier: GPL-2.0
/* Initial state: BPF task and task_file iterators. A separate object from the probe
 * (kestrel.bpf.c), so that the probe's programs and their verifier budget stay as they are; it
 * reuses the probe's record writer, path walks, socket and task helpers through the same headers,
 * so names come out exactly as the live events give them.
 *
 * Userspace (src/capture/task_iter.cpp) attaches each program as an iterator link, creates an
 * iterator fd, reads it to the end and frees everything: nothing stays loaded after start-up.
 * Records: bpf/iter/kestrel_iter.h. */
#include "path.h"
#include "proc_info.h"
#include "sock.h"
#include "iter/kestrel_iter.h"

char LICENSE[] SEC("license") = "GPL";

/* Falco's kernel_iter_event_counters, drops only: an object the kernel retries after a full
 * seq_file buffer runs the program again, so records are counted by the reader instead. */
struct kes_iter_counters iter_counters;

#define KES_PF_KTHREAD 0x00200000
#define KES_S_IFMT 0170000
#define KES_S_IFSOCK 0140000
#define KES_S_IFREG 0100000
#define KES_S_IFBLK 0060000
#define KES_S_IFDIR 0040000
#define KES_S_IFCHR 0020000
#define KES_S_IFIFO 0010000
#define KES_AF_NETLINK 16
#define KES_TCP_LISTEN 10

/* One reader at a time (start-up): one scratch slot for both programs, run one after the
 * other. A sleepable program runs with migration disabled but may be preempted; nothing else
 * uses this object's map. */
static __always_inline struct kes_scratch *iter_scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch, &zero);
}

/* The number of a struct pid in its own (innermost) namespace. */
static __always_inline __s64 pid_vnr(struct pid *pid)
{
	if (!pid)
		return 0;
	__u32 level = BPF_CORE_READ(pid, level);
	return BPF_CORE_READ(pid, numbers[level & 31].nr);
}

static __always_inline __s64 pid_global(struct pid *pid)
{
	if (!pid)
		return 0;
	return BPF_CORE_READ(pid, numbers[0].nr);
}

/* [start, end) of another task's user memory (its argv or environ area, written by the kernel at
 * exec), cut at KES_STR_MAX like execve's args. Returns 0 when the memory could not be read. */
static __always_inline int push_task_user(struct rec *r, __u32 idx, struct task_struct *task,
					  unsigned long start, unsigned long end)
{
	if (end <= start)
		return 1;
	__u64 len = end - start;
	__u32 room = rec_room(r, KES_STR_MAX);
	__u32 n = len < room ? (__u32)len : room;
	if (n < len)
		rec_truncated(r);
	barrier_var(n);
	if (n == 0 || n > KES_STR_MAX)
		return 1;
	if (bpf_copy_from_user_task(rec_cursor(r), n, (void *)start, task, 0))
		return 0;
	rec_commit(r, idx, n);
	return 1;
}

/* Writes the record into the iterator's output. A record larger than an empty seq_file buffer
 * would fail the whole read (E2BIG): dropped and counted instead. A write into a full buffer
 * fails quietly: the kernel runs the program again for the same object on the next read(). */
static __always_inline int iter_emit(struct seq_file *seq, struct rec *r, __u32 tid, __u32 pid,
				     const char *comm)
{
	struct kes_event_header *h = (struct kes_event_header *)r->s->rec;
	__u32 len = rec_off(r);
	h->ts_ns = 0;
	h->tid = tid;
	h->pid = pid;
	h->len = len;
	h->type = r->type;
	h->nparams = r->nparams;
	h->cpu = 0;
	h->flags = r->s->flags;
	h->reserved = 0;
	bpf_probe_read_kernel_str(h->comm, sizeof(h->comm), comm);
	barrier_var(len);
	if (len > KES_ITER_REC_MAX) {
		__sync_fetch_and_add(&iter_counters.n_drops_max_event_size, 1);
		return -1;
	}
	bpf_seq_write(seq, r->s->rec, len);
	return 0;
}

/* The process part of a group leader's record: program, memory areas, cwd, cgroups. */
static __always_inline void push_process(struct rec *r, struct kes_scratch *s,
					 struct task_struct *task, __u32 flags_off)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct file *exe = mm ? BPF_CORE_READ(mm, exe_file) : NULL;
	if (exe) {
		struct inode *ino = BPF_CORE_READ(exe, f_inode);
		rec_push_u64(r, KES_IT_EXE_INO, BPF_CORE_READ(ino, i_ino));
		rec_push_u64(r, KES_IT_EXE_CTIME, inode_ctime_ns(ino));
		rec_push_u64(r, KES_IT_EXE_MTIME, inode_mtime_ns(ino));
		rec_push_u32(r, KES_IT_EXE_FLAGS, exe_flags(task, exe));
		rec_push_file_path(r, KES_IT_EXEPATH, s, 0, exe);
	}
	if (mm) {
		unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
		unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
		unsigned long env_start = BPF_CORE_READ(mm, env_start);
		unsigned long env_end = BPF_CORE_READ(mm, env_end);
		int ok = push_task_user(r, KES_IT_ARGS, task, arg_start, arg_end);
		ok &= push_task_user(r, KES_IT_ENV, task, env_start, env_end);
		if (!ok)
			s->rec[flags_off & (KES_REC_LIMIT - 1)] |= KES_IT_F_MM_UNREAD;
	}
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	if (fs)
		rec_push_path(r, KES_IT_CWD, s, 0, BPF_CORE_READ(fs, pwd.mnt),
			      BPF_CORE_READ(fs, pwd.dentry));
	rec_push_cgroups(r, KES_IT_CGROUPS, s, 0, task);
}

/* Sleepable: reading another task's argv/environ needs bpf_copy_from_user_task. */
SEC("iter.s/task")
int kes_iter_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	if (!task)
		return 0;
	struct kes_scratch *s = iter_scratch();
	if (!s) {
		__sync_fetch_and_add(&iter_counters.n_drops_task, 1);
		return 0;
	}
	struct rec r;
	if (rec_init(&r, s, KES_ITER_REC_TASK, KES_IT_NPARAMS))
		return 0;

	__u32 tid = BPF_CORE_READ(task, pid);
	__u32 tgid = BPF_CORE_READ(task, tgid);
	int leader = tid == tgid;
	struct pid *pgrp = BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]);
	struct pid *session = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID]);
	rec_push_s64(&r, KES_IT_PTID, BPF_CORE_READ(task, real_parent, tgid));
	rec_push_s64(&r, KES_IT_VTID, pid_vnr(BPF_CORE_READ(task, thread_pid)));
	rec_push_s64(&r, KES_IT_VPID, pid_vnr(BPF_CORE_READ(task, group_leader, thread_pid)));
	rec_push_s64(&r, KES_IT_SID, pid_global(session));
	rec_push_s64(&r, KES_IT_PGID, pid_global(pgrp));
	rec_push_s64(&r, KES_IT_VPGID, pid_vnr(pgrp));
	rec_push_u32(&r, KES_IT_UID, BPF_CORE_READ(task, cred, euid.val));
	rec_push_u32(&r, KES_IT_GID, BPF_CORE_READ(task, cred, egid.val));
	rec_push_u32(&r, KES_IT_LOGINUID, task_loginuid(task));
	rec_push_u64(&r, KES_IT_CAP_INH, BPF_CORE_READ(task, cred, cap_inheritable.val));
	rec_push_u64(&r, KES_IT_CAP_PRM, BPF_CORE_READ(task, cred, cap_permitted.val));
	rec_push_u64(&r, KES_IT_CAP_EFF, BPF_CORE_READ(task, cred, cap_effective.val));
	rec_push_u32(&r, KES_IT_TTY, task_tty(task));
	rec_push_s64(&r, KES_IT_FDLIMIT,
		     BPF_CORE_READ(task, signal, rlim[KES_RLIMIT_NOFILE].rlim_cur));
	rec_push_u64(&r, KES_IT_START_TS, BPF_CORE_READ(task, start_boottime));
	__u32 flags = 0;
	if (BPF_CORE_READ(task, flags) & KES_PF_KTHREAD)
		flags |= KES_IT_F_KTHREAD;
	if (leader)
		flags |= KES_IT_F_LEADER;
	__u32 flags_off = rec_off(&r);
	rec_push_u32(&r, KES_IT_FLAGS, flags);
	if (leader)
		push_process(&r, s, task, flags_off);
	if (iter_emit(seq, &r, tid, tgid, task->comm))
		__sync_fetch_and_add(&iter_counters.n_drops_task, 1);
	return 0;
}

static __always_inline __u32 file_kind(struct file *file, struct socket **sock, __u16 *family)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	__u16 mode = BPF_CORE_READ(inode, i_mode);
	switch (mode & KES_S_IFMT) {
	case KES_S_IFSOCK: {
		*sock = BPF_CORE_READ(file, private_data);
		struct sock *sk = *sock ? BPF_CORE_READ(*sock, sk) : NULL;
		*family = sk ? BPF_CORE_READ(sk, __sk_common.skc_family) : 0;
		if (*family == KES_AF_INET)
			return KES_IFK_SOCKET_INET;
		if (*family == KES_AF_INET6)
			return KES_IFK_SOCKET_INET6;
		if (*family == KES_AF_UNIX)
			return KES_IFK_SOCKET_UNIX;
		if (*family == KES_AF_NETLINK)
			return KES_IFK_SOCKET_NETLINK;
		return KES_IFK_OTHER;
	}
	case KES_S_IFIFO:
		return KES_IFK_PIPE;
	case KES_S_IFDIR:
		return KES_IFK_DIRECTORY;
	case KES_S_IFCHR:
	case KES_S_IFBLK:
		return KES_IFK_REGULAR;
	case KES_S_IFREG: {
		/* A memfd: a pseudo dentry (its own parent) named "memfd:...", as exe_flags()
		 * recognises an executable run from one. */
		struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
		if (d && BPF_CORE_READ(d, d_parent) == d) {
			char prefix[8] = {};
			bpf_probe_read_kernel(prefix, 6, BPF_CORE_READ(d, d_name.name));
			if (prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' &&
			    prefix[3] == 'f' && prefix[4] == 'd' && prefix[5] == ':')
				return KES_IFK_MEMFD;
		}
		return KES_IFK_REGULAR;
	}
	case 0:
		/* anon_inode_inode has no type bits (eventfd, eventpoll, timerfd, bpf-*...). */
		return KES_IFK_ANON_INODE;
	default:
		return KES_IFK_OTHER;
	}
}

/* Close-on-exec lives in the fd table's bitmap, not in f_flags. */
static __always_inline int fd_cloexec(struct task_struct *task, __u32 fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	unsigned long *bits = BPF_CORE_READ(fdt, close_on_exec);
	unsigned long word = 0;
	if (!bits || bpf_probe_read_kernel(&word, sizeof(word), &bits[fd / 64]))
		return 0;
	return (word >> (fd % 64)) & 1;
}

SEC("iter/task_file")
int kes_iter_file(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	if (!task || !file)
		return 0;
	struct socket *sock = NULL;
	__u16 family = 0;
	__u32 kind = file_kind(file, &sock, &family);
	__u32 k = kind < KES_IFK_COUNT ? kind : KES_IFK_OTHER;
	struct kes_scratch *s = iter_scratch();
	if (!s) {
		if (k < KES_IFK_COUNT)
			__sync_fetch_and_add(&iter_counters.n_drops_task_file[k], 1);
		return 0;
	}
	struct rec r;
	if (rec_init(&r, s, KES_ITER_REC_FILE, KES_IF_NPARAMS))
		return 0;
	__u32 fd = ctx->fd;
	__u32 flags = open_flags_to_ppm(BPF_CORE_READ(file, f_flags));
	if (fd_cloexec(task, fd))
		flags |= KES_O_CLOEXEC;
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	rec_push_s64(&r, KES_IF_FD, fd);
	rec_push_u32(&r, KES_IF_KIND, kind);
	rec_push_u32(&r, KES_IF_FLAGS, flags);
	rec_push_u32(&r, KES_IF_DEV, encode_dev(BPF_CORE_READ(inode, i_sb, s_dev)));
	rec_push_u64(&r, KES_IF_INO, BPF_CORE_READ(inode, i_ino));
	if (kind == KES_IFK_SOCKET_INET || kind == KES_IFK_SOCKET_INET6 ||
	    kind == KES_IFK_SOCKET_UNIX) {
		struct sock *sk = BPF_CORE_READ(sock, sk);
		if (kind == KES_IFK_SOCKET_UNIX) {
			/* The socket's own bound path (the peer's is in the tuple). */
			__u8 *p = rec_reserve(&r, KES_UNIX_PATH_MAX + 1);
			if (p) {
				__u32 n = unix_path_into(p, sk);
				if (n > 1)
					rec_commit(&r, KES_IF_NAME, n & 0xff);
			}
		}
		rec_push_socktuple(&r, KES_IF_TUPLE, sk);
		__u8 *p = rec_reserve(&r, 4);
		if (p) {
			p[0] = (__u8)family;
			p[1] = (__u8)BPF_CORE_READ(sk, sk_type);
			p[2] = (__u8)BPF_CORE_READ(sk, sk_protocol);
			p[3] = BPF_CORE_READ(sk, __sk_common.skc_state) == KES_TCP_LISTEN;
			rec_commit(&r, KES_IF_SOCK, 4);
		}
	} else if (kind != KES_IFK_PIPE && kind != KES_IFK_SOCKET_NETLINK &&
		   kind != KES_IFK_OTHER) {
		rec_push_file_path(&r, KES_IF_NAME, s, 0, file);
	}
	__u32 tgid = BPF_CORE_READ(task, tgid);
	if (iter_emit(seq, &r, tgid, tgid, task->comm) && k < KES_IFK_COUNT)
		__sync_fetch_and_add(&iter_counters.n_drops_task_file[k], 1);
	return 0;
}
