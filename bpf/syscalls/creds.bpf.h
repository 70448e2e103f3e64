/* setuid, setgid, setresuid (and, with their schema events, setresgid, setreuid, setregid,
 * setsid, setpgid), capset: credential and session changes.
 *
 * Ids are the arguments as passed (registers saved at entry, not user memory; -1 "unchanged"
 * stays 0xffffffff), as Falco reports them. capset reports the thread's capability sets after
 * the call, read from its struct cred (Falco does the same: the kernel object, not the user's
 * struct). */

/* A record with `res` only, the common start of these events. NULL if no scratch slot. */
static __always_inline int cred_rec_start(struct rec *r, __u16 evt, __u16 nparams, long ret)
{
	struct kes_scratch *s = scratch_get(0);
	if (!s)
		return -1;
	if (rec_init(r, s, evt, nparams))
		return -1;
	rec_push_s64(r, 0, ret); /* res is parameter 0 of every event here */
	return 0;
}

static __always_inline void cred_rec_submit(struct rec *r)
{
	__u64 id = bpf_get_current_pid_tgid();
	rec_submit(r, (__u32)id, id >> 32, KES_DROP_OTHER);
}

KES_EXIT_PROG(setuid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETUID, KES_SETUID_NPARAMS, ret))
		return 0;
	rec_push_u32(&r, KES_P_SETUID_UID, (__u32)regs->di);
	cred_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(setgid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETGID, KES_SETGID_NPARAMS, ret))
		return 0;
	rec_push_u32(&r, KES_P_SETGID_GID, (__u32)regs->di);
	cred_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(setresuid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETRESUID, KES_SETRESUID_NPARAMS, ret))
		return 0;
	rec_push_u32(&r, KES_P_SETRESUID_RUID, (__u32)regs->di);
	rec_push_u32(&r, KES_P_SETRESUID_EUID, (__u32)regs->si);
	rec_push_u32(&r, KES_P_SETRESUID_SUID, (__u32)regs->dx);
	cred_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(capset)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_CAPSET, KES_CAPSET_NPARAMS, ret))
		return 0;
	/* Linux capability bit positions equal Falco's PPM_CAP_* ones. */
	struct task_struct *task = bpf_get_current_task_btf();
	rec_push_u64(&r, KES_P_CAPSET_CAP_INHERITABLE,
		     BPF_CORE_READ(task, cred, cap_inheritable.val));
	rec_push_u64(&r, KES_P_CAPSET_CAP_PERMITTED, BPF_CORE_READ(task, cred, cap_permitted.val));
	rec_push_u64(&r, KES_P_CAPSET_CAP_EFFECTIVE, BPF_CORE_READ(task, cred, cap_effective.val));
	cred_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(setresgid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETRESGID, KES_SETRESGID_NPARAMS, ret))
		return 0;
	rec_push_u32(&r, KES_P_SETRESGID_RGID, (__u32)regs->di);
	rec_push_u32(&r, KES_P_SETRESGID_EGID, (__u32)regs->si);
	rec_push_u32(&r, KES_P_SETRESGID_SGID, (__u32)regs->dx);
	cred_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(setreuid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETREUID, KES_SETREUID_NPARAMS, ret))
		return 0;
	rec_push_u32(&r, KES_P_SETREUID_RUID, (__u32)regs->di);
	rec_push_u32(&r, KES_P_SETREUID_EUID, (__u32)regs->si);
	cred_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(setregid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETREGID, KES_SETREGID_NPARAMS, ret))
		return 0;
	rec_push_u32(&r, KES_P_SETREGID_RGID, (__u32)regs->di);
	rec_push_u32(&r, KES_P_SETREGID_EGID, (__u32)regs->si);
	cred_rec_submit(&r);
	return 0;
}

/* setsid: res is the new session id (the caller's pid in its namespace), or -errno. */
KES_EXIT_PROG(setsid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETSID, KES_SETSID_NPARAMS, ret))
		return 0;
	cred_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(setpgid)
{
	struct rec r;
	if (cred_rec_start(&r, KES_EVT_SETPGID, KES_SETPGID_NPARAMS, ret))
		return 0;
	rec_push_s64(&r, KES_P_SETPGID_PID, (int)regs->di);
	rec_push_s64(&r, KES_P_SETPGID_PGID, (int)regs->si);
	cred_rec_submit(&r);
	return 0;
}
