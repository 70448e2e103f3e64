/* signaldeliver: signal/signal_deliver, fired in the receiving thread (current) when it takes
 * a signal off its queue to handle it (handler, default action, or the fatal SIGKILL of a
 * dying group, which has no siginfo). */

#define KES_SIGKILL 9
#define KES_SIGCHLD 17
#define KES_SI_USER 0	/* kill() */
#define KES_SI_QUEUE -1 /* sigqueue() */
#define KES_SI_MESGQ -3 /* mq_notify() */
#define KES_SI_TKILL -6 /* tkill(), tgkill() */

/* The sender's pid when the siginfo carries one. Falco's drivers read it for a fixed list of
 * signals (SIGKILL, SIGTERM and four others, real-time signals, SIGCHLD); this reads it
 * whenever the siginfo's si_code says a process sent it, so e.g. kill(pid, SIGUSR1) names its
 * sender too, and never reads the union as a pid when it holds something else (a timer id,
 * a fault address). SIGKILL is read as Falco does (a kernel-made one carries pid 0). */
static __always_inline __s64 signal_sender(int sig, struct kernel_siginfo *info)
{
	if (!info)
		return 0;
	int code = info->si_code;
	if (sig == KES_SIGKILL || code == KES_SI_USER || code == KES_SI_QUEUE ||
	    code == KES_SI_MESGQ || code == KES_SI_TKILL)
		return info->_sifields._kill._pid;
	if (sig == KES_SIGCHLD && code > 0) /* CLD_EXITED ... CLD_CONTINUED: the child */
		return info->_sifields._sigchld._pid;
	return 0;
}

SEC("?tp_btf/signal_deliver")
int BPF_PROG(kes_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((id >> 32) == kestrel_tgid)
		return 0;
	struct hook_w w;
	if (hook_init(&w, KES_HOOK_SIGNAL, KES_EVT_SIGNALDELIVER, KES_SIGNALDELIVER_NPARAMS))
		return 0;
	hook_put_s64(&w, KES_P_SIGNALDELIVER_SPID, signal_sender(sig, info));
	hook_put_s64(&w, KES_P_SIGNALDELIVER_DPID, (__u32)id);
	hook_put_u8(&w, KES_P_SIGNALDELIVER_SIG, (__u8)sig);
	hook_submit(&w, (__u32)id, id >> 32);
	return 0;
}
