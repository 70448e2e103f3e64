/* clone, clone3, fork, vfork: one record in the parent (res = the child's tid) and one in the
 * child (res = 0).
 *
 * The child's record needs no other hook: a new user task starts in ret_from_fork, which leaves
 * through syscall_exit_to_user_mode() with the parent's registers (orig_ax = the clone syscall,
 * ax = 0), so sys_exit fires for it and every value below is read from the child itself (its
 * ids, namespaces, credentials, memory, cwd). libsinsp builds the thread table from both
 * records (src/state/parse_process.cpp). */

#define KES_CLONE_VM 0x00000100UL
#define KES_CLONE_FS 0x00000200UL
#define KES_CLONE_FILES 0x00000400UL
#define KES_CLONE_SIGHAND 0x00000800UL
#define KES_CLONE_PTRACE 0x00002000UL
#define KES_CLONE_VFORK 0x00004000UL
#define KES_CLONE_PARENT 0x00008000UL
#define KES_CLONE_THREAD 0x00010000UL
#define KES_CLONE_NEWNS 0x00020000UL
#define KES_CLONE_SYSVSEM 0x00040000UL
#define KES_CLONE_SETTLS 0x00080000UL
#define KES_CLONE_PARENT_SETTID 0x00100000UL
#define KES_CLONE_CHILD_CLEARTID 0x00200000UL
#define KES_CLONE_UNTRACED 0x00800000UL
#define KES_CLONE_CHILD_SETTID 0x01000000UL
#define KES_CLONE_NEWCGROUP 0x02000000UL
#define KES_CLONE_NEWUTS 0x04000000UL
#define KES_CLONE_NEWIPC 0x08000000UL
#define KES_CLONE_NEWUSER 0x10000000UL
#define KES_CLONE_NEWPID 0x20000000UL
#define KES_CLONE_NEWNET 0x40000000UL
#define KES_CLONE_IO 0x80000000UL

/* Linux CLONE_* → Falco's PPM_CL_* (also the encoding of unshare's flags and setns's nstype). */
static __always_inline __u32 clone_flags_to_ppm(__u64 f)
{
	__u32 p = 0;
	p |= (f & KES_CLONE_FILES) ? KES_CL_CLONE_FILES : 0;
	p |= (f & KES_CLONE_FS) ? KES_CL_CLONE_FS : 0;
	p |= (f & KES_CLONE_IO) ? KES_CL_CLONE_IO : 0;
	p |= (f & KES_CLONE_NEWIPC) ? KES_CL_CLONE_NEWIPC : 0;
	p |= (f & KES_CLONE_NEWNET) ? KES_CL_CLONE_NEWNET : 0;
	p |= (f & KES_CLONE_NEWNS) ? KES_CL_CLONE_NEWNS : 0;
	p |= (f & KES_CLONE_NEWPID) ? KES_CL_CLONE_NEWPID : 0;
	p |= (f & KES_CLONE_NEWUTS) ? KES_CL_CLONE_NEWUTS : 0;
	p |= (f & KES_CLONE_PARENT) ? KES_CL_CLONE_PARENT : 0;
	p |= (f & KES_CLONE_PARENT_SETTID) ? KES_CL_CLONE_PARENT_SETTID : 0;
	p |= (f & KES_CLONE_PTRACE) ? KES_CL_CLONE_PTRACE : 0;
	p |= (f & KES_CLONE_SIGHAND) ? KES_CL_CLONE_SIGHAND : 0;
	p |= (f & KES_CLONE_SYSVSEM) ? KES_CL_CLONE_SYSVSEM : 0;
	p |= (f & KES_CLONE_THREAD) ? KES_CL_CLONE_THREAD : 0;
	p |= (f & KES_CLONE_UNTRACED) ? KES_CL_CLONE_UNTRACED : 0;
	p |= (f & KES_CLONE_VM) ? KES_CL_CLONE_VM : 0;
	p |= (f & KES_CLONE_NEWUSER) ? KES_CL_CLONE_NEWUSER : 0;
	p |= (f & KES_CLONE_CHILD_CLEARTID) ? KES_CL_CLONE_CHILD_CLEARTID : 0;
	p |= (f & KES_CLONE_CHILD_SETTID) ? KES_CL_CLONE_CHILD_SETTID : 0;
	p |= (f & KES_CLONE_SETTLS) ? KES_CL_CLONE_SETTLS : 0;
	p |= (f & KES_CLONE_VFORK) ? KES_CL_CLONE_VFORK : 0;
	p |= (f & KES_CLONE_NEWCGROUP) ? KES_CL_CLONE_NEWCGROUP : 0;
	return p;
}

