/* Network syscalls: socket, socketpair, bind, listen, accept, accept4, sendto, sendmsg,
 * recvfrom, recvmsg, shutdown, getsockopt (connect: connect.bpf.h). Addresses and tuples come from
 * the socket's own kernel object at exit; user memory only where the kernel keeps nothing (the
 * destination of an unconnected datagram socket, the data buffers, the fds socketpair wrote):
 * bpf/README.md "Kernel objects, not user memory". */

#include "../net.h"

/* Every program starts the same way: the scratch slot of this CPU and a record of `evt`. */
#define NET_REC_BEGIN(evt, nparams)                                                                \
	struct kes_scratch *s = scratch_get(0);                                                    \
	if (!s)                                                                                    \
		return 0;                                                                          \
	struct rec r;                                                                              \
	if (rec_init(&r, s, evt, nparams))                                                         \
		return 0;                                                                          \
	struct task_struct *task = bpf_get_current_task_btf();                                     \
	(void)task

#define NET_REC_END()                                                                              \
	__u64 id = bpf_get_current_pid_tgid();                                                     \
	rec_submit(&r, (__u32)id, id >> 32, KES_DROP_OTHER);                                       \
	return 0

KES_EXIT_PROG(socket)
{
	NET_REC_BEGIN(KES_EVT_SOCKET, KES_SOCKET_NPARAMS);
	__u32 type = (__u32)regs->si;
	rec_push_s64(&r, KES_P_SOCKET_FD, ret);
	/* PPM socket families have the Linux values. */
	rec_push_u32(&r, KES_P_SOCKET_DOMAIN, (__u32)regs->di);
	rec_push_u32(&r, KES_P_SOCKET_TYPE, type);
	rec_push_u32(&r, KES_P_SOCKET_PROTO, (__u32)regs->dx);
	/* The descriptor flags passed in `type`, as PPM open flags. */
	__u32 flags = 0;
	if (type & KES_SOCK_NONBLOCK)
		flags |= KES_O_NONBLOCK;
	if (type & KES_SOCK_CLOEXEC)
		flags |= KES_O_CLOEXEC;
	rec_push_u32(&r, KES_P_SOCKET_FLAGS, flags);
	NET_REC_END();
}

KES_EXIT_PROG(socketpair)
{
	NET_REC_BEGIN(KES_EVT_SOCKETPAIR, KES_SOCKETPAIR_NPARAMS);
	rec_push_s64(&r, KES_P_SOCKETPAIR_RES, ret);
	if (ret == 0) {
		/* The two fds exist only in the array the kernel wrote to user memory. */
		int fds[2] = {-1, -1};
		bpf_probe_read_user(fds, sizeof(fds), (const void *)regs->r10);
		rec_push_s64(&r, KES_P_SOCKETPAIR_FD1, fds[0]);
		rec_push_s64(&r, KES_P_SOCKETPAIR_FD2, fds[1]);
		/* As Falco: the first socket's kernel address and its peer's (unix sockets). */
		struct sock *sk = fd_sock(task, fds[0]);
		struct sock *peer = NULL;
		if (sk && BPF_CORE_READ(sk, __sk_common.skc_family) == KES_AF_UNIX)
			peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
		rec_push_u64(&r, KES_P_SOCKETPAIR_SOURCE, (__u64)sk);
		rec_push_u64(&r, KES_P_SOCKETPAIR_PEER, (__u64)peer);
	} else {
		rec_push_s64(&r, KES_P_SOCKETPAIR_FD1, -1);
		rec_push_s64(&r, KES_P_SOCKETPAIR_FD2, -1);
		rec_push_u64(&r, KES_P_SOCKETPAIR_SOURCE, 0);
		rec_push_u64(&r, KES_P_SOCKETPAIR_PEER, 0);
	}
	rec_push_u32(&r, KES_P_SOCKETPAIR_DOMAIN, (__u32)regs->di);
	rec_push_u32(&r, KES_P_SOCKETPAIR_TYPE, (__u32)regs->si);
	rec_push_u32(&r, KES_P_SOCKETPAIR_PROTO, (__u32)regs->dx);
	NET_REC_END();
}

