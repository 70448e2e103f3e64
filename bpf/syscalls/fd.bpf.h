/* Fd syscalls: creat, open_by_handle_at, close, close_range, dup/dup2/dup3, fcntl, pipe/pipe2,
 * eventfd/eventfd2, signalfd/signalfd4, timerfd_create, inotify_init/inotify_init1,
 * memfd_create. Emitted at exit, with Falco's exit parameters (schema/events.yaml).
 *
 * Kernel objects first: creat/open_by_handle_at report the path of the struct file installed at
 * the new fd (as open does), memfd_create the name of the file it made. User memory at exit:
 * the fd pair pipe/pipe2 wrote back (no other record of which fds they are) and signalfd's mask.
 * Everything else is a register or the return value. */

#include "fs_flags.h"

/* Starts a record (FS_BEGIN/FS_SUBMIT come from fs.bpf.h, included first). */
#ifndef FS_BEGIN
#error "include syscalls/fs.bpf.h before syscalls/fd.bpf.h"
#endif

static __always_inline __u32 file_dev(struct file *f)
{
	return encode_dev(KES_KPTR(struct file, f)->f_inode->i_sb->s_dev);
}

static __always_inline __u64 file_ino(struct file *f)
{
	return KES_KPTR(struct file, f)->f_inode->i_ino;
}

/* --- creat, open_by_handle_at --------------------------------------------------------------- */

KES_EXIT_PROG(creat)
{
	FS_BEGIN(KES_EVT_CREAT, KES_CREAT_NPARAMS);
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *f = ret >= 0 ? fd_to_file(task, ret) : NULL;
	rec_push_s64(&r, KES_P_CREAT_FD, ret);
	if (f)
		rec_push_file_path(&r, KES_P_CREAT_NAME, s, bpf_get_smp_processor_id(), f);
	else
		rec_push_str(&r, KES_P_CREAT_NAME, arg_ptr(regs->di), 1);
	/* creat always passes O_CREAT: the mode is reported (PPM_S_* = the low 12 bits). */
	rec_push_u32(&r, KES_P_CREAT_MODE, (__u32)regs->si & 07777);
	if (f) {
		rec_push_u32(&r, KES_P_CREAT_DEV, file_dev(f));
		rec_push_u64(&r, KES_P_CREAT_INO, file_ino(f));
	}
	/* PPM_FD_UPPER/LOWER_LAYER_CREAT (overlayfs layers): not computed, always 0. */
	rec_push_u16(&r, KES_P_CREAT_CREAT_FLAGS, 0);
	FS_SUBMIT(KES_DROP_OPEN);
	return 0;
}

KES_EXIT_PROG(open_by_handle_at)
{
	FS_BEGIN(KES_EVT_OPEN_BY_HANDLE_AT, KES_OPEN_BY_HANDLE_AT_NPARAMS);
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *f = ret >= 0 ? fd_to_file(task, ret) : NULL;
	rec_push_s64(&r, KES_P_OPEN_BY_HANDLE_AT_FD, ret);
	rec_push_s64(&r, KES_P_OPEN_BY_HANDLE_AT_MOUNTFD, arg_fd(regs->di));
	rec_push_u32(&r, KES_P_OPEN_BY_HANDLE_AT_FLAGS, open_flags_to_ppm((__u32)regs->dx));
	/* A handle names no path: only the opened file has one. */
	if (f) {
		rec_push_file_path(&r, KES_P_OPEN_BY_HANDLE_AT_PATH, s, bpf_get_smp_processor_id(),
				   f);
		rec_push_u32(&r, KES_P_OPEN_BY_HANDLE_AT_DEV, file_dev(f));
		rec_push_u64(&r, KES_P_OPEN_BY_HANDLE_AT_INO, file_ino(f));
	}
	FS_SUBMIT(KES_DROP_OPEN);
	return 0;
}

/* --- close, close_range --------------------------------------------------------------------- */

KES_EXIT_PROG(close)
{
	FS_BEGIN(KES_EVT_CLOSE, KES_CLOSE_NPARAMS);
	rec_push_s64(&r, KES_P_CLOSE_RES, ret);
	rec_push_s64(&r, KES_P_CLOSE_FD, arg_fd(regs->di));
	FS_SUBMIT(KES_DROP_CLOSE);
	return 0;
}

KES_EXIT_PROG(close_range)
{
	FS_BEGIN(KES_EVT_CLOSE_RANGE, KES_CLOSE_RANGE_NPARAMS);
	rec_push_s64(&r, KES_P_CLOSE_RANGE_RES, ret);
	rec_push_u32(&r, KES_P_CLOSE_RANGE_FIRST, (__u32)regs->di);
	rec_push_u32(&r, KES_P_CLOSE_RANGE_LAST, (__u32)regs->si);
	rec_push_u32(&r, KES_P_CLOSE_RANGE_FLAGS, close_range_flags_to_ppm((__u32)regs->dx));
	FS_SUBMIT(KES_DROP_CLOSE);
	return 0;
}

