/* Helpers on files and fds of the current task, and Falco's encodings of open flags and device
 * numbers, shared by every syscall family (bpf/syscalls/). */
#ifndef KESTREL_FILE_H
#define KESTREL_FILE_H

#include "maps.h"

#define KES_O_CREAT_LNX 00000100
#define KES_O_TMPFILE_LNX 020200000
#define KES_FMODE_CREATED (1 << 20)

/* bpf_rdonly_cast (kernel 6.2+): turns a kernel address into a read-only BTF pointer of the given
 * type. Loads through it are plain memory loads the JIT guards with an exception table entry (a
 * bad address reads 0), not bpf_probe_read_kernel() helper calls: on the hot path (open, the
 * dentry walk) each helper call saved is ~10-20 ns, more on CPUs whose kernel returns through a
 * mitigation thunk. The verifier rewrites the call itself into a register move. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define KES_KPTR(type, p)                                                                          \
	((type *)bpf_rdonly_cast((const void *)(p), bpf_core_type_id_kernel(type)))

/* The struct file at `fd` of `task` (a read-only BTF pointer: read its fields directly), or NULL.
 * One helper call: the slot of a variable index cannot be a direct load (the verifier allows
 * only constant offsets into BTF objects). */
static __always_inline struct file *fd_to_file(struct task_struct *task, long fd)
{
	if (fd < 0)
		return NULL;
	struct fdtable *fdt = KES_KPTR(struct task_struct, task)->files->fdt;
	if (!fdt)
		return NULL;
	if (fd >= fdt->max_fds)
		return NULL;
	struct file **fds = fdt->fd;
	struct file *f = NULL;
	if (fds)
		bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f ? KES_KPTR(struct file, f) : NULL;
}

/* Falco's PPM open flags (driver/ppm_flag_helpers.h semantics, values from the schema). */
static __always_inline __u32 open_flags_to_ppm(__u32 flags)
{
	__u32 res = 0;
	switch (flags & 3) {
	case 1:
		res |= KES_O_WRONLY;
		break;
	case 2:
		res |= KES_O_RDWR;
		break;
	default:
		res |= KES_O_RDONLY;
		break;
	}
	if (flags & 00000100)
		res |= KES_O_CREAT;
	if (flags & 00002000)
		res |= KES_O_APPEND;
	if (flags & 00010000)
		res |= KES_O_DSYNC;
	if (flags & 00000200)
		res |= KES_O_EXCL;
	if (flags & 00004000)
		res |= KES_O_NONBLOCK;
	if (flags & 04000000)
		res |= KES_O_SYNC;
	if (flags & 00001000)
		res |= KES_O_TRUNC;
	if (flags & 00040000)
		res |= KES_O_DIRECT;
	if (flags & 00200000)
		res |= KES_O_DIRECTORY;
	if (flags & 00100000)
		res |= KES_O_LARGEFILE;
	if (flags & 02000000)
		res |= KES_O_CLOEXEC;
	if (flags & 020000000)
		res |= KES_O_TMPFILE;
	return res;
}

/* Falco's encoding of a dev_t (new_encode_dev), from the kernel's MAJOR/MINOR split (20 bits). */
static __always_inline __u32 encode_dev(__u32 dev)
{
	__u32 major = dev >> 20;
	__u32 minor = dev & ((1U << 20) - 1);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

#endif
