/* The initial-state iterators' records (bpf/iter/kestrel_iter.bpf.c), shared with userspace
 * (src/capture/task_iter.cpp). Plain C: the BPF object and C++ both include it.
 *
 * Each record has the probe's wire layout (schema/README.md): struct kes_event_header (tid,
 * pid, comm of the task described; `type` below; ts_ns 0), the u16 lengths array, then the
 * parameters in the order of their index. A parameter of length 0 is absent. Records follow each
 * other in the iterator's fd with no padding. */
#ifndef KESTREL_ITER_H
#define KESTREL_ITER_H

/* kes_event_header.type of iterator records (not event ids: these never reach event::decode). */
#define KES_ITER_REC_TASK 1
#define KES_ITER_REC_FILE 2

/* The largest record written: the iterator's seq_file buffer is 8 pages and one object must fit
 * in an empty buffer, else the whole read fails with E2BIG. Larger records are dropped and
 * counted (n_drops_max_event_size). */
#define KES_ITER_REC_MAX 30000

/* Task record parameters (one per thread; the process fields only for the group leader). */
enum kes_iter_task_param {
	KES_IT_PTID = 0,      /* s64: real_parent's tgid (/proc's ppid) */
	KES_IT_VTID = 1,      /* s64: tid in the task's own pid namespace */
	KES_IT_VPID = 2,      /* s64 */
	KES_IT_SID = 3,	      /* s64 */
	KES_IT_PGID = 4,      /* s64 */
	KES_IT_VPGID = 5,     /* s64 */
	KES_IT_UID = 6,	      /* u32: effective */
	KES_IT_GID = 7,	      /* u32: effective */
	KES_IT_LOGINUID = 8,  /* u32 */
	KES_IT_CAP_INH = 9,   /* u64 */
	KES_IT_CAP_PRM = 10,  /* u64 */
	KES_IT_CAP_EFF = 11,  /* u64 */
	KES_IT_TTY = 12,      /* u32: Falco's new_encode_dev */
	KES_IT_FDLIMIT = 13,  /* s64: RLIMIT_NOFILE soft limit (leader) */
	KES_IT_START_TS = 14, /* u64: start_boottime, ns since boot */
	KES_IT_FLAGS = 15,    /* u32: KES_IT_F_* */
	KES_IT_EXE_INO = 16,  /* u64 (leader) */
	KES_IT_EXE_CTIME = 17,
	KES_IT_EXE_MTIME = 18,
	KES_IT_EXE_FLAGS = 19, /* u32: KES_EXE_* as execve's `flags` (leader) */
	KES_IT_EXEPATH = 20,   /* path of mm->exe_file (leader) */
	KES_IT_ARGS = 21,      /* argv, NUL-separated, argv[0] included (leader, <= 4 KiB) */
	KES_IT_ENV = 22,       /* environ, NUL-separated (leader, <= 4 KiB) */
	KES_IT_CWD = 23,       /* fs->pwd (leader) */
	KES_IT_CGROUPS = 24,   /* "subsys=path\0" entries, as execve's `cgroups` (leader) */
	KES_IT_NPARAMS = 25,
};

#define KES_IT_F_KTHREAD (1 << 0)   /* PF_KTHREAD: no user memory, no exe */
#define KES_IT_F_LEADER (1 << 1)    /* tid == tgid: process fields present */
#define KES_IT_F_MM_UNREAD (1 << 2) /* args/env could not be read (a fault) */

/* File record parameters (one per fd of each process; threads sharing the table are skipped
 * by the kernel's task_file iterator). Header tid and pid are the process's tgid. */
enum kes_iter_file_param {
	KES_IF_FD = 0,	  /* s64 */
	KES_IF_KIND = 1,  /* u32: enum kes_iter_file_kind */
	KES_IF_FLAGS = 2, /* u32: PPM open flags (KES_O_*) from f_flags, KES_O_CLOEXEC from the
			   * fd table's close_on_exec bit (as /proc/PID/fdinfo reports it) */
	KES_IF_DEV = 3,	  /* u32: Falco's new_encode_dev of the superblock's s_dev */
	KES_IF_INO = 4,	  /* u64 */
	KES_IF_NAME = 5,  /* path (files, directories), bare pseudo name (memfd, anon inodes) */
	KES_IF_TUPLE = 6, /* sockets: connect's socktuple layout, local side first */
	KES_IF_SOCK = 7,  /* sockets: u8[4] = family, sk_type, sk_protocol, listening (TCP) */
	KES_IF_NPARAMS = 8,
};

/* Falco's task_file counter kinds (libpman; metrics::kTaskFileKinds order), then the rest. */
enum kes_iter_file_kind {
	KES_IFK_PIPE = 0,
	KES_IFK_MEMFD = 1,
	KES_IFK_REGULAR = 2, /* also character and block devices */
	KES_IFK_DIRECTORY = 3,
	KES_IFK_SOCKET_INET = 4,
	KES_IFK_SOCKET_INET6 = 5,
	KES_IFK_SOCKET_UNIX = 6,
	KES_IFK_SOCKET_NETLINK = 7,
	KES_IFK_ANON_INODE = 8,
	KES_IFK_OTHER = 9, /* another socket family, a file the kinds above do not describe */
	KES_IFK_COUNT = 10,
};

/* Counters, in the object's .bss (Falco's kernel_iter_event_counters). */
struct kes_iter_counters {
	__u64 n_evts_task;
	__u64 n_evts_task_file[KES_IFK_COUNT];
	__u64 n_drops_max_event_size;
	__u64 n_drops_task;
	__u64 n_drops_task_file[KES_IFK_COUNT];
};

#endif
