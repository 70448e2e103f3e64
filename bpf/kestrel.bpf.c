// SPDX-License-Identifier: GPL-2.0
/* Kestrel's probe: syscalls emitted once, at exit, with every parameter (DESIGN.md "Kernel
 * side"), plus procexit from sched_process_exit. Wire format: schema/README.md. */
#include "maps.h"
#include "record.h"
#include "path.h"
#include "sock.h"
#include "task.h"

char LICENSE[] SEC("license") = "GPL";

#define KES_TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall (ia32 numbering) */
#define KES_NR_IA32_EXECVE 11
#define KES_O_CREAT_LNX 00000100
#define KES_O_TMPFILE_LNX 020200000
#define KES_FMODE_CREATED (1 << 20)
#define KES_RLIMIT_NOFILE 7
#define KES_PAGE_SHIFT 12

/* --- helpers on the current task ------------------------------------------------------------ */

static __always_inline struct file *fd_to_file(struct task_struct *task, long fd)
{
	if (fd < 0)
		return NULL;
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt)
		return NULL;
	unsigned int max_fds = BPF_CORE_READ(fdt, max_fds);
	if (fd >= max_fds)
		return NULL;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	if (fds)
		bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* Falco's PPM open flags (driver/ppm_flag_helpers.h semantics, values from the schema). */
static __always_inline __u32 open_flags_to_ppm(__u32 flags)
{
	__u32 res = 0;
	switch (flags & 3) {
	case 1:
		res |= KES_O_WRONLY;
		break;
	case 2:
		res |= KES_O_RDWR;
		break;
	default:
		res |= KES_O_RDONLY;
		break;
	}
	if (flags & 00000100)
		res |= KES_O_CREAT;
	if (flags & 00002000)
		res |= KES_O_APPEND;
	if (flags & 00010000)
		res |= KES_O_DSYNC;
	if (flags & 00000200)
		res |= KES_O_EXCL;
	if (flags & 00004000)
		res |= KES_O_NONBLOCK;
	if (flags & 04000000)
		res |= KES_O_SYNC;
	if (flags & 00001000)
		res |= KES_O_TRUNC;
	if (flags & 00040000)
		res |= KES_O_DIRECT;
	if (flags & 00200000)
		res |= KES_O_DIRECTORY;
	if (flags & 00100000)
		res |= KES_O_LARGEFILE;
	if (flags & 02000000)
		res |= KES_O_CLOEXEC;
	if (flags & 020000000)
		res |= KES_O_TMPFILE;
	return res;
}

/* Falco's PPM_RESOLVE_* bits (openat2 `resolve`). */
static __always_inline __u32 resolve_to_ppm(__u64 resolve)
{
	__u32 res = 0;
	if (resolve & 0x08) /* RESOLVE_BENEATH */
		res |= KES_RESOLVE_BENEATH;
	if (resolve & 0x10) /* RESOLVE_IN_ROOT */
		res |= KES_RESOLVE_IN_ROOT;
	if (resolve & 0x02) /* RESOLVE_NO_MAGICLINKS */
		res |= KES_RESOLVE_NO_MAGICLINKS;
	if (resolve & 0x04) /* RESOLVE_NO_SYMLINKS */
		res |= KES_RESOLVE_NO_SYMLINKS;
	if (resolve & 0x01) /* RESOLVE_NO_XDEV */
		res |= KES_RESOLVE_NO_XDEV;
	if (resolve & 0x20) /* RESOLVE_CACHED */
		res |= KES_RESOLVE_CACHED;
	return res;
}