/* The id of a struct pid in the namespace it was allocated in (the task's own view). */
static __always_inline __s64 pid_vnr(struct pid *pid)
{
	if (!pid)
		return 0;
	__u32 level = BPF_CORE_READ(pid, level);
	return BPF_CORE_READ(pid, numbers[level & 31].nr);
}

static __always_inline struct pid_namespace *pid_ns_of(struct pid *pid)
{
	if (!pid)
		return NULL;
	__u32 level = BPF_CORE_READ(pid, level);
	return BPF_CORE_READ(pid, numbers[level & 31].ns);
}

/* Falco's PPM_CL_CHILD_IN_PIDNS: the task lives in a child pid namespace, or (seen from the
 * parent) its children will (pid_ns_for_children differs, after unshare(CLONE_NEWPID)). */
static __always_inline __u32 child_in_pidns(struct task_struct *task)
{
	struct pid_namespace *ns = pid_ns_of(BPF_CORE_READ(task, thread_pid));
	if (!ns)
		return 0;
	if (BPF_CORE_READ(ns, level) != 0)
		return KES_CL_CHILD_IN_PIDNS;
	if (BPF_CORE_READ(task, nsproxy, pid_ns_for_children) != ns)
		return KES_CL_CHILD_IN_PIDNS;
	return 0;
}

/* A clone3 child's flags, from kernel objects. Its registers point at the caller's struct
 * clone_args, but that is user memory the caller may have reused by the time the child first
 * runs (a thread's creator returns and overwrites its stack frame: seen in the tests). So the
 * child compares what it shares with its creator: its group leader for a thread, else its
 * parent (wrong only if the parent was reparented in between, or under CLONE_PARENT). Flags
 * that leave no trace in the child (CLONE_PARENT_SETTID, CLONE_PARENT, CLONE_IO, CLONE_UNTRACED,
 * CLONE_CHILD_SETTID) are not reported. */