KES_EXIT_PROG(bind)
{
	NET_REC_BEGIN(KES_EVT_BIND, KES_BIND_NPARAMS);
	long fd = (int)regs->di;
	rec_push_s64(&r, KES_P_BIND_RES, ret);
	/* Success: the address the socket now has (an ephemeral port resolved); failure: the
	 * caller's sockaddr. */
	int have = 0;
	if (ret == 0)
		have = rec_push_sock_laddr(&r, KES_P_BIND_ADDR, fd_sock(task, fd));
	if (!have)
		rec_push_user_sockaddr(&r, KES_P_BIND_ADDR, (const void *)regs->si,
				       (__u32)regs->dx);
	rec_push_s64(&r, KES_P_BIND_FD, fd);
	NET_REC_END();
}

KES_EXIT_PROG(listen)
{
	NET_REC_BEGIN(KES_EVT_LISTEN, KES_LISTEN_NPARAMS);
	rec_push_s64(&r, KES_P_LISTEN_RES, ret);
	rec_push_s64(&r, KES_P_LISTEN_FD, (int)regs->di);
	rec_push_u32(&r, KES_P_LISTEN_BACKLOG, (__u32)(int)regs->si);
	NET_REC_END();
}

/* accept/accept4: the new socket's tuple (remote side first) and the listening socket's accept
 * queue as the kernel left it after this accept. */
static __always_inline void fill_accept(struct rec *r, struct task_struct *task,
					struct pt_regs *regs, long ret)
{
	__u32 queuelen = 0, queuemax = 0;
	__u8 queuepct = 0;
	rec_push_s64(r, KES_P_ACCEPT_FD, ret);
	if (ret >= 0) {
		rec_push_tuple(r, KES_P_ACCEPT_TUPLE, fd_sock(task, ret), 1, NULL);
		struct sock *lsk = fd_sock(task, (int)regs->di);
		if (lsk) {
			queuelen = BPF_CORE_READ(lsk, sk_ack_backlog);
			queuemax = BPF_CORE_READ(lsk, sk_max_ack_backlog);
			if (queuelen && queuemax)
				queuepct = (__u8)((__u64)queuelen * 100 / queuemax);
		}
	}
	rec_push_u8(r, KES_P_ACCEPT_QUEUEPCT, queuepct);
	rec_push_u32(r, KES_P_ACCEPT_QUEUELEN, queuelen);
	rec_push_u32(r, KES_P_ACCEPT_QUEUEMAX, queuemax);
}

_Static_assert(KES_P_ACCEPT_FD == KES_P_ACCEPT4_FD && KES_P_ACCEPT_TUPLE == KES_P_ACCEPT4_TUPLE &&
		   KES_P_ACCEPT_QUEUEMAX == KES_P_ACCEPT4_QUEUEMAX,
	       "accept4 starts with accept's parameters");

KES_EXIT_PROG(accept)
{
	NET_REC_BEGIN(KES_EVT_ACCEPT, KES_ACCEPT_NPARAMS);
	fill_accept(&r, task, regs, ret);
	NET_REC_END();
}

KES_EXIT_PROG(accept4)
{
	NET_REC_BEGIN(KES_EVT_ACCEPT4, KES_ACCEPT4_NPARAMS);
	fill_accept(&r, task, regs, ret);
	/* The raw flags argument (SOCK_NONBLOCK, SOCK_CLOEXEC); Falco's drivers send 0 here. */
	rec_push_u32(&r, KES_P_ACCEPT4_FLAGS, (__u32)regs->r10);
	NET_REC_END();
}

KES_EXIT_PROG(sendto)
{
	NET_REC_BEGIN(KES_EVT_SENDTO, KES_SENDTO_NPARAMS);
	long fd = (int)regs->di;
	__u64 len = regs->dx;
	rec_push_s64(&r, KES_P_SENDTO_RES, ret);
	/* What was sent (the return value), or on failure what was asked, cut at the snaplen. */
	rec_push_data(&r, KES_P_SENDTO_DATA, (const void *)regs->si, ret > 0 ? (__u64)ret : len);
	rec_push_s64(&r, KES_P_SENDTO_FD, fd);
	rec_push_u32(&r, KES_P_SENDTO_SIZE, (__u32)len);
	rec_push_tuple(&r, KES_P_SENDTO_TUPLE, fd_sock(task, fd), 0, (const void *)regs->r8);
	NET_REC_END();
}