/* Falco's encoding of a dev_t (new_encode_dev), from the kernel's MAJOR/MINOR split (20 bits). */
static __always_inline __u32 encode_dev(__u32 dev)
{
	__u32 major = dev >> 20;
	__u32 minor = dev & ((1U << 20) - 1);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

/* --- open, openat, openat2 ------------------------------------------------------------------ */

static __always_inline void fill_open(struct pt_regs *regs, long ret, __u16 evt)
{
	struct kes_scratch *s = scratch_get(0);
	if (!s)
		return;
	__u32 sidx = bpf_get_smp_processor_id();
	struct task_struct *task = bpf_get_current_task_btf();
	struct rec r;
	__u32 np = evt == KES_EVT_OPEN	   ? KES_OPEN_NPARAMS
		   : evt == KES_EVT_OPENAT ? KES_OPENAT_NPARAMS
					   : KES_OPENAT2_NPARAMS;
	if (rec_init(&r, s, evt, np))
		return;

	/* Argument registers, saved at entry (scalars: safe to read at exit). */
	const char *upath;
	__u64 flags, mode, resolve = 0;
	long dirfd = 0;
	if (evt == KES_EVT_OPEN) {
		upath = (const char *)regs->di;
		flags = regs->si;
		mode = regs->dx;
	} else if (evt == KES_EVT_OPENAT) {
		dirfd = (int)regs->di;
		upath = (const char *)regs->si;
		flags = regs->dx;
		mode = regs->r10;
	} else {
		/* openat2's open_how lives in user memory: read at exit, as Falco does. */
		struct open_how how = {};
		dirfd = (int)regs->di;
		upath = (const char *)regs->si;
		bpf_probe_read_user(&how, sizeof(how), (const void *)regs->dx);
		flags = how.flags;
		mode = how.mode;
		resolve = how.resolve;
	}

	__u32 ppm_flags = open_flags_to_ppm((__u32)flags);
	/* Falco reports the mode only when the call can create a file. */
	__u32 ppm_mode = (flags & (KES_O_CREAT_LNX | KES_O_TMPFILE_LNX)) ? (__u32)mode & 07777 : 0;
	struct file *f = ret >= 0 ? fd_to_file(task, ret) : NULL;
	if (f && (BPF_CORE_READ(f, f_mode) & KES_FMODE_CREATED))
		ppm_flags |= KES_O_F_CREATED;

	/* Parameter order differs per event (schema/events.yaml). */
	if (evt == KES_EVT_OPEN) {
		rec_push_s64(&r, KES_P_OPEN_FD, ret);
		if (f)
			rec_push_file_path(&r, KES_P_OPEN_NAME, s, sidx, f);
		else
			rec_push_str(&r, KES_P_OPEN_NAME, upath, 1);
		rec_push_u32(&r, KES_P_OPEN_FLAGS, ppm_flags);
		rec_push_u32(&r, KES_P_OPEN_MODE, ppm_mode);
		if (f) {
			rec_push_u32(&r, KES_P_OPEN_DEV,
				     encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev)));
			rec_push_u64(&r, KES_P_OPEN_INO, BPF_CORE_READ(f, f_inode, i_ino));
		}
	} else if (evt == KES_EVT_OPENAT) {
		rec_push_s64(&r, KES_P_OPENAT_FD, ret);
		rec_push_s64(&r, KES_P_OPENAT_DIRFD, dirfd);
		if (f)
			rec_push_file_path(&r, KES_P_OPENAT_NAME, s, sidx, f);
		else
			rec_push_str(&r, KES_P_OPENAT_NAME, upath, 1);
		rec_push_u32(&r, KES_P_OPENAT_FLAGS, ppm_flags);
		rec_push_u32(&r, KES_P_OPENAT_MODE, ppm_mode);
		if (f) {
			rec_push_u32(&r, KES_P_OPENAT_DEV,
				     encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev)));
			rec_push_u64(&r, KES_P_OPENAT_INO, BPF_CORE_READ(f, f_inode, i_ino));
		}
	} else {
		rec_push_s64(&r, KES_P_OPENAT2_FD, ret);
		rec_push_s64(&r, KES_P_OPENAT2_DIRFD, dirfd);
		if (f)
			rec_push_file_path(&r, KES_P_OPENAT2_NAME, s, sidx, f);
		else
			rec_push_str(&r, KES_P_OPENAT2_NAME, upath, 1);
		rec_push_u32(&r, KES_P_OPENAT2_FLAGS, ppm_flags);
		rec_push_u32(&r, KES_P_OPENAT2_MODE, ppm_mode);
		rec_push_u32(&r, KES_P_OPENAT2_RESOLVE, resolve_to_ppm(resolve));
		if (f) {
			rec_push_u32(&r, KES_P_OPENAT2_DEV,
				     encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev)));
			rec_push_u64(&r, KES_P_OPENAT2_INO, BPF_CORE_READ(f, f_inode, i_ino));
		}
	}
	__u64 id = bpf_get_current_pid_tgid();
	rec_submit(&r, (__u32)id, id >> 32, KES_DROP_OPEN);
}