static __always_inline __u64 clone3_child_flags(struct task_struct *task)
{
	__u64 f = 0;
	struct task_struct *ref;
	if (BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid)) {
		f |= KES_CLONE_THREAD;
		ref = BPF_CORE_READ(task, group_leader);
	} else {
		ref = BPF_CORE_READ(task, real_parent);
	}
	if (!ref)
		return f;
	f |= BPF_CORE_READ(task, mm) == BPF_CORE_READ(ref, mm) ? KES_CLONE_VM : 0;
	f |= BPF_CORE_READ(task, files) == BPF_CORE_READ(ref, files) ? KES_CLONE_FILES : 0;
	f |= BPF_CORE_READ(task, fs) == BPF_CORE_READ(ref, fs) ? KES_CLONE_FS : 0;
	f |= BPF_CORE_READ(task, sighand) == BPF_CORE_READ(ref, sighand) ? KES_CLONE_SIGHAND : 0;
	/* copy_semundo() creates the undo list when CLONE_SYSVSEM shares it. */
	struct sem_undo_list *undo = BPF_CORE_READ(task, sysvsem.undo_list);
	f |= undo && undo == BPF_CORE_READ(ref, sysvsem.undo_list) ? KES_CLONE_SYSVSEM : 0;
	f |= BPF_CORE_READ(task, vfork_done) ? KES_CLONE_VFORK : 0;
	f |= BPF_CORE_READ(task, clear_child_tid) ? KES_CLONE_CHILD_CLEARTID : 0;
	f |= BPF_CORE_READ(task, ptrace) ? KES_CLONE_PTRACE : 0;
	/* Without CLONE_SETTLS the child inherits its creator's TLS base (x86_64: fsbase). */
	f |= BPF_CORE_READ(task, thread.fsbase) != BPF_CORE_READ(ref, thread.fsbase)
		 ? KES_CLONE_SETTLS
		 : 0;
	struct nsproxy *ns = BPF_CORE_READ(task, nsproxy);
	struct nsproxy *rns = BPF_CORE_READ(ref, nsproxy);
	if (ns && rns && ns != rns) {
		f |= BPF_CORE_READ(ns, mnt_ns) != BPF_CORE_READ(rns, mnt_ns) ? KES_CLONE_NEWNS : 0;
		f |= BPF_CORE_READ(ns, uts_ns) != BPF_CORE_READ(rns, uts_ns) ? KES_CLONE_NEWUTS : 0;
		f |= BPF_CORE_READ(ns, ipc_ns) != BPF_CORE_READ(rns, ipc_ns) ? KES_CLONE_NEWIPC : 0;
		f |= BPF_CORE_READ(ns, net_ns) != BPF_CORE_READ(rns, net_ns) ? KES_CLONE_NEWNET : 0;
		f |= BPF_CORE_READ(ns, cgroup_ns) != BPF_CORE_READ(rns, cgroup_ns)
			 ? KES_CLONE_NEWCGROUP
			 : 0;
	}
	if (pid_ns_of(BPF_CORE_READ(task, thread_pid)) != pid_ns_of(BPF_CORE_READ(ref, thread_pid)))
		f |= KES_CLONE_NEWPID;
	if (BPF_CORE_READ(task, cred, user_ns) != BPF_CORE_READ(ref, cred, user_ns))
		f |= KES_CLONE_NEWUSER;
	return f;
}

/* The clone flags: clone's first argument (a register saved at entry; the child has a copy of
 * its creator's registers), clone3's struct clone_args.flags (user memory, as Falco, read by
 * the caller while it still waits in the syscall; the child derives them, above), none for
 * fork/vfork (as Falco: 0, plus the pid namespace bit). */
static __always_inline __u64 clone_raw_flags(struct pt_regs *regs, long ret, __u16 evt,
					     struct task_struct *task)
{
	if (evt == KES_EVT_CLONE)
		return regs->di;
	if (evt == KES_EVT_CLONE3) {
		if (ret == 0)
			return clone3_child_flags(task);
		__u64 flags = 0;
		bpf_probe_read_user(&flags, sizeof(flags), (const void *)regs->di);
		return flags;
	}
	return 0;
}

