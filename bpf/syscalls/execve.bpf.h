/* execve, execveat: read from the new image after a successful exec (see fill_exec). */

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

KES_EXIT_PROG(execve)
{
	fill_exec(regs, ret, KES_EVT_EXECVE);
	return 0;
}

KES_EXIT_PROG(execveat)
{
	fill_exec(regs, ret, KES_EVT_EXECVEAT);
	return 0;
}