/* --- connect -------------------------------------------------------------------------------- */

#define KES_EINPROGRESS 115

static __always_inline void fill_connect(struct pt_regs *regs, long ret)
{
	struct kes_scratch *s = scratch_get(0);
	if (!s)
		return;
	struct task_struct *task = bpf_get_current_task_btf();
	struct rec r;
	if (rec_init(&r, s, KES_EVT_CONNECT, KES_CONNECT_NPARAMS))
		return;

	long fd = (int)regs->di;
	struct socket *sock = file_socket(fd_to_file(task, fd));
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;

	rec_push_s64(&r, KES_P_CONNECT_RES, ret);
	/* Like Falco: a tuple only once the connection exists (or is being made). */
	if (ret == 0 || ret == -KES_EINPROGRESS)
		rec_push_socktuple(&r, KES_P_CONNECT_TUPLE, sk);
	rec_push_s64(&r, KES_P_CONNECT_FD, fd);
	int have_addr = 0;
	if (ret == 0 || ret == -KES_EINPROGRESS)
		have_addr = rec_push_sock_daddr(&r, KES_P_CONNECT_ADDR, sk);
	if (!have_addr)
		rec_push_user_sockaddr(&r, KES_P_CONNECT_ADDR, (const void *)regs->si,
				       (__u32)regs->dx);

	__u64 id = bpf_get_current_pid_tgid();
	rec_submit(&r, (__u32)id, id >> 32, KES_DROP_CONNECT);
}

/* --- execve, execveat ----------------------------------------------------------------------- */

static __always_inline __u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	if (!tty)
		return 0;
	struct tty_driver *driver = BPF_CORE_READ(tty, driver);
	if (!driver)
		return 0;
	int index = BPF_CORE_READ(tty, index);
	int major = BPF_CORE_READ(driver, major);
	int minor_start = BPF_CORE_READ(driver, minor_start);
	return encode_dev(((__u32)major << 20) + (__u32)minor_start + (__u32)index);
}

/* Inode times, across layouts (CO-RE flavours, the way Falco's probe handles them):
 * - 6.11+: i_ctime_sec/i_ctime_nsec, i_mtime_sec/i_mtime_nsec; since 6.13 (multigrain
 *   timestamps) bit 31 of i_ctime_nsec flags a queried ctime (I_CTIME_QUERIED): masked out.
 * - 6.6..6.10: struct timespec64 __i_ctime, i_mtime.
 * - before 6.6: struct timespec64 i_ctime, i_mtime. */
#define KES_NSEC_MASK 0x3fffffffU