KES_EXIT_PROG(sendmsg)
{
	NET_REC_BEGIN(KES_EVT_SENDMSG, KES_SENDMSG_NPARAMS);
	long fd = (int)regs->di;
	struct user_msghdr msg = {};
	bpf_probe_read_user(&msg, sizeof(msg), (const void *)regs->si);
	rec_push_s64(&r, KES_P_SENDMSG_RES, ret);
	__u32 limit = data_limit(ret > 0 ? (__u64)ret : (__u64)-1);
	__u32 size = rec_push_iov_data(&r, KES_P_SENDMSG_DATA, msg.msg_iov, msg.msg_iovlen, limit);
	rec_push_s64(&r, KES_P_SENDMSG_FD, fd);
	rec_push_u32(&r, KES_P_SENDMSG_SIZE, size);
	rec_push_tuple(&r, KES_P_SENDMSG_TUPLE, fd_sock(task, fd), 0, msg.msg_name);
	NET_REC_END();
}

KES_EXIT_PROG(recvfrom)
{
	NET_REC_BEGIN(KES_EVT_RECVFROM, KES_RECVFROM_NPARAMS);
	long fd = (int)regs->di;
	rec_push_s64(&r, KES_P_RECVFROM_RES, ret);
	/* As Falco: data and tuple only when bytes arrived. The source sockaddr of an
	 * unconnected socket is what the kernel wrote into the caller's buffer. */
	if (ret > 0) {
		rec_push_data(&r, KES_P_RECVFROM_DATA, (const void *)regs->si, (__u64)ret);
		rec_push_tuple(&r, KES_P_RECVFROM_TUPLE, fd_sock(task, fd), 1,
			       (const void *)regs->r8);
	}
	rec_push_s64(&r, KES_P_RECVFROM_FD, fd);
	rec_push_u32(&r, KES_P_RECVFROM_SIZE, (__u32)regs->dx);
	NET_REC_END();
}

KES_EXIT_PROG(recvmsg)
{
	NET_REC_BEGIN(KES_EVT_RECVMSG, KES_RECVMSG_NPARAMS);
	long fd = (int)regs->di;
	rec_push_s64(&r, KES_P_RECVMSG_RES, ret);
	if (ret >= 0) {
		/* The msghdr after the call: the kernel updated msg_controllen. */
		struct user_msghdr msg = {};
		bpf_probe_read_user(&msg, sizeof(msg), (const void *)regs->si);
		rec_push_u32(&r, KES_P_RECVMSG_SIZE, (__u32)ret);
		rec_push_iov_data(&r, KES_P_RECVMSG_DATA, msg.msg_iov, msg.msg_iovlen,
				  data_limit((__u64)ret));
		rec_push_tuple(&r, KES_P_RECVMSG_TUPLE, fd_sock(task, fd), 1, msg.msg_name);
		rec_push_bytes(&r, KES_P_RECVMSG_MSGCONTROL, msg.msg_control, msg.msg_controllen,
			       1);
	} else {
		rec_push_u32(&r, KES_P_RECVMSG_SIZE, 0);
	}
	rec_push_s64(&r, KES_P_RECVMSG_FD, fd);
	NET_REC_END();
}

KES_EXIT_PROG(shutdown)
{
	NET_REC_BEGIN(KES_EVT_SHUTDOWN, KES_SHUTDOWN_NPARAMS);
	rec_push_s64(&r, KES_P_SHUTDOWN_RES, ret);
	rec_push_s64(&r, KES_P_SHUTDOWN_FD, (int)regs->di);
	/* PPM's shutdown_how values are Linux's (SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2). */
	rec_push_u8(&r, KES_P_SHUTDOWN_HOW, (__u8)regs->si);
	NET_REC_END();
}

/* getsockopt: the value the kernel wrote back (user memory: no kernel object keeps the copy),
 * in Falco's dynamic layout: a PPM_SOCKOPT_IDX_* byte, then the value. */
#define KES_SOL_SOCKET 1
#define KES_SOL_TCP 6
#define KES_SO_ERROR 4
#define KES_SO_COOKIE 57
#define KES_SO_RCVTIMEO_NEW 66
#define KES_SO_SNDTIMEO_NEW 67
#define KES_SOCKOPT_IDX_UNKNOWN 0
#define KES_SOCKOPT_IDX_ERRNO 1
#define KES_SOCKOPT_IDX_UINT32 2
#define KES_SOCKOPT_IDX_UINT64 3
#define KES_SOCKOPT_IDX_TIMEVAL 4

