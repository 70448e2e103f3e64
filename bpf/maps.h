/* Maps and load-time constants of the probe. Userspace (src/capture/probe.cpp) sets the
 * constants before load and creates the inner ring buffers. */
#ifndef KESTREL_MAPS_H
#define KESTREL_MAPS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "gen/kestrel_events.h"
#include "kestrel_stats.h"

/* Set by userspace before load (rodata). */
const volatile __u32 kestrel_tgid = 0;	   /* Kestrel's own tgid: its syscalls are never emitted */
const volatile __u32 cpus_per_ring = 1;	   /* ring index = cpu / cpus_per_ring */
const volatile __u64 wakeup_threshold = 1; /* bytes pending in a ring before a forced wakeup */
/* A record forces a wakeup when this CPU forced none for this long (0: never): record.h. */
const volatile __u64 wakeup_interval_ns = 1000000;
const volatile __u32 ncpus = 1; /* possible CPUs: procexit uses scratch slots [ncpus, 2*ncpus) */
const volatile bool count_syscalls = true; /* count every syscall by number (syscall_counts) */

/* Syscall number -> event id (0: not interesting). Filled by userspace from the generated
 * syscall table before attaching. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KES_SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__type(value, __u16);
} interesting SEC(".maps");

/* Event id -> its program (kes_x_<event>), tail-called by kes_sys_exit. Filled by userspace
 * after load with every kes_x_* program of the object. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, KES_EVT_MAX);
	__type(key, __u32);
	__type(value, __u32);
} exit_progs SEC(".maps");

/* Syscall number -> invocations on this CPU, interesting or not (Falco lists per-syscall counts
 * as planned; userspace sums the CPUs). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KES_SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__type(value, __u64);
} syscall_counts SEC(".maps");

/* One record under construction per CPU and per program (a sys_exit record and a procexit
 * record may be in flight on the same CPU). A plain ARRAY indexed by CPU: a PERCPU_ARRAY value
 * cannot exceed 32 KiB. Userspace sets max_entries to 2 * ncpus. */
struct kes_scratch {
	__u32 off;   /* next free byte of rec[] (struct rec) */
	__u16 flags; /* header flags of the record under construction */
	__u16 pad;
	/* The header member also puts struct kes_event_header into the object's BTF, where the
	 * bpf tier checks its layout against userspace's (tests/bpf/btf_layout_test.cpp). */
	union {
		struct kes_event_header hdr;
		__u8 rec[KES_REC_LIMIT + KES_STR_MAX];
	};
	__u8 path[KES_PATH_MAX + KES_NAME_MAX];
	__u8 name[KES_NAME_MAX]; /* one kernfs name, before it moves into path[] */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kes_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kes_counters);
} counters SEC(".maps");

/* The rings: index = cpu / cpus_per_ring. Userspace sizes the outer array and creates each
 * inner ring with the configured size before load. */
struct kes_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct kes_ring);
} rings SEC(".maps");

/* Per CPU: boot-clock time of the last wakeup a record of this CPU forced (record.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last_wakeup SEC(".maps");

static __always_inline struct kes_counters *counters_get(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline void counters_add_truncated(void)
{
	struct kes_counters *c = counters_get();
	if (c)
		c->n_drops_truncated++;
}

static __always_inline void counters_add_scratch_drop(void)
{
	struct kes_counters *c = counters_get();
	if (c)
		c->n_drops_scratch_map++;
}

/* slot 0: sys_exit, slot 1: sched_process_exit. */
static __always_inline struct kes_scratch *scratch_get(__u32 slot)
{
	__u32 idx = bpf_get_smp_processor_id() + slot * ncpus;
	struct kes_scratch *s = bpf_map_lookup_elem(&scratch, &idx);
	if (!s)
		counters_add_scratch_drop();
	return s;
}

#endif
