/* Optional hooks (issue 6): page faults, sched_switch, signal_deliver. Like Falco's, they are off
 * unless a rule or base_syscalls names their event (page_fault, switch, signaldeliver):
 * the sections start with '?' (not loaded by default) and userspace turns on, loads and
 * attaches only the ones asked for whose tracepoint the kernel has (src/capture/hooks.cpp).
 *
 * Their records are small and fixed-size, so they are built in a per-CPU map of their own, one
 * entry per hook, not in the sys_exit/procexit scratch: sched_switch runs while a task may be
 * preempted half-way through a record of the syscall programs, and page_fault_kernel fires
 * inside them when a read faults. A hook cannot nest in itself (the kernel skips a program
 * already running on this CPU, counted in recursion_misses). */
#ifndef KESTREL_HOOKS_BPF_H
#define KESTREL_HOOKS_BPF_H

#include "hook_flags.h"

enum kes_hook {
	KES_HOOK_PF_USER,
	KES_HOOK_PF_KERNEL,
	KES_HOOK_SWITCH,
	KES_HOOK_SIGNAL,
	KES_HOOK_COUNT,
};

/* Large enough for the biggest hook record (switch: 96 bytes). */
#define KES_HOOK_REC_SIZE 128

struct kes_hook_rec {
	__u8 b[KES_HOOK_REC_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KES_HOOK_COUNT);
	__type(key, __u32);
	__type(value, struct kes_hook_rec);
} hook_recs SEC(".maps");

/* A fixed-layout writer: every offset is a compile-time constant once inlined, so the verifier
 * checks each store against the 128-byte value directly. */
struct hook_w {
	__u8 *b;
	__u32 off;
	__u16 type;
	__u16 nparams;
};

static __always_inline int hook_init(struct hook_w *w, enum kes_hook hook, __u16 type,
				     __u16 nparams)
{
	__u32 key = hook;
	struct kes_hook_rec *rec = bpf_map_lookup_elem(&hook_recs, &key);
	if (!rec) {
		counters_add_scratch_drop();
		return -1;
	}
	w->b = rec->b;
	w->type = type;
	w->nparams = nparams;
	w->off = KES_HDR_SIZE + nparams * 2;
	return 0;
}

static __always_inline void hook_len(struct hook_w *w, __u32 idx, __u16 len)
{
	*(__u16 *)&w->b[KES_HDR_SIZE + idx * 2] = len;
}

#define HOOK_PUT(name, type)                                                                       \
	static __always_inline void hook_put_##name(struct hook_w *w, __u32 idx, type v)           \
	{                                                                                          \
		*(type *)&w->b[w->off] = v;                                                        \
		hook_len(w, idx, sizeof(type));                                                    \
		w->off += sizeof(type);                                                            \
	}
HOOK_PUT(s64, __s64)
HOOK_PUT(u64, __u64)
HOOK_PUT(u32, __u32)
HOOK_PUT(u8, __u8)

static __always_inline void hook_submit(struct hook_w *w, __u32 tid, __u32 pid)
{
	kes_output(w->b, w->off, tid, pid, w->type, w->nparams, 0, KES_DROP_TOTAL_ONLY);
}

#include "page_fault.bpf.h"
#include "sched_switch.bpf.h"
#include "signal_deliver.bpf.h"

#endif
