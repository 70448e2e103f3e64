/* Record writer: assembles one wire-format record (schema/README.md) in the per-CPU scratch
 * value, then hands it to the ring of this CPU.
 *
 * Verifier notes: every variable write lands at `off & (KES_REC_LIMIT - 1)` with a size bounded
 * by a constant no larger than the slack after KES_REC_LIMIT, so the verifier can prove it stays
 * inside the scratch value without tracking the relation between `off` and the size. The real
 * bound (off + size <= KES_REC_LIMIT) is checked before each write. */
#ifndef KESTREL_RECORD_H
#define KESTREL_RECORD_H

#include "maps.h"

/* The write offset and header flags live in the scratch value, not in registers: every push
 * loads them back through a volatile read, so the verifier sees an unknown (but checked) offset
 * and the states of all paths through a fill function look alike and get pruned. Keeping them
 * in registers made the verifier track every path's exact offset (execve: 540k instructions
 * processed). */
struct rec {
	struct kes_scratch *s;
	__u16 nparams;
	__u16 type;
};

static __always_inline __u32 rec_off(struct rec *r)
{
	return *(volatile __u32 *)&r->s->off;
}

static __always_inline void rec_set_len(struct rec *r, __u32 idx, __u32 len)
{
	/* idx is a compile-time constant at every call site: the lengths array sits right after
	 * the header. */
	*(__u16 *)&r->s->rec[KES_HDR_SIZE + idx * 2] = (__u16)len;
}

static __always_inline void rec_truncated(struct rec *r)
{
	r->s->flags |= KES_HDR_F_TRUNCATED;
	counters_add_truncated();
}

/* Starts a record: lengths array zeroed (every parameter absent until pushed). */
static __always_inline int rec_init(struct rec *r, struct kes_scratch *s, __u16 type, __u16 nparams)
{
	if (nparams > KES_MAX_PARAMS)
		return -1;
	r->s = s;
	r->type = type;
	r->nparams = nparams;
	s->flags = 0;
	s->off = KES_HDR_SIZE + nparams * 2;
	__builtin_memset(&s->rec[KES_HDR_SIZE], 0, KES_MAX_PARAMS * 2);
	return 0;
}

/* A pointer to n free payload bytes (n constant, <= KES_STR_MAX), or NULL if the record would
 * pass KES_REC_LIMIT. */
static __always_inline __u8 *rec_reserve(struct rec *r, __u32 n)
{
	__u32 off = rec_off(r);
	if (off > KES_REC_LIMIT - n)
		return NULL;
	return &r->s->rec[off & (KES_REC_LIMIT - 1)];
}

static __always_inline void rec_commit(struct rec *r, __u32 idx, __u32 n)
{
	rec_set_len(r, idx, n);
	r->s->off = rec_off(r) + n;
}

#define REC_PUSH_SCALAR(name, type)                                                                \
	static __always_inline void rec_push_##name(struct rec *r, __u32 idx, type v)              \
	{                                                                                          \
		__u8 *p = rec_reserve(r, sizeof(type));                                            \
		if (!p) {                                                                          \
			rec_truncated(r);                                                          \
			return;                                                                    \
		}                                                                                  \
		*(type *)p = v;                                                                    \
		rec_commit(r, idx, sizeof(type));                                                  \
	}

REC_PUSH_SCALAR(u8, __u8)
REC_PUSH_SCALAR(u16, __u16)
REC_PUSH_SCALAR(u32, __u32)
REC_PUSH_SCALAR(u64, __u64)
REC_PUSH_SCALAR(s64, __s64)

/* Room left for one variable-length parameter, at most `max` (a power of two <= KES_STR_MAX). */
static __always_inline __u32 rec_room(struct rec *r, __u32 max)
{
	__u32 off = rec_off(r);
	if (off >= KES_REC_LIMIT)
		return 0;
	__u32 room = KES_REC_LIMIT - off;
	return room < max ? room : max;
}

static __always_inline __u8 *rec_cursor(struct rec *r)
{
	return &r->s->rec[rec_off(r) & (KES_REC_LIMIT - 1)];
}

/* A NUL-terminated string from kernel (user = 0) or user (user = 1) memory. An unreadable
 * string leaves the parameter absent; a cut one is still NUL-terminated and flags the record. */
static __always_inline void rec_push_str(struct rec *r, __u32 idx, const void *src, int user)
{
	__u32 room = rec_room(r, KES_STR_MAX);
	if (room == 0 || !src) {
		if (src)
			rec_truncated(r);
		return;
	}
	barrier_var(room);
	if (room > KES_STR_MAX)
		return;
	long n = user ? bpf_probe_read_user_str(rec_cursor(r), room, src)
		      : bpf_probe_read_kernel_str(rec_cursor(r), room, src);
	if (n <= 0)
		return;
	if ((__u32)n == room && room < KES_STR_MAX)
		rec_truncated(r);
	rec_commit(r, idx, (__u32)n);
}

/* Raw bytes [src, src + len) from kernel or user memory, cut at KES_STR_MAX. */
static __always_inline void rec_push_bytes(struct rec *r, __u32 idx, const void *src, __u64 len,
					   int user)
{
	if (len == 0 || !src)
		return;
	__u32 room = rec_room(r, KES_STR_MAX);
	__u32 n = len < room ? (__u32)len : room;
	if (n < len)
		rec_truncated(r);
	barrier_var(n);
	if (n == 0 || n > KES_STR_MAX)
		return;
	long err = user ? bpf_probe_read_user(rec_cursor(r), n, src)
			: bpf_probe_read_kernel(rec_cursor(r), n, src);
	if (err)
		return;
	rec_commit(r, idx, n);
}