/* --- dup family, fcntl ---------------------------------------------------------------------- */

KES_EXIT_PROG(dup)
{
	FS_BEGIN(KES_EVT_DUP, KES_DUP_NPARAMS);
	rec_push_s64(&r, KES_P_DUP_RES, ret);
	rec_push_s64(&r, KES_P_DUP_OLDFD, arg_fd(regs->di));
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(dup2)
{
	FS_BEGIN(KES_EVT_DUP2, KES_DUP2_NPARAMS);
	rec_push_s64(&r, KES_P_DUP2_RES, ret);
	rec_push_s64(&r, KES_P_DUP2_OLDFD, arg_fd(regs->di));
	rec_push_s64(&r, KES_P_DUP2_NEWFD, arg_fd(regs->si));
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(dup3)
{
	FS_BEGIN(KES_EVT_DUP3, KES_DUP3_NPARAMS);
	rec_push_s64(&r, KES_P_DUP3_RES, ret);
	rec_push_s64(&r, KES_P_DUP3_OLDFD, arg_fd(regs->di));
	rec_push_s64(&r, KES_P_DUP3_NEWFD, arg_fd(regs->si));
	/* dup3 accepts only O_CLOEXEC. */
	rec_push_u32(&r, KES_P_DUP3_FLAGS, (regs->dx & KES_O_CLOEXEC_LNX) ? KES_O_CLOEXEC : 0);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(fcntl)
{
	FS_BEGIN(KES_EVT_FCNTL, KES_FCNTL_NPARAMS);
	rec_push_s64(&r, KES_P_FCNTL_RES, ret);
	rec_push_s64(&r, KES_P_FCNTL_FD, arg_fd(regs->di));
	rec_push_u8(&r, KES_P_FCNTL_CMD, fcntl_cmd_to_ppm((__u32)regs->si));
	rec_push_u64(&r, KES_P_FCNTL_ARG, regs->dx);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

/* --- pipe, pipe2 ---------------------------------------------------------------------------- */

/* The two fds the kernel wrote back to the caller's array (user memory: no kernel record says
 * which fds they are), and the pipe's inode from the installed file. */
static __always_inline void push_pipe(struct rec *r, long ret, const void *ufds, __u32 i_fd1,
				      __u32 i_fd2, __u32 i_ino)
{
	int fds[2] = {-1, -1};
	if (bpf_probe_read_user(fds, sizeof(fds), ufds) != 0) {
		fds[0] = -1;
		fds[1] = -1;
	}
	rec_push_s64(r, i_fd1, fds[0]);
	rec_push_s64(r, i_fd2, fds[1]);
	__u64 ino = 0;
	if (ret == 0) {
		struct file *f = fd_to_file(bpf_get_current_task_btf(), fds[0]);
		if (f)
			ino = file_ino(f);
	}
	rec_push_u64(r, i_ino, ino);
}

KES_EXIT_PROG(pipe)
{
	FS_BEGIN(KES_EVT_PIPE, KES_PIPE_NPARAMS);
	rec_push_s64(&r, KES_P_PIPE_RES, ret);
	push_pipe(&r, ret, arg_ptr(regs->di), KES_P_PIPE_FD1, KES_P_PIPE_FD2, KES_P_PIPE_INO);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(pipe2)
{
	FS_BEGIN(KES_EVT_PIPE2, KES_PIPE2_NPARAMS);
	rec_push_s64(&r, KES_P_PIPE2_RES, ret);
	push_pipe(&r, ret, arg_ptr(regs->di), KES_P_PIPE2_FD1, KES_P_PIPE2_FD2, KES_P_PIPE2_INO);
	rec_push_u32(&r, KES_P_PIPE2_FLAGS, nonblock_cloexec_to_ppm((int)regs->si, 1));
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

/* --- eventfd, signalfd, timerfd, inotify ---------------------------------------------------- */

KES_EXIT_PROG(eventfd)
{
	FS_BEGIN(KES_EVT_EVENTFD, KES_EVENTFD_NPARAMS);
	rec_push_s64(&r, KES_P_EVENTFD_RES, ret);
	rec_push_u64(&r, KES_P_EVENTFD_INITVAL, (__u32)regs->di);
	rec_push_u32(&r, KES_P_EVENTFD_FLAGS, 0); /* eventfd(2) takes no flags */
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(eventfd2)
{
	FS_BEGIN(KES_EVT_EVENTFD2, KES_EVENTFD2_NPARAMS);
	rec_push_s64(&r, KES_P_EVENTFD2_RES, ret);
	/* EFD_NONBLOCK/EFD_CLOEXEC are the open flags; EFD_SEMAPHORE is not reported (Falco). */
	rec_push_u16(&r, KES_P_EVENTFD2_FLAGS, nonblock_cloexec_to_ppm((int)regs->si, 0));
	rec_push_u64(&r, KES_P_EVENTFD2_INITVAL, (__u32)regs->di);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

/* The first 32 signals of the mask (Falco's `mask` is 32 bits wide), from user memory. */
static __always_inline __u32 user_sigmask32(const void *umask)
{
	__u32 mask = 0;
	if (umask)
		bpf_probe_read_user(&mask, sizeof(mask), umask);
	return mask;
}

KES_EXIT_PROG(signalfd)
{
	FS_BEGIN(KES_EVT_SIGNALFD, KES_SIGNALFD_NPARAMS);
	rec_push_s64(&r, KES_P_SIGNALFD_RES, ret);
	rec_push_s64(&r, KES_P_SIGNALFD_FD, arg_fd(regs->di));
	rec_push_u32(&r, KES_P_SIGNALFD_MASK, user_sigmask32(arg_ptr(regs->si)));
	rec_push_u8(&r, KES_P_SIGNALFD_FLAGS, 0); /* signalfd(2) takes no flags */
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(signalfd4)
{
	FS_BEGIN(KES_EVT_SIGNALFD4, KES_SIGNALFD4_NPARAMS);
	rec_push_s64(&r, KES_P_SIGNALFD4_RES, ret);
	rec_push_u16(&r, KES_P_SIGNALFD4_FLAGS, nonblock_cloexec_to_ppm((int)regs->r10, 0));
	rec_push_s64(&r, KES_P_SIGNALFD4_FD, arg_fd(regs->di));
	rec_push_u32(&r, KES_P_SIGNALFD4_MASK, user_sigmask32(arg_ptr(regs->si)));
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(timerfd_create)
{
	FS_BEGIN(KES_EVT_TIMERFD_CREATE, KES_TIMERFD_CREATE_NPARAMS);
	rec_push_s64(&r, KES_P_TIMERFD_CREATE_RES, ret);
	rec_push_u8(&r, KES_P_TIMERFD_CREATE_CLOCKID, (__u8)regs->di);
	/* TFD_CLOEXEC/TFD_NONBLOCK do not fit Falco's 8-bit `flags`, which its drivers always
	 * send as 0: so does Kestrel (the state reads nothing from it). */
	rec_push_u8(&r, KES_P_TIMERFD_CREATE_FLAGS, 0);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(inotify_init)
{
	FS_BEGIN(KES_EVT_INOTIFY_INIT, KES_INOTIFY_INIT_NPARAMS);
	rec_push_s64(&r, KES_P_INOTIFY_INIT_RES, ret);
	rec_push_u8(&r, KES_P_INOTIFY_INIT_FLAGS, 0); /* inotify_init(2) takes no flags */
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(inotify_init1)
{
	FS_BEGIN(KES_EVT_INOTIFY_INIT1, KES_INOTIFY_INIT1_NPARAMS);
	rec_push_s64(&r, KES_P_INOTIFY_INIT1_RES, ret);
	rec_push_u16(&r, KES_P_INOTIFY_INIT1_FLAGS, nonblock_cloexec_to_ppm((int)regs->di, 0));
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

/* --- memfd_create --------------------------------------------------------------------------- */

#define KES_MEMFD_PREFIX_LEN 6 /* "memfd:" */

/* The name the kernel gave the file ("memfd:<name>" in its dentry), without the prefix, as
 * Falco reports the argument; the caller's string only when no file was made. */
KES_EXIT_PROG(memfd_create)
{
	FS_BEGIN(KES_EVT_MEMFD_CREATE, KES_MEMFD_CREATE_NPARAMS);
	struct file *f = ret >= 0 ? fd_to_file(bpf_get_current_task_btf(), ret) : NULL;
	rec_push_s64(&r, KES_P_MEMFD_CREATE_FD, ret);
	const unsigned char *kname = f ? BPF_CORE_READ(f, f_path.dentry, d_name.name) : NULL;
	if (kname && BPF_CORE_READ(f, f_path.dentry, d_name.len) >= KES_MEMFD_PREFIX_LEN)
		rec_push_str(&r, KES_P_MEMFD_CREATE_NAME, kname + KES_MEMFD_PREFIX_LEN, 0);
	else
		rec_push_str(&r, KES_P_MEMFD_CREATE_NAME, arg_ptr(regs->di), 1);
	rec_push_u32(&r, KES_P_MEMFD_CREATE_FLAGS, memfd_flags_to_ppm((__u32)regs->si));
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}