struct inode___v6_6 {
	struct timespec64 __i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

struct inode___v6_5 {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __u64 to_ns(__s64 sec, __u64 nsec)
{
	return sec < 0 ? 0 : (__u64)sec * 1000000000ULL + (nsec & KES_NSEC_MASK);
}

static __always_inline __u64 inode_ctime_ns(struct inode *ino)
{
	if (bpf_core_field_exists(ino->i_ctime_sec))
		return to_ns(BPF_CORE_READ(ino, i_ctime_sec), BPF_CORE_READ(ino, i_ctime_nsec));
	struct inode___v6_6 *i66 = (void *)ino;
	if (bpf_core_field_exists(i66->__i_ctime))
		return to_ns(BPF_CORE_READ(i66, __i_ctime.tv_sec),
			     BPF_CORE_READ(i66, __i_ctime.tv_nsec));
	struct inode___v6_5 *i65 = (void *)ino;
	return to_ns(BPF_CORE_READ(i65, i_ctime.tv_sec), BPF_CORE_READ(i65, i_ctime.tv_nsec));
}

static __always_inline __u64 inode_mtime_ns(struct inode *ino)
{
	if (bpf_core_field_exists(ino->i_mtime_sec))
		return to_ns(BPF_CORE_READ(ino, i_mtime_sec), BPF_CORE_READ(ino, i_mtime_nsec));
	struct inode___v6_5 *old = (void *)ino;
	return to_ns(BPF_CORE_READ(old, i_mtime.tv_sec), BPF_CORE_READ(old, i_mtime.tv_nsec));
}

/* Before 6.2 rss_stat was a struct of atomic_long_t counters (CO-RE flavours). */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

static __always_inline __u64 mm_counter(struct mm_struct *mm, int member)
{
	__s64 v;
	if (bpf_core_type_exists(struct mm_rss_stat)) {
		struct mm_struct___old *old = (void *)mm;
		v = BPF_CORE_READ(old, rss_stat.count[member].counter);
	} else {
		/* Since 6.2 an array of percpu_counter; .count is the folded value. */
		v = BPF_CORE_READ(mm, rss_stat[member].count);
	}
	return v > 0 ? (__u64)v : 0;
}

/* loginuid exists with CONFIG_AUDIT only; Falco reports (uid_t)-1 without it. */
static __always_inline __u32 task_loginuid(struct task_struct *task)
{
	if (bpf_core_field_exists(task->loginuid))
		return BPF_CORE_READ(task, loginuid.val);
	return 0xffffffff;
}

#define KES_OVERLAYFS_SUPER_MAGIC 0x794c7630
#define KES_SB_RDONLY 1
#define KES_S_IMMUTABLE (1 << 3)
#define KES_CAP_DAC_OVERRIDE 1

/* Falco's execve flags (driver/modern_bpf extract__exe_writable / overlay / memfd), cheap forms:
 * - EXE_FROM_MEMFD: the file is a memfd (pseudo dentry named "memfd:...").
 * - EXE_UPPER_LAYER / EXE_LOWER_LAYER: on overlayfs, whether the inode has an upper dentry.
 * - EXE_WRITABLE: the task could write the file: owner, mode bits for its fsuid/fsgid, or
 *   CAP_DAC_OVERRIDE; not on a read-only or immutable file. Supplementary groups and user
 *   namespace mappings are not consulted (Falco consults both). */
static __always_inline __u32 exe_flags(struct task_struct *task, struct file *exe)
{
	__u32 flags = 0;
	struct dentry *dentry = BPF_CORE_READ(exe, f_path.dentry);
	struct inode *inode = BPF_CORE_READ(exe, f_inode);
	if (!dentry || !inode)
		return 0;

	if (BPF_CORE_READ(dentry, d_parent) == dentry) {
		char prefix[8] = {};
		bpf_probe_read_kernel(prefix, 6, BPF_CORE_READ(dentry, d_name.name));
		if (prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' && prefix[3] == 'f' &&
		    prefix[4] == 'd' && prefix[5] == ':')
			flags |= KES_EXE_FROM_MEMFD;
	}

	unsigned long magic = BPF_CORE_READ(dentry, d_sb, s_magic);
	if (magic == KES_OVERLAYFS_SUPER_MAGIC && bpf_core_type_exists(struct ovl_inode)) {
		struct inode *vfs_inode = BPF_CORE_READ(dentry, d_inode);
		struct ovl_inode *oi = container_of(vfs_inode, struct ovl_inode, vfs_inode);
		struct dentry *upper = BPF_CORE_READ(oi, __upperdentry);
		if (upper && BPF_CORE_READ(upper, d_inode, i_ino) != 0)
			flags |= KES_EXE_UPPER_LAYER;
		else
			flags |= KES_EXE_LOWER_LAYER;
	}

	__u16 mode = BPF_CORE_READ(inode, i_mode);
	if ((BPF_CORE_READ(inode, i_sb, s_flags) & KES_SB_RDONLY) ||
	    (BPF_CORE_READ(inode, i_flags) & KES_S_IMMUTABLE))
		return flags;
	__u32 i_uid = BPF_CORE_READ(inode, i_uid.val);
	__u32 i_gid = BPF_CORE_READ(inode, i_gid.val);
	__u32 fsuid = BPF_CORE_READ(task, cred, fsuid.val);
	__u32 fsgid = BPF_CORE_READ(task, cred, fsgid.val);
	__u64 caps = BPF_CORE_READ(task, cred, cap_effective.val);
	if (fsuid == i_uid || (caps & (1ULL << KES_CAP_DAC_OVERRIDE)))
		flags |= KES_EXE_WRITABLE;
	else if (fsgid == i_gid ? (mode & 0020) : (mode & 0002))
		flags |= KES_EXE_WRITABLE;
	return flags;
}

static __always_inline void fill_exec(struct pt_regs *regs, long ret, __u16 evt)
{
	struct kes_scratch *s = scratch_get(0);
	if (!s)
		return;
	__u32 sidx = bpf_get_smp_processor_id();
	struct task_struct *task = bpf_get_current_task_btf();
	struct rec r;
	if (rec_init(&r, s, evt, evt == KES_EVT_EXECVE ? KES_EXECVE_NPARAMS : KES_EXECVEAT_NPARAMS))
		return;

	/* After a successful exec, current runs the new image: its mm holds the new argv/envp,
	 * written by the kernel and not yet touched by user code (the task has a single thread
	 * and has not returned to user space). After a failed one, these are the caller's. */
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
	unsigned long env_start = BPF_CORE_READ(mm, env_start);
	unsigned long env_end = BPF_CORE_READ(mm, env_end);

	rec_push_s64(&r, KES_P_EXECVE_RES, ret);
	/* exe = argv[0], args = argv[1..] (NUL-separated, as laid out by the kernel). */
	if (mm && arg_end > arg_start) {
		__u32 before = rec_off(&r);
		rec_push_str(&r, KES_P_EXECVE_EXE, (const void *)arg_start, 1);
		__u32 exe_len = rec_off(&r) - before;
		if (arg_start + exe_len < arg_end)
			rec_push_bytes(&r, KES_P_EXECVE_ARGS, (const void *)(arg_start + exe_len),
				       arg_end - arg_start - exe_len, 1);
	}
	rec_push_s64(&r, KES_P_EXECVE_TID, BPF_CORE_READ(task, pid));
	rec_push_s64(&r, KES_P_EXECVE_PID, BPF_CORE_READ(task, tgid));
	/* Falco's ptid: the parent's thread id (real_parent->pid). */
	rec_push_s64(&r, KES_P_EXECVE_PTID, BPF_CORE_READ(task, real_parent, pid));
	rec_push_path(&r, KES_P_EXECVE_CWD, s, sidx, BPF_CORE_READ(task, fs, pwd.mnt),
		      BPF_CORE_READ(task, fs, pwd.dentry));
	rec_push_u64(&r, KES_P_EXECVE_FDLIMIT,
		     BPF_CORE_READ(task, signal, rlim[KES_RLIMIT_NOFILE].rlim_cur));
	rec_push_u64(&r, KES_P_EXECVE_PGFT_MAJ, BPF_CORE_READ(task, maj_flt));
	rec_push_u64(&r, KES_P_EXECVE_PGFT_MIN, BPF_CORE_READ(task, min_flt));
	if (mm) {
		/* KiB: pages << (PAGE_SHIFT - 10). MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2,
		 * MM_SHMEMPAGES 3. */
		__u64 total_vm = BPF_CORE_READ(mm, total_vm);
		__u64 rss = mm_counter(mm, 0) + mm_counter(mm, 1) + mm_counter(mm, 3);
		rec_push_u32(&r, KES_P_EXECVE_VM_SIZE, total_vm << (KES_PAGE_SHIFT - 10));
		rec_push_u32(&r, KES_P_EXECVE_VM_RSS, rss << (KES_PAGE_SHIFT - 10));
		rec_push_u32(&r, KES_P_EXECVE_VM_SWAP, mm_counter(mm, 2) << (KES_PAGE_SHIFT - 10));
	}
	char comm[16];
	bpf_get_current_comm(comm, sizeof(comm));
	rec_push_str(&r, KES_P_EXECVE_COMM, comm, 0);
	rec_push_cgroups(&r, KES_P_EXECVE_CGROUPS, s, sidx, task);
	if (mm && env_end > env_start)
		rec_push_bytes(&r, KES_P_EXECVE_ENV, (const void *)env_start, env_end - env_start,
			       1);
	rec_push_u32(&r, KES_P_EXECVE_TTY, task_tty(task));

	struct pid *pgrp = BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]);
	__u32 level = BPF_CORE_READ(pgrp, level);
	rec_push_s64(&r, KES_P_EXECVE_VPGID, BPF_CORE_READ(pgrp, numbers[level].nr));
	rec_push_u32(&r, KES_P_EXECVE_LOGINUID, task_loginuid(task));
	struct file *exe = mm ? BPF_CORE_READ(mm, exe_file) : NULL;
	rec_push_u32(&r, KES_P_EXECVE_FLAGS, exe ? exe_flags(task, exe) : 0);
	/* Linux capability bits equal Falco's PPM_CAP_* bits (same positions). */
	rec_push_u64(&r, KES_P_EXECVE_CAP_INHERITABLE,
		     BPF_CORE_READ(task, cred, cap_inheritable.val));
	rec_push_u64(&r, KES_P_EXECVE_CAP_PERMITTED, BPF_CORE_READ(task, cred, cap_permitted.val));
	rec_push_u64(&r, KES_P_EXECVE_CAP_EFFECTIVE, BPF_CORE_READ(task, cred, cap_effective.val));

