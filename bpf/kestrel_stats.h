/* Shared between the probe and userspace (C and C++): the layout of the per-CPU counters map
 * and the scratch sizes. Names follow Falco's scap stats (libpman stats.c) where one exists. */
#ifndef KESTREL_STATS_H
#define KESTREL_STATS_H

/* One value of the per-CPU `counters` map. Userspace sums it over the possible CPUs. */
struct kes_counters {
	unsigned long long n_evts;		 /* records written into a ring */
	unsigned long long n_drops_buffer_total; /* ring full: bpf_ringbuf_output failed */
	/* ... of which, by Falco's syscall categories (libpman's drop counters; Kestrel has no
	 * enter events, so only the _exit ones exist): */
	unsigned long long n_drops_buffer_clone_fork_exit;     /* clone, clone3, fork, vfork */
	unsigned long long n_drops_buffer_execve_exit;	       /* execve, execveat */
	unsigned long long n_drops_buffer_connect_exit;	       /* connect */
	unsigned long long n_drops_buffer_open_exit;	       /* open family, creat */
	unsigned long long n_drops_buffer_dir_file_exit;       /* mkdir, rename, unlink, link ... */
	unsigned long long n_drops_buffer_other_interest_exit; /* every other syscall */
	unsigned long long n_drops_buffer_close_exit;	       /* close */
	unsigned long long n_drops_buffer_proc_exit;	       /* procexit (sched_process_exit) */
	unsigned long long n_drops_scratch_map;		       /* no scratch slot for this CPU */
	/* Parameters cut to fit; the record is still sent (flagged). Not Falco's
	 * n_drops_max_event_size, which counts whole events dropped for size: Kestrel never drops
	 * for size. */
	unsigned long long n_drops_truncated;
	unsigned long long n_drops_bug; /* impossible state reached (counted, never fatal) */
};

/* The category a record's buffer drop is counted under (rec_submit). */
enum kes_drop_category {
	KES_DROP_CLONE_FORK,
	KES_DROP_EXECVE,
	KES_DROP_CONNECT,
	KES_DROP_OPEN,
	KES_DROP_DIR_FILE,
	KES_DROP_OTHER,
	KES_DROP_CLOSE,
	KES_DROP_PROC,
	/* Only n_drops_buffer_total: Falco's drivers give the tracepoint hooks (page_fault,
	 * switch, signaldeliver) no category of their own. */
	KES_DROP_TOTAL_ONLY,
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
