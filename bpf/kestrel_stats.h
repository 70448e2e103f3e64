/* Shared between the probe and userspace (C and C++): the layout of the per-CPU counters map
 * and the scratch sizes. Names follow Falco's scap stats (libpman stats.c) where one exists. */
#ifndef KESTREL_STATS_H
#define KESTREL_STATS_H

/* One value of the per-CPU `counters` map. Userspace sums it over the possible CPUs. */
struct kes_counters {
	unsigned long long n_evts;			/* records written into a ring */
	unsigned long long n_drops_buffer_total;	/* ring full: bpf_ringbuf_output failed */
	unsigned long long n_drops_buffer_open_exit;	/* ... of which open/openat/openat2 */
	unsigned long long n_drops_buffer_execve_exit;	/* ... of which execve/execveat */
	unsigned long long n_drops_buffer_connect_exit; /* ... of which connect */
	unsigned long long n_drops_buffer_proc_exit;	/* ... of which procexit */
	unsigned long long n_drops_scratch_map;		/* no scratch slot for this CPU */
	/* Parameters cut to fit; the record is still sent (flagged). Not Falco's
	 * n_drops_max_event_size, which counts whole events dropped for size: Kestrel never drops
	 * for size. */
	unsigned long long n_drops_truncated;
	unsigned long long n_drops_bug; /* impossible state reached (counted, never fatal) */
};

/* Scratch layout (one per-CPU value): the record is assembled in rec[], paths are staged in
 * path[] while the dentry walk runs leaf to root. */
#define KES_REC_LIMIT 32768    /* largest record sent, a power of two (offset masks) */
#define KES_STR_MAX 4096       /* largest single variable-length parameter, a power of two */
#define KES_PATH_MAX 4096      /* largest path, including its NUL, a power of two */
#define KES_PATH_COMPONENTS 48 /* dentry walk bound */
#define KES_NAME_MAX 256       /* one path component, a power of two (d_name.len <= 255) */

/* Size of the `interesting` table: syscall numbers at or above it are never interesting. */
#define KES_SYSCALL_TABLE_SIZE 512

#endif