	if (exe) {
		struct inode *ino = BPF_CORE_READ(exe, f_inode);
		rec_push_u64(&r, KES_P_EXECVE_EXE_INO, BPF_CORE_READ(ino, i_ino));
		rec_push_u64(&r, KES_P_EXECVE_EXE_INO_CTIME, inode_ctime_ns(ino));
		rec_push_u64(&r, KES_P_EXECVE_EXE_INO_MTIME, inode_mtime_ns(ino));
	}
	rec_push_u32(&r, KES_P_EXECVE_UID, BPF_CORE_READ(task, cred, euid.val));
	if (exe)
		rec_push_file_path(&r, KES_P_EXECVE_TRUSTED_EXEPATH, s, sidx, exe);
	rec_push_s64(&r, KES_P_EXECVE_PGID, BPF_CORE_READ(pgrp, numbers[0].nr));
	rec_push_u32(&r, KES_P_EXECVE_GID, BPF_CORE_READ(task, cred, egid.val));
	if (evt == KES_EVT_EXECVE) {
		/* On success the kernel copied bprm->filename onto the new stack right after the
		 * environment strings (copy_string_kernel in do_execveat_common), so it is read
		 * from there rather than from the caller's memory, which is gone. */
		if (ret == 0)
			rec_push_str(&r, KES_P_EXECVE_FILENAME, (const void *)env_end, 1);
		else
			rec_push_str(&r, KES_P_EXECVE_FILENAME, (const void *)regs->di, 1);
	}