static __always_inline void rec_push_sockopt_val(struct rec *r, __u32 idx, int level, int optname,
						 const void *uval, __u32 len)
{
	__u8 *p = rec_reserve(r, 9);
	if (!p) {
		rec_truncated(r);
		return;
	}
	if (level == KES_SOL_SOCKET && optname == KES_SO_ERROR) {
		int err = 0;
		bpf_probe_read_user(&err, sizeof(err), uval);
		p[0] = KES_SOCKOPT_IDX_ERRNO;
		*(__s64 *)&p[1] = -(__s64)err;
		rec_commit(r, idx, 9);
	} else if (level == KES_SOL_SOCKET &&
		   (optname == 20 || optname == 21 || optname == KES_SO_RCVTIMEO_NEW ||
		    optname == KES_SO_SNDTIMEO_NEW)) {
		/* struct __kernel_old_timeval / __kernel_sock_timeval: two 64-bit fields. */
		__s64 tv[2] = {};
		bpf_probe_read_user(tv, sizeof(tv), uval);
		p[0] = KES_SOCKOPT_IDX_TIMEVAL;
		*(__u64 *)&p[1] = (__u64)tv[0] * 1000000000ULL + (__u64)tv[1] * 1000ULL;
		rec_commit(r, idx, 9);
	} else if (level == KES_SOL_SOCKET && optname == KES_SO_COOKIE) {
		__u64 v = 0;
		bpf_probe_read_user(&v, sizeof(v), uval);
		p[0] = KES_SOCKOPT_IDX_UINT64;
		*(__u64 *)&p[1] = v;
		rec_commit(r, idx, 9);
	} else if (level == KES_SOL_SOCKET && len == 4) {
		__u32 v = 0;
		bpf_probe_read_user(&v, sizeof(v), uval);
		p[0] = KES_SOCKOPT_IDX_UINT32;
		*(__u32 *)&p[1] = v;
		rec_commit(r, idx, 5);
	} else {
		/* Other levels and options: the raw bytes, after the tag. */
		p[0] = KES_SOCKOPT_IDX_UNKNOWN;
		rec_commit(r, idx, 1);
		__u32 room = rec_room(r, KES_STR_MAX);
		__u32 n = len < room ? len : room;
		barrier_var(n);
		if (n == 0 || n > KES_STR_MAX)
			return;
		if (bpf_probe_read_user(rec_cursor(r), n, uval))
			return;
		rec_set_len(r, idx, 1 + n);
		r->s->off = rec_off(r) + n;
	}
}

KES_EXIT_PROG(getsockopt)
{
	NET_REC_BEGIN(KES_EVT_GETSOCKOPT, KES_GETSOCKOPT_NPARAMS);
	int level = (int)regs->si;
	int optname = (int)regs->dx;
	__u32 optlen = 0;
	bpf_probe_read_user(&optlen, sizeof(optlen), (const void *)regs->r8);
	rec_push_s64(&r, KES_P_GETSOCKOPT_RES, ret);
	rec_push_s64(&r, KES_P_GETSOCKOPT_FD, (int)regs->di);
	/* PPM levels: SOL_SOCKET 1, SOL_TCP 2; PPM option names are Linux's SOL_SOCKET ones, the
	 * 64-bit timeouts folded onto SO_RCVTIMEO/SO_SNDTIMEO. */
	__u8 plevel = level == KES_SOL_SOCKET ? 1 : level == KES_SOL_TCP ? 2 : 0;
	__u8 pname = 0;
	if (level == KES_SOL_SOCKET) {
		if (optname == KES_SO_RCVTIMEO_NEW)
			pname = 20;
		else if (optname == KES_SO_SNDTIMEO_NEW)
			pname = 21;
		else if (optname > 0 && optname < 64)
			pname = (__u8)optname;
	}
	rec_push_u8(&r, KES_P_GETSOCKOPT_LEVEL, plevel);
	rec_push_u8(&r, KES_P_GETSOCKOPT_OPTNAME, pname);
	if (ret == 0)
		rec_push_sockopt_val(&r, KES_P_GETSOCKOPT_VAL, level, optname,
				     (const void *)regs->r10, optlen);
	rec_push_u32(&r, KES_P_GETSOCKOPT_OPTLEN, optlen);
	NET_REC_END();
}
