/* Process information read from a task at syscall exit (tty, inode times of the executable,
 * memory counters, loginuid, Falco's exe flags): execve today, the clone family too. */
#ifndef KESTREL_PROC_INFO_H
#define KESTREL_PROC_INFO_H

#include "file.h"

#define KES_RLIMIT_NOFILE 7
#define KES_PAGE_SHIFT 12

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

#endif
