/* Socket tuples and addresses read from kernel objects (struct sock), packed as Falco's drivers
 * pack them (schema/README.md): addresses as the kernel keeps them (network order), ports in
 * host order. */
#ifndef KESTREL_SOCK_H
#define KESTREL_SOCK_H

#include "record.h"

#define KES_AF_UNIX 1
#define KES_AF_INET 2
#define KES_AF_INET6 10
#define KES_UNIX_PATH_MAX 108

static __always_inline __u16 kes_ntohs(__u16 v)
{
	return __builtin_bswap16(v);
}

/* The socket behind a file, or NULL if the file is not a socket (S_IFSOCK inode: no need for the
 * address of socket_file_ops). */
static __always_inline struct socket *file_socket(struct file *f)
{
	if (!f)
		return NULL;
	__u16 mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & 0170000) != 0140000)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

/* The bound path of an AF_UNIX socket, NUL-terminated, written at p (at most 108 bytes + NUL).
 * As Falco's drivers do, the leading NUL byte of an abstract name is skipped. Returns the bytes
 * written. */
static __always_inline __u32 unix_path_into(__u8 *p, struct sock *sk)
{
	struct unix_address *addr = BPF_CORE_READ((struct unix_sock *)sk, addr);
	p[0] = 0;
	if (!addr)
		return 1;
	char first = 0;
	bpf_probe_read_kernel(&first, 1, &addr->name[0].sun_path[0]);
	const char *start = &addr->name[0].sun_path[first == 0 ? 1 : 0];
	long n = bpf_probe_read_kernel_str(p, KES_UNIX_PATH_MAX + 1, start);
	if (n <= 0) {
		p[0] = 0;
		return 1;
	}
	return (__u32)n;
}

/* socktuple of a connected socket, local side first (Falco's outbound tuple). */
static __always_inline void rec_push_socktuple(struct rec *r, __u32 idx, struct sock *sk)
{
	if (!sk)
		return;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == KES_AF_INET) {
		__u8 *p = rec_reserve(r, 13);
		if (!p) {
			rec_truncated(r);
			return;
		}
		p[0] = KES_AF_INET;
		*(__u32 *)&p[1] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		*(__u16 *)&p[5] = BPF_CORE_READ(sk, __sk_common.skc_num);
		*(__u32 *)&p[7] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		*(__u16 *)&p[11] = kes_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		rec_commit(r, idx, 13);
	} else if (family == KES_AF_INET6) {
		__u8 *p = rec_reserve(r, 37);
		if (!p) {
			rec_truncated(r);
			return;
		}
		p[0] = KES_AF_INET6;
		BPF_CORE_READ_INTO((struct in6_addr *)&p[1], sk, __sk_common.skc_v6_rcv_saddr);
		*(__u16 *)&p[17] = BPF_CORE_READ(sk, __sk_common.skc_num);
		BPF_CORE_READ_INTO((struct in6_addr *)&p[19], sk, __sk_common.skc_v6_daddr);
		*(__u16 *)&p[35] = kes_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		rec_commit(r, idx, 37);
	} else if (family == KES_AF_UNIX) {
		/* Falco's outbound packing (connect): the peer's kernel address first, then this
		 * socket's, then the path the peer is bound to (the address connected to). */
		__u8 *p = rec_reserve(r, 17 + KES_UNIX_PATH_MAX + 1);
		if (!p) {
			rec_truncated(r);
			return;
		}
		struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
		p[0] = KES_AF_UNIX;
		*(__u64 *)&p[1] = (__u64)peer;
		*(__u64 *)&p[9] = (__u64)sk;
		__u32 n = peer ? unix_path_into(&p[17], peer) : (p[17] = 0, 1);
		rec_commit(r, idx, 17 + (n & 0xff));
	} else {
		__u8 *p = rec_reserve(r, 1);
		if (!p)
			return;
		p[0] = (__u8)family;
		rec_commit(r, idx, 1);
	}
}

