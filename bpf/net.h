/* Socket helpers of the network syscalls (syscalls/net.bpf.h): tuples in either direction, the
 * socket's own bound address, and snaplen-limited data from user buffers and iovecs. Packing as
 * in sock.h (Falco's layouts, schema/README.md). */
#ifndef KESTREL_NET_H
#define KESTREL_NET_H

#include "file.h"
#include "sock.h"

/* Falco's `falco_libs.snaplen`: bytes of I/O data kept per sendto/recvfrom/sendmsg/recvmsg.
 * Set by userspace before load (Probe: skel->rodata->snaplen); capped at KES_SNAPLEN_MAX. */
const volatile __u32 snaplen = 80;

/* Largest data parameter: half the scratch slack, so that an iovec copy (offset inside the
 * parameter + size of the next piece, each below this) stays within the slack after
 * KES_REC_LIMIT for the verifier. */
#define KES_SNAPLEN_MAX (KES_STR_MAX / 2)
#define KES_IOV_MAX 8 /* iovecs read per sendmsg/recvmsg (Falco reads up to 32) */

#define KES_SOCK_NONBLOCK 04000
#define KES_SOCK_CLOEXEC 02000000

static __always_inline __u32 data_limit(__u64 want)
{
	__u32 cap = snaplen;
	if (cap > KES_SNAPLEN_MAX)
		cap = KES_SNAPLEN_MAX;
	return want < cap ? (__u32)want : cap;
}

/* The sock behind fd `fd` of the current task, or NULL. */
static __always_inline struct sock *fd_sock(struct task_struct *task, long fd)
{
	struct socket *sock = file_socket(fd_to_file(task, fd));
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/* The remote address of an IPv4/IPv6 socket taken from a user sockaddr (sendto's destination of
 * an unconnected socket, recvfrom's source as the kernel wrote it). 0 if unusable. */
static __always_inline int user_remote_in(const void *uaddr, __u16 family, __u8 *ip, __u16 *port)
{
	__u16 ufam = 0;
	if (!uaddr || bpf_probe_read_user(&ufam, sizeof(ufam), uaddr) || ufam != family)
		return 0;
	__u16 p = 0;
	bpf_probe_read_user(&p, sizeof(p), uaddr + 2);
	if (family == KES_AF_INET)
		bpf_probe_read_user(ip, 4, uaddr + 4);
	else
		bpf_probe_read_user(ip, 16, uaddr + 8);
	*port = kes_ntohs(p);
	return 1;
}

/* socktuple of `sk` (Falco's packing). Outbound (connect, send*): local side first; inbound
 * (accept, recv*): remote side first. When the socket has no remote port (an unconnected UDP
 * socket), the remote side comes from the user sockaddr `uaddr`, if any, as Falco's drivers do.
 * AF_UNIX: outbound = peer, self, the peer's path; inbound = self, peer, this socket's path (an
 * accepted socket carries its listener's address); without a peer, the path of `uaddr`. */
static __always_inline void rec_push_tuple(struct rec *r, __u32 idx, struct sock *sk, int inbound,
					   const void *uaddr)
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
		__u32 lip = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u32 rip = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__u16 rport = kes_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (rport == 0)
			user_remote_in(uaddr, KES_AF_INET, (__u8 *)&rip, &rport);
		p[0] = KES_AF_INET;
		*(__u32 *)&p[1] = inbound ? rip : lip;
		*(__u16 *)&p[5] = inbound ? rport : lport;
		*(__u32 *)&p[7] = inbound ? lip : rip;
		*(__u16 *)&p[11] = inbound ? lport : rport;
		rec_commit(r, idx, 13);
	} else if (family == KES_AF_INET6) {
		__u8 *p = rec_reserve(r, 37);
		if (!p) {
			rec_truncated(r);
			return;
		}
		__u8 *lip = &p[inbound ? 19 : 1];
		__u8 *rip = &p[inbound ? 1 : 19];
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u16 rport = kes_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		p[0] = KES_AF_INET6;
		BPF_CORE_READ_INTO((struct in6_addr *)lip, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)rip, sk, __sk_common.skc_v6_daddr);
		if (rport == 0)
			user_remote_in(uaddr, KES_AF_INET6, rip, &rport);
		*(__u16 *)&p[inbound ? 35 : 17] = lport;
		*(__u16 *)&p[inbound ? 17 : 35] = rport;
		rec_commit(r, idx, 37);
	} else if (family == KES_AF_UNIX) {
		__u8 *p = rec_reserve(r, 17 + KES_UNIX_PATH_MAX + 1);
		if (!p) {
			rec_truncated(r);
			return;
		}
		struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
		p[0] = KES_AF_UNIX;
		*(__u64 *)&p[1] = inbound ? (__u64)sk : (__u64)peer;
		*(__u64 *)&p[9] = inbound ? (__u64)peer : (__u64)sk;
		__u32 n = 1;
		p[17] = 0;
		if (inbound)
			n = unix_path_into(&p[17], sk);
		else if (peer)
			n = unix_path_into(&p[17], peer);
		else if (uaddr) {
			/* An unconnected datagram socket sending to a path. */
			char first = 0;
			bpf_probe_read_user(&first, 1, uaddr + 2);
			long m = bpf_probe_read_user_str(&p[17], KES_UNIX_PATH_MAX + 1,
							 uaddr + (first == 0 ? 3 : 2));
			n = m > 0 ? (__u32)m : (p[17] = 0, 1);
		}
		rec_commit(r, idx, 17 + (n & 0xff));
	} else {
		__u8 *p = rec_reserve(r, 1);
		if (!p)
			return;
		p[0] = (__u8)family;
		rec_commit(r, idx, 1);
	}
}

