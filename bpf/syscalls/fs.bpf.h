/* Path syscalls: rename, unlink, rmdir, mkdir, symlink, link, chmod, chdir/fchdir, chroot,
 * mount/umount2. Emitted at exit, with Falco's exit parameters (schema/events.yaml).
 *
 * Paths: these calls leave no kernel object behind that names what they touched (the dentries
 * are released before the syscall returns), so the path arguments are read from **user memory**
 * at exit (bpf/README.md "Kernel objects, not user memory"). The *at() variants report the
 * relative path as given plus its dirfd, as Falco does (`fsrelpath`); the state joins them.
 * Exceptions, where a kernel object exists: a successful chdir reports the task's new cwd
 * (`fs->pwd`) and a successful chroot the new root (`fs->root`), resolved by the dentry walk. */

#include "fs_flags.h"

/* Starts the record of `evt` in this CPU's scratch slot; 0 when there is none (counted). */
#define FS_BEGIN(evt, nparams)                                                                     \
	struct kes_scratch *s = scratch_get(0);                                                    \
	if (!s)                                                                                    \
		return 0;                                                                          \
	struct rec r;                                                                              \
	if (rec_init(&r, s, evt, nparams))                                                         \
	return 0

#define FS_SUBMIT(cat)                                                                             \
	do {                                                                                       \
		__u64 id = bpf_get_current_pid_tgid();                                             \
		rec_submit(&r, (__u32)id, id >> 32, cat);                                          \
	} while (0)

/* An fd or dirfd argument: the low 32 bits, sign-extended (AT_FDCWD stays -100). */
static __always_inline __s64 arg_fd(__u64 v)
{
	return (__s64)(int)v;
}

static __always_inline const void *arg_ptr(__u64 v)
{
	return (const void *)v;
}

/* --- rename family -------------------------------------------------------------------------- */

