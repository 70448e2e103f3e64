/* open, openat, openat2: the path of the file the kernel installed (resolved from the struct
 * file, TOCTOU-proof); the user's path only when the open failed. */

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
	if (f && (f->f_mode & KES_FMODE_CREATED))
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
			rec_push_u32(&r, KES_P_OPEN_DEV, encode_dev(f->f_inode->i_sb->s_dev));
			rec_push_u64(&r, KES_P_OPEN_INO, f->f_inode->i_ino);
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
			rec_push_u32(&r, KES_P_OPENAT_DEV, encode_dev(f->f_inode->i_sb->s_dev));
			rec_push_u64(&r, KES_P_OPENAT_INO, f->f_inode->i_ino);
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
			rec_push_u32(&r, KES_P_OPENAT2_DEV, encode_dev(f->f_inode->i_sb->s_dev));
			rec_push_u64(&r, KES_P_OPENAT2_INO, f->f_inode->i_ino);
		}
	}
	rec_submit(&r, task->pid, task->tgid, KES_DROP_OPEN);
}

KES_EXIT_PROG(open)
{
	fill_open(regs, ret, KES_EVT_OPEN);
	return 0;
}

KES_EXIT_PROG(openat)
{
	fill_open(regs, ret, KES_EVT_OPENAT);
	return 0;
}

KES_EXIT_PROG(openat2)
{
	fill_open(regs, ret, KES_EVT_OPENAT2);
	return 0;
}
