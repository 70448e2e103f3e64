/* connect: the tuple from the socket's own addresses once the connection exists; the user's
 * sockaddr only when it does not. */

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

KES_EXIT_PROG(connect)
{
	fill_connect(regs, ret);
	return 0;
}