/* Fills the header of the record at `data` (len bytes, parameters already in place) and sends it
 * to the ring of this CPU; a full ring is counted under `cat`. rec_submit's tail, and the whole
 * submit of the hooks' fixed-size records (bpf/hooks/), which are built outside the scratch. */
static __always_inline void kes_output(void *data, __u32 len, __u32 tid, __u32 pid, __u16 type,
				       __u16 nparams, __u16 hdr_flags, enum kes_drop_category cat)
{
	struct kes_event_header *h = data;
	__u32 cpu = bpf_get_smp_processor_id();

	h->ts_ns = bpf_ktime_get_boot_ns();
	h->tid = tid;
	h->pid = pid;
	h->len = len;
	h->type = type;
	h->nparams = nparams;
	h->cpu = (__u16)cpu;
	h->flags = hdr_flags;
	h->reserved = 0;
	/* Two direct loads instead of bpf_get_current_comm() (strscpy_pad: strnlen, memcpy and
	 * memset behind a helper call, ~50 ns per record measured with perf). comm[] always ends
	 * in a NUL (set_task_comm pads it); a rename racing with this read can at worst mix the
	 * old and new names, and the last byte is forced to 0 anyway. */
	const __u64 *comm = (const __u64 *)bpf_get_current_task_btf()->comm;
	*(__u64 *)&h->comm[0] = comm[0];
	*(__u64 *)&h->comm[8] = comm[1];
	h->comm[15] = 0;

	struct kes_counters *c = counters_get();
	__u32 ring_idx = cpu / cpus_per_ring;
	void *ring = bpf_map_lookup_elem(&rings, &ring_idx);
	if (!ring) {
		if (c)
			c->n_drops_bug++;
		return;
	}
	barrier_var(len);
	if (len > KES_REC_LIMIT) {
		if (c)
			c->n_drops_bug++;
		return;
	}
	/* Wakeups. A wakeup per record costs ~2.5 us per event (DESIGN.md: an irq_work on this CPU,
	 * then the reader's wakeup); forcing one on every record while a slow reader is behind took
	 * an open() from +1 us to +5 us. So records go in with BPF_RB_NO_WAKEUP, and one forces a
	 * wakeup only when
	 *  (a) it makes the ring's pending data cross wakeup_threshold (a burst: drain before the
	 *      ring fills), or
	 *  (b) this CPU forced none for wakeup_interval_ns (1 ms): an event on an idle host wakes
	 *      the reader at once instead of waiting for its poll. At most one such wakeup per CPU
	 *      per interval, whatever the event rate (~0.3% of a busy CPU).
	 * The race, and why it is harmless: a record that finds a wakeup younger than the interval
	 * goes in silently, and the reader may already have drained and gone back to sleep after
	 * that wakeup. Nothing in the kernel wakes it for this record; the reader's own poll
	 * timeout (1 ms, src/daemon/live.cpp, capture::RingReader::wait) does. So the latency of a
	 * record is bounded by that timeout plus the drain, as before (b) existed; (b) only makes
	 * the common isolated event faster. `*last` is written without atomics: two programs racing
	 * on one CPU (a preempted one, a nested hook) can only cause one extra or one missing
	 * wakeup, which the same timeout covers. */
	__u64 flags = BPF_RB_NO_WAKEUP;
	__u64 avail = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);
	__u32 zero = 0;
	__u64 *last = bpf_map_lookup_elem(&last_wakeup, &zero);
	if (avail < wakeup_threshold && avail + len >= wakeup_threshold) {
		flags = BPF_RB_FORCE_WAKEUP;
	} else if (last && wakeup_interval_ns && h->ts_ns - *last >= wakeup_interval_ns) {
		flags = BPF_RB_FORCE_WAKEUP;
	}
	if (last && flags == BPF_RB_FORCE_WAKEUP)
		*last = h->ts_ns;
	if (bpf_ringbuf_output(ring, data, len, flags)) {
		if (c) {
			c->n_drops_buffer_total++;
			switch (cat) {
			case KES_DROP_CLONE_FORK:
				c->n_drops_buffer_clone_fork_exit++;
				break;
			case KES_DROP_EXECVE:
				c->n_drops_buffer_execve_exit++;
				break;
			case KES_DROP_CONNECT:
				c->n_drops_buffer_connect_exit++;
				break;
			case KES_DROP_OPEN:
				c->n_drops_buffer_open_exit++;
				break;
			case KES_DROP_DIR_FILE:
				c->n_drops_buffer_dir_file_exit++;
				break;
			case KES_DROP_CLOSE:
				c->n_drops_buffer_close_exit++;
				break;
			case KES_DROP_PROC:
				c->n_drops_buffer_proc_exit++;
				break;
			case KES_DROP_TOTAL_ONLY:
				break;
			default:
				c->n_drops_buffer_other_interest_exit++;
				break;
			}
		}
		return;
	}
	if (c)
		c->n_evts++;
}

/* Fills the header and sends the record to the ring of this CPU. */
static __always_inline void rec_submit(struct rec *r, __u32 tid, __u32 pid,
				       enum kes_drop_category cat)
{
	kes_output(r->s->rec, rec_off(r), tid, pid, r->type, r->nparams, r->s->flags, cat);
}

#endif