static __always_inline void fill_clone(struct pt_regs *regs, long ret, __u16 evt)
{
	struct kes_scratch *s = scratch_get(0);
	if (!s)
		return;
	__u32 sidx = bpf_get_smp_processor_id();
	struct task_struct *task = bpf_get_current_task_btf();
	struct rec r;
	/* clone, clone3, fork and vfork share one parameter list (schema: *clone_params). */
	if (rec_init(&r, s, evt, KES_CLONE_NPARAMS))
		return;

	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	rec_push_s64(&r, KES_P_CLONE_RES, ret);
	if (ret >= 0 && mm) {
		/* The command line of the process (a child has a copy of its parent's). */
		unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
		unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
		if (arg_end > arg_start) {
			__u32 before = rec_off(&r);
			rec_push_str(&r, KES_P_CLONE_EXE, (const void *)arg_start, 1);
			__u32 exe_len = rec_off(&r) - before;
			if (arg_start + exe_len < arg_end)
				rec_push_bytes(&r, KES_P_CLONE_ARGS,
					       (const void *)(arg_start + exe_len),
					       arg_end - arg_start - exe_len, 1);
		}
	}
	rec_push_s64(&r, KES_P_CLONE_TID, BPF_CORE_READ(task, pid));
	rec_push_s64(&r, KES_P_CLONE_PID, BPF_CORE_READ(task, tgid));
	/* Falco's ptid: the parent's thread id (real_parent->pid). A CLONE_THREAD child shares
	 * its group's real_parent. */
	rec_push_s64(&r, KES_P_CLONE_PTID, BPF_CORE_READ(task, real_parent, pid));
	/* Falco leaves cwd empty; the dentry walk gives the state the real one at each fork. */
	if (ret >= 0)
		rec_push_path(&r, KES_P_CLONE_CWD, s, sidx, BPF_CORE_READ(task, fs, pwd.mnt),
			      BPF_CORE_READ(task, fs, pwd.dentry));
	rec_push_s64(&r, KES_P_CLONE_FDLIMIT,
		     BPF_CORE_READ(task, signal, rlim[KES_RLIMIT_NOFILE].rlim_cur));
	rec_push_u64(&r, KES_P_CLONE_PGFT_MAJ, BPF_CORE_READ(task, maj_flt));
	rec_push_u64(&r, KES_P_CLONE_PGFT_MIN, BPF_CORE_READ(task, min_flt));
	if (mm) {
		__u64 total_vm = BPF_CORE_READ(mm, total_vm);
		__u64 rss = mm_counter(mm, 0) + mm_counter(mm, 1) + mm_counter(mm, 3);
		rec_push_u32(&r, KES_P_CLONE_VM_SIZE, total_vm << (KES_PAGE_SHIFT - 10));
		rec_push_u32(&r, KES_P_CLONE_VM_RSS, rss << (KES_PAGE_SHIFT - 10));
		rec_push_u32(&r, KES_P_CLONE_VM_SWAP, mm_counter(mm, 2) << (KES_PAGE_SHIFT - 10));
	}
	char comm[16];
	bpf_get_current_comm(comm, sizeof(comm));
	rec_push_str(&r, KES_P_CLONE_COMM, comm, 0);
	rec_push_cgroups(&r, KES_P_CLONE_CGROUPS, s, sidx, task);
	rec_push_u32(&r, KES_P_CLONE_FLAGS,
		     clone_flags_to_ppm(clone_raw_flags(regs, ret, evt, task)) |
			 child_in_pidns(task));
	rec_push_u32(&r, KES_P_CLONE_UID, BPF_CORE_READ(task, cred, euid.val));
	rec_push_u32(&r, KES_P_CLONE_GID, BPF_CORE_READ(task, cred, egid.val));
	rec_push_s64(&r, KES_P_CLONE_VTID, pid_vnr(BPF_CORE_READ(task, thread_pid)));
	rec_push_s64(&r, KES_P_CLONE_VPID,
		     pid_vnr(BPF_CORE_READ(task, signal, pids[PIDTYPE_TGID])));
	/* Only the child reports it (as Falco): the start time (CLOCK_MONOTONIC ns) of the init
	 * of its pid namespace, which tells a container's processes from the host's. */
	__u64 init_start = 0;
	if (ret == 0) {
		struct pid_namespace *ns =
		    pid_ns_of(BPF_CORE_READ(task, signal, pids[PIDTYPE_TGID]));
		init_start = BPF_CORE_READ(ns, child_reaper, start_time);
	}
	rec_push_u64(&r, KES_P_CLONE_PIDNS_INIT_START_TS, init_start);

	__u64 id = bpf_get_current_pid_tgid();
	rec_submit(&r, (__u32)id, id >> 32, KES_DROP_CLONE_FORK);
}

KES_EXIT_PROG(clone)
{
	fill_clone(regs, ret, KES_EVT_CLONE);
	return 0;
}

KES_EXIT_PROG(clone3)
{
	fill_clone(regs, ret, KES_EVT_CLONE3);
	return 0;
}

KES_EXIT_PROG(fork)
{
	fill_clone(regs, ret, KES_EVT_FORK);
	return 0;
}

KES_EXIT_PROG(vfork)
{
	fill_clone(regs, ret, KES_EVT_VFORK);
	return 0;
}