KES_EXIT_PROG(rename)
{
	FS_BEGIN(KES_EVT_RENAME, KES_RENAME_NPARAMS);
	rec_push_s64(&r, KES_P_RENAME_RES, ret);
	rec_push_str(&r, KES_P_RENAME_OLDPATH, arg_ptr(regs->di), 1);
	rec_push_str(&r, KES_P_RENAME_NEWPATH, arg_ptr(regs->si), 1);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(renameat)
{
	FS_BEGIN(KES_EVT_RENAMEAT, KES_RENAMEAT_NPARAMS);
	rec_push_s64(&r, KES_P_RENAMEAT_RES, ret);
	rec_push_s64(&r, KES_P_RENAMEAT_OLDDIRFD, arg_fd(regs->di));
	rec_push_str(&r, KES_P_RENAMEAT_OLDPATH, arg_ptr(regs->si), 1);
	rec_push_s64(&r, KES_P_RENAMEAT_NEWDIRFD, arg_fd(regs->dx));
	rec_push_str(&r, KES_P_RENAMEAT_NEWPATH, arg_ptr(regs->r10), 1);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(renameat2)
{
	FS_BEGIN(KES_EVT_RENAMEAT2, KES_RENAMEAT2_NPARAMS);
	rec_push_s64(&r, KES_P_RENAMEAT2_RES, ret);
	rec_push_s64(&r, KES_P_RENAMEAT2_OLDDIRFD, arg_fd(regs->di));
	rec_push_str(&r, KES_P_RENAMEAT2_OLDPATH, arg_ptr(regs->si), 1);
	rec_push_s64(&r, KES_P_RENAMEAT2_NEWDIRFD, arg_fd(regs->dx));
	rec_push_str(&r, KES_P_RENAMEAT2_NEWPATH, arg_ptr(regs->r10), 1);
	rec_push_u32(&r, KES_P_RENAMEAT2_FLAGS, rename_flags_to_ppm((__u32)regs->r8));
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

/* --- unlink family, rmdir ------------------------------------------------------------------- */

KES_EXIT_PROG(unlink)
{
	FS_BEGIN(KES_EVT_UNLINK, KES_UNLINK_NPARAMS);
	rec_push_s64(&r, KES_P_UNLINK_RES, ret);
	rec_push_str(&r, KES_P_UNLINK_PATH, arg_ptr(regs->di), 1);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(unlinkat)
{
	FS_BEGIN(KES_EVT_UNLINKAT, KES_UNLINKAT_NPARAMS);
	rec_push_s64(&r, KES_P_UNLINKAT_RES, ret);
	rec_push_s64(&r, KES_P_UNLINKAT_DIRFD, arg_fd(regs->di));
	rec_push_str(&r, KES_P_UNLINKAT_NAME, arg_ptr(regs->si), 1);
	rec_push_u32(&r, KES_P_UNLINKAT_FLAGS,
		     (regs->dx & KES_AT_REMOVEDIR_LNX) ? KES_PPM_AT_REMOVEDIR : 0);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(rmdir)
{
	FS_BEGIN(KES_EVT_RMDIR, KES_RMDIR_NPARAMS);
	rec_push_s64(&r, KES_P_RMDIR_RES, ret);
	rec_push_str(&r, KES_P_RMDIR_PATH, arg_ptr(regs->di), 1);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

/* --- mkdir family --------------------------------------------------------------------------- */

/* Falco reports mkdir's mode as passed (raw, not PPM bits). */
KES_EXIT_PROG(mkdir)
{
	FS_BEGIN(KES_EVT_MKDIR, KES_MKDIR_NPARAMS);
	rec_push_s64(&r, KES_P_MKDIR_RES, ret);
	rec_push_str(&r, KES_P_MKDIR_PATH, arg_ptr(regs->di), 1);
	rec_push_u32(&r, KES_P_MKDIR_MODE, (__u32)regs->si);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(mkdirat)
{
	FS_BEGIN(KES_EVT_MKDIRAT, KES_MKDIRAT_NPARAMS);
	rec_push_s64(&r, KES_P_MKDIRAT_RES, ret);
	rec_push_s64(&r, KES_P_MKDIRAT_DIRFD, arg_fd(regs->di));
	rec_push_str(&r, KES_P_MKDIRAT_PATH, arg_ptr(regs->si), 1);
	rec_push_u32(&r, KES_P_MKDIRAT_MODE, (__u32)regs->dx);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

/* --- symlink / link families ---------------------------------------------------------------- */

KES_EXIT_PROG(symlink)
{
	FS_BEGIN(KES_EVT_SYMLINK, KES_SYMLINK_NPARAMS);
	rec_push_s64(&r, KES_P_SYMLINK_RES, ret);
	rec_push_str(&r, KES_P_SYMLINK_TARGET, arg_ptr(regs->di), 1);
	rec_push_str(&r, KES_P_SYMLINK_LINKPATH, arg_ptr(regs->si), 1);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(symlinkat)
{
	FS_BEGIN(KES_EVT_SYMLINKAT, KES_SYMLINKAT_NPARAMS);
	rec_push_s64(&r, KES_P_SYMLINKAT_RES, ret);
	rec_push_str(&r, KES_P_SYMLINKAT_TARGET, arg_ptr(regs->di), 1);
	rec_push_s64(&r, KES_P_SYMLINKAT_LINKDIRFD, arg_fd(regs->si));
	rec_push_str(&r, KES_P_SYMLINKAT_LINKPATH, arg_ptr(regs->dx), 1);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(link)
{
	FS_BEGIN(KES_EVT_LINK, KES_LINK_NPARAMS);
	rec_push_s64(&r, KES_P_LINK_RES, ret);
	rec_push_str(&r, KES_P_LINK_OLDPATH, arg_ptr(regs->di), 1);
	rec_push_str(&r, KES_P_LINK_NEWPATH, arg_ptr(regs->si), 1);
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(linkat)
{
	FS_BEGIN(KES_EVT_LINKAT, KES_LINKAT_NPARAMS);
	rec_push_s64(&r, KES_P_LINKAT_RES, ret);
	rec_push_s64(&r, KES_P_LINKAT_OLDDIR, arg_fd(regs->di));
	rec_push_str(&r, KES_P_LINKAT_OLDPATH, arg_ptr(regs->si), 1);
	rec_push_s64(&r, KES_P_LINKAT_NEWDIR, arg_fd(regs->dx));
	rec_push_str(&r, KES_P_LINKAT_NEWPATH, arg_ptr(regs->r10), 1);
	rec_push_u32(&r, KES_P_LINKAT_FLAGS, linkat_flags_to_ppm((__u32)regs->r8));
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

/* --- chmod family --------------------------------------------------------------------------- */

/* PPM_S_* bits coincide with the kernel's permission bits (S_IXOTH = 1 ... S_ISUID = 04000):
 * Falco's conversion amounts to keeping the low 12 bits. */
KES_EXIT_PROG(chmod)
{
	FS_BEGIN(KES_EVT_CHMOD, KES_CHMOD_NPARAMS);
	rec_push_s64(&r, KES_P_CHMOD_RES, ret);
	rec_push_str(&r, KES_P_CHMOD_FILENAME, arg_ptr(regs->di), 1);
	rec_push_u32(&r, KES_P_CHMOD_MODE, (__u32)regs->si & 07777);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(fchmod)
{
	FS_BEGIN(KES_EVT_FCHMOD, KES_FCHMOD_NPARAMS);
	rec_push_s64(&r, KES_P_FCHMOD_RES, ret);
	rec_push_s64(&r, KES_P_FCHMOD_FD, arg_fd(regs->di));
	rec_push_u32(&r, KES_P_FCHMOD_MODE, (__u32)regs->si & 07777);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(fchmodat)
{
	FS_BEGIN(KES_EVT_FCHMODAT, KES_FCHMODAT_NPARAMS);
	rec_push_s64(&r, KES_P_FCHMODAT_RES, ret);
	rec_push_s64(&r, KES_P_FCHMODAT_DIRFD, arg_fd(regs->di));
	rec_push_str(&r, KES_P_FCHMODAT_FILENAME, arg_ptr(regs->si), 1);
	rec_push_u32(&r, KES_P_FCHMODAT_MODE, (__u32)regs->dx & 07777);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

/* --- chdir / fchdir / chroot ---------------------------------------------------------------- */

/* chdir: on success the cwd the kernel installed (absolute, symlinks resolved); on failure the
 * caller's argument. */
KES_EXIT_PROG(chdir)
{
	FS_BEGIN(KES_EVT_CHDIR, KES_CHDIR_NPARAMS);
	rec_push_s64(&r, KES_P_CHDIR_RES, ret);
	if (ret == 0) {
		struct task_struct *task = bpf_get_current_task_btf();
		struct fs_struct *fs = task->fs;
		rec_push_path(&r, KES_P_CHDIR_PATH, s, bpf_get_smp_processor_id(),
			      BPF_CORE_READ(fs, pwd.mnt), BPF_CORE_READ(fs, pwd.dentry));
	} else {
		rec_push_str(&r, KES_P_CHDIR_PATH, arg_ptr(regs->di), 1);
	}
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

KES_EXIT_PROG(fchdir)
{
	FS_BEGIN(KES_EVT_FCHDIR, KES_FCHDIR_NPARAMS);
	rec_push_s64(&r, KES_P_FCHDIR_RES, ret);
	rec_push_s64(&r, KES_P_FCHDIR_FD, arg_fd(regs->di));
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

/* chroot: on success the root the kernel installed, as a path of the mount namespace. */
KES_EXIT_PROG(chroot)
{
	FS_BEGIN(KES_EVT_CHROOT, KES_CHROOT_NPARAMS);
	rec_push_s64(&r, KES_P_CHROOT_RES, ret);
	if (ret == 0) {
		struct task_struct *task = bpf_get_current_task_btf();
		struct fs_struct *fs = task->fs;
		rec_push_path(&r, KES_P_CHROOT_PATH, s, bpf_get_smp_processor_id(),
			      BPF_CORE_READ(fs, root.mnt), BPF_CORE_READ(fs, root.dentry));
	} else {
		rec_push_str(&r, KES_P_CHROOT_PATH, arg_ptr(regs->di), 1);
	}
	FS_SUBMIT(KES_DROP_DIR_FILE);
	return 0;
}

/* --- mount / umount2 ------------------------------------------------------------------------ */

KES_EXIT_PROG(mount)
{
	FS_BEGIN(KES_EVT_MOUNT, KES_MOUNT_NPARAMS);
	__u32 flags = (__u32)regs->r10;
	/* Falco drops the historical magic number some callers still put in the high bits. */
	if ((flags & KES_MS_MGC_MSK) == KES_MS_MGC_VAL)
		flags &= ~KES_MS_MGC_MSK;
	rec_push_s64(&r, KES_P_MOUNT_RES, ret);
	rec_push_str(&r, KES_P_MOUNT_DEV, arg_ptr(regs->di), 1);
	rec_push_str(&r, KES_P_MOUNT_DIR, arg_ptr(regs->si), 1);
	rec_push_str(&r, KES_P_MOUNT_TYPE, arg_ptr(regs->dx), 1);
	/* PPM_MS_* bits equal the kernel's MS_* bits. */
	rec_push_u32(&r, KES_P_MOUNT_FLAGS, flags);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}

KES_EXIT_PROG(umount2)
{
	FS_BEGIN(KES_EVT_UMOUNT2, KES_UMOUNT2_NPARAMS);
	rec_push_s64(&r, KES_P_UMOUNT2_RES, ret);
	rec_push_str(&r, KES_P_UMOUNT2_NAME, arg_ptr(regs->di), 1);
	/* PPM_MNT_FORCE/DETACH/EXPIRE, PPM_UMOUNT_NOFOLLOW equal the kernel's bits 0..3. */
	rec_push_u32(&r, KES_P_UMOUNT2_FLAGS, (__u32)regs->si & 0xf);
	FS_SUBMIT(KES_DROP_OTHER);
	return 0;
}