	__u64 id = bpf_get_current_pid_tgid();
	rec_submit(&r, (__u32)id, id >> 32, KES_DROP_EXECVE);
}

/* --- programs ------------------------------------------------------------------------------- */

SEC("tp_btf/sys_exit")
int BPF_PROG(kes_sys_exit, struct pt_regs *regs, long ret)
{
	/* Direct load, not BPF_CORE_READ: this runs on every syscall of the host and the helper
	 * call costs ~30 ns each time (DESIGN.md). */
	__u32 nr = regs->orig_ax;
	if (nr >= KES_SYSCALL_TABLE_SIZE)
		return 0;
	/* A successful exec of a 64-bit image rewrites orig_ax to __NR_execve
	 * (set_personality_64bit: "pretend that this comes from a 64bit execve"), so a successful
	 * execveat arrives here as execve, as it does in Falco's drivers. */
	__u16 *evt = bpf_map_lookup_elem(&interesting, &nr);
	__u16 id = evt ? *evt : 0;
	if (id == 0 && nr != KES_NR_IA32_EXECVE)
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == kestrel_tgid)
		return 0;
	/* 32-bit syscalls use another numbering: not supported yet, never misread. One exception:
	 * a successful exec of a 32-bit image leaves TS_COMPAT set and orig_ax rewritten to
	 * __NR_ia32_execve (set_personality_ia32), and must not go unseen. */
	struct task_struct *task = bpf_get_current_task_btf();
	if (task->thread_info.status & KES_TS_COMPAT) {
		if (nr != KES_NR_IA32_EXECVE || ret != 0)
			return 0;
		id = KES_EVT_EXECVE;
	} else if (id == 0) {
		return 0;
	}

	switch (id) {
	case KES_EVT_OPEN:
	case KES_EVT_OPENAT:
	case KES_EVT_OPENAT2:
		fill_open(regs, ret, id);
		break;
	case KES_EVT_CONNECT:
		fill_connect(regs, ret);
		break;
	case KES_EVT_EXECVE:
	case KES_EVT_EXECVEAT:
		fill_exec(regs, ret, id);
		break;
	default:
		break;
	}
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