/* sockaddr of the socket's own (bound) address, from the kernel object: what bind() really
 * installed, an ephemeral port included. Returns 0 when the family is not IP or unix. */
static __always_inline int rec_push_sock_laddr(struct rec *r, __u32 idx, struct sock *sk)
{
	if (!sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == KES_AF_INET) {
		__u8 *p = rec_reserve(r, 7);
		if (!p)
			return 0;
		p[0] = KES_AF_INET;
		*(__u32 *)&p[1] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		*(__u16 *)&p[5] = BPF_CORE_READ(sk, __sk_common.skc_num);
		rec_commit(r, idx, 7);
		return 1;
	}
	if (family == KES_AF_INET6) {
		__u8 *p = rec_reserve(r, 19);
		if (!p)
			return 0;
		p[0] = KES_AF_INET6;
		BPF_CORE_READ_INTO((struct in6_addr *)&p[1], sk, __sk_common.skc_v6_rcv_saddr);
		*(__u16 *)&p[17] = BPF_CORE_READ(sk, __sk_common.skc_num);
		rec_commit(r, idx, 19);
		return 1;
	}
	if (family == KES_AF_UNIX) {
		__u8 *p = rec_reserve(r, 1 + KES_UNIX_PATH_MAX + 1);
		if (!p)
			return 0;
		p[0] = KES_AF_UNIX;
		__u32 n = unix_path_into(&p[1], sk);
		rec_commit(r, idx, 1 + (n & 0xff));
		return 1;
	}
	return 0;
}

/* `len` bytes of a user buffer, cut at the snaplen. */
static __always_inline void rec_push_data(struct rec *r, __u32 idx, const void *ubuf, __u64 len)
{
	rec_push_bytes(r, idx, ubuf, data_limit(len), 1);
}

/* The first bytes of the buffers of an iovec array, back to back, at most `limit` (already cut
 * at the snaplen) in total; absent when the iovec array cannot be read. Returns the sum of the
 * iovec lengths (sendmsg's `size`, as Falco computes it), over the first KES_IOV_MAX. */
static __always_inline __u32 rec_push_iov_data(struct rec *r, __u32 idx, const struct iovec *uiov,
					       __u64 iovcnt, __u32 limit)
{
	struct iovec iov[KES_IOV_MAX] = {};
	if (!uiov || iovcnt == 0)
		return 0;
	if (iovcnt > KES_IOV_MAX)
		iovcnt = KES_IOV_MAX;
	__u32 sz = (__u32)iovcnt * sizeof(struct iovec);
	barrier_var(sz);
	if (sz == 0 || sz > sizeof(iov))
		return 0;
	if (bpf_probe_read_user(iov, sz, uiov))
		return 0;
	__u64 size = 0;
	for (int j = 0; j < KES_IOV_MAX; j++) {
		if (j >= iovcnt)
			break;
		size += iov[j].iov_len;
	}
	__u32 room = rec_room(r, KES_SNAPLEN_MAX);
	if (limit > room) {
		limit = room;
		rec_truncated(r);
	}
	__u8 *base = rec_cursor(r);
	__u32 total = 0;
	for (int j = 0; j < KES_IOV_MAX; j++) {
		if (j >= iovcnt || total >= limit)
			break;
		__u64 n = iov[j].iov_len;
		if (n > limit - total)
			n = limit - total;
		__u32 n32 = (__u32)n;
		__u32 at = total;
		barrier_var(n32);
		barrier_var(at);
		if (n32 == 0)
			continue;
		if (n32 > KES_SNAPLEN_MAX || at >= KES_SNAPLEN_MAX)
			break;
		if (bpf_probe_read_user(base + at, n32, iov[j].iov_base))
			break;
		total += n32;
	}
	if (total)
		rec_commit(r, idx, total);
	return (__u32)size;
}

#endif