/* sockaddr of the socket's destination, from the kernel object. Returns 0 when the socket has no
 * destination (the caller then falls back to the user's sockaddr). */
static __always_inline int rec_push_sock_daddr(struct rec *r, __u32 idx, struct sock *sk)
{
	if (!sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == KES_AF_INET) {
		__u32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__u16 dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
		if (daddr == 0 && dport == 0)
			return 0;
		__u8 *p = rec_reserve(r, 7);
		if (!p)
			return 0;
		p[0] = KES_AF_INET;
		*(__u32 *)&p[1] = daddr;
		*(__u16 *)&p[5] = kes_ntohs(dport);
		rec_commit(r, idx, 7);
		return 1;
	}
	if (family == KES_AF_INET6) {
		__u16 dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
		if (dport == 0)
			return 0;
		__u8 *p = rec_reserve(r, 19);
		if (!p)
			return 0;
		p[0] = KES_AF_INET6;
		BPF_CORE_READ_INTO((struct in6_addr *)&p[1], sk, __sk_common.skc_v6_daddr);
		*(__u16 *)&p[17] = kes_ntohs(dport);
		rec_commit(r, idx, 19);
		return 1;
	}
	if (family == KES_AF_UNIX) {
		struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
		if (!peer)
			return 0;
		__u8 *p = rec_reserve(r, 1 + KES_UNIX_PATH_MAX + 1);
		if (!p)
			return 0;
		p[0] = KES_AF_UNIX;
		__u32 n = unix_path_into(&p[1], peer);
		rec_commit(r, idx, 1 + (n & 0xff));
		return 1;
	}
	return 0;
}

/* sockaddr from the user's buffer (connect's second argument): only when the socket holds no
 * destination, e.g. after a refused connect. */
static __always_inline void rec_push_user_sockaddr(struct rec *r, __u32 idx, const void *uaddr,
						   __u32 ulen)
{
	if (!uaddr || ulen < 2)
		return;
	__u16 family = 0;
	if (bpf_probe_read_user(&family, sizeof(family), uaddr))
		return;
	if (family == KES_AF_INET && ulen >= 8) {
		__u8 *p = rec_reserve(r, 7);
		if (!p)
			return;
		__u16 port = 0;
		p[0] = KES_AF_INET;
		bpf_probe_read_user(&port, 2, uaddr + 2);
		bpf_probe_read_user(&p[1], 4, uaddr + 4);
		*(__u16 *)&p[5] = kes_ntohs(port);
		rec_commit(r, idx, 7);
	} else if (family == KES_AF_INET6 && ulen >= 24) {
		__u8 *p = rec_reserve(r, 19);
		if (!p)
			return;
		__u16 port = 0;
		p[0] = KES_AF_INET6;
		bpf_probe_read_user(&port, 2, uaddr + 2);
		bpf_probe_read_user(&p[1], 16, uaddr + 8);
		*(__u16 *)&p[17] = kes_ntohs(port);
		rec_commit(r, idx, 19);
	} else if (family == KES_AF_UNIX) {
		__u8 *p = rec_reserve(r, 1 + KES_UNIX_PATH_MAX + 1);
		if (!p)
			return;
		char first = 0;
		bpf_probe_read_user(&first, 1, uaddr + 2);
		p[0] = KES_AF_UNIX;
		long n = bpf_probe_read_user_str(&p[1], KES_UNIX_PATH_MAX + 1,
						 uaddr + (first == 0 ? 3 : 2));
		if (n <= 0) {
			p[1] = 0;
			n = 1;
		}
		rec_commit(r, idx, 1 + ((__u32)n & 0xff));
	} else {
		__u8 *p = rec_reserve(r, 1);
		if (!p)
			return;
		p[0] = (__u8)family;
		rec_commit(r, idx, 1);
	}
}

#endif
