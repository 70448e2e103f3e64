/* Falco's PPM encodings of the flag parameters of the file and fd syscalls
 * (bpf/syscalls/fs.bpf.h, fd.bpf.h), with the kernel values they come from. Plain defines and
 * inline functions on integers only: the bpf tests include it too.
 *
 * Values: Falco's driver/ppm_events_public.h and ppm_flag_helpers.h (libs), the kernel's UAPI. */
#ifndef KESTREL_FS_FLAGS_H
#define KESTREL_FS_FLAGS_H

/* unlinkat: PPM_AT_REMOVEDIR (the same value as the kernel's AT_REMOVEDIR). */
#define KES_AT_REMOVEDIR_LNX 0x200
#define KES_PPM_AT_REMOVEDIR 0x200

/* linkat: PPM_AT_SYMLINK_FOLLOW, PPM_AT_EMPTY_PATH (kernel values too). */
#define KES_AT_SYMLINK_FOLLOW_LNX 0x400
#define KES_AT_EMPTY_PATH_LNX 0x1000
#define KES_PPM_AT_SYMLINK_FOLLOW 0x400
#define KES_PPM_AT_EMPTY_PATH 0x1000

/* renameat2: PPM_RENAME_* from the kernel's RENAME_NOREPLACE/EXCHANGE/WHITEOUT (1, 2, 4). */
#define KES_PPM_RENAME_NOREPLACE (1 << 0)
#define KES_PPM_RENAME_EXCHANGE (1 << 1)
#define KES_PPM_RENAME_WHITEOUT (1 << 2)

/* mount: the magic number old callers put in the high 16 bits (MS_MGC_VAL). */
#define KES_MS_MGC_MSK 0xffff0000u
#define KES_MS_MGC_VAL 0xC0ED0000u

/* umount2: PPM_MNT_FORCE, PPM_MNT_DETACH, PPM_MNT_EXPIRE, PPM_UMOUNT_NOFOLLOW (= kernel bits). */
#define KES_PPM_MNT_FORCE (1 << 0)
#define KES_PPM_MNT_DETACH (1 << 1)
#define KES_PPM_MNT_EXPIRE (1 << 2)
#define KES_PPM_UMOUNT_NOFOLLOW (1 << 3)

/* memfd_create: PPM_MFD_*. */
#define KES_PPM_MFD_CLOEXEC (1 << 0)
#define KES_PPM_MFD_ALLOW_SEALING (1 << 1)
#define KES_PPM_MFD_HUGETLB (1 << 2)

/* close_range: PPM_CLOSE_RANGE_* from the kernel's CLOSE_RANGE_UNSHARE (1 << 1) and
 * CLOSE_RANGE_CLOEXEC (1 << 2). */
#define KES_PPM_CLOSE_RANGE_UNSHARE (1 << 0)
#define KES_PPM_CLOSE_RANGE_CLOEXEC (1 << 1)

/* Kernel values of the flags that reuse open flags (pipe2, eventfd2, signalfd4, inotify_init1,
 * dup3, timerfd_create). */
#define KES_O_NONBLOCK_LNX 00004000
#define KES_O_DIRECT_LNX 00040000
#define KES_O_CLOEXEC_LNX 02000000

/* PPM fcntl commands (PPM_FCNTL_*). */
#define KES_PPM_FCNTL_UNKNOWN 0
#define KES_PPM_FCNTL_F_DUPFD 1
#define KES_PPM_FCNTL_F_GETFD 2
#define KES_PPM_FCNTL_F_SETFD 3
#define KES_PPM_FCNTL_F_GETFL 4
#define KES_PPM_FCNTL_F_SETFL 5
#define KES_PPM_FCNTL_F_GETLK 6
#define KES_PPM_FCNTL_F_SETLK 8
#define KES_PPM_FCNTL_F_SETLKW 9
#define KES_PPM_FCNTL_F_SETOWN 10
#define KES_PPM_FCNTL_F_GETOWN 12
#define KES_PPM_FCNTL_F_SETSIG 13
#define KES_PPM_FCNTL_F_GETSIG 15
#define KES_PPM_FCNTL_F_SETOWN_EX 21
#define KES_PPM_FCNTL_F_GETOWN_EX 22
#define KES_PPM_FCNTL_F_SETLEASE 23
#define KES_PPM_FCNTL_F_GETLEASE 24
#define KES_PPM_FCNTL_F_CANCELLK 25
#define KES_PPM_FCNTL_F_DUPFD_CLOEXEC 26
#define KES_PPM_FCNTL_F_NOTIFY 27
#define KES_PPM_FCNTL_F_SETPIPE_SZ 28
#define KES_PPM_FCNTL_F_GETPIPE_SZ 29
#define KES_PPM_FCNTL_F_OFD_GETLK 30
#define KES_PPM_FCNTL_F_OFD_SETLK 31
#define KES_PPM_FCNTL_F_OFD_SETLKW 32

static inline __attribute__((always_inline)) unsigned int rename_flags_to_ppm(unsigned int f)
{
	unsigned int res = 0;
	if (f & 1)
		res |= KES_PPM_RENAME_NOREPLACE;
	if (f & 2)
		res |= KES_PPM_RENAME_EXCHANGE;
	if (f & 4)
		res |= KES_PPM_RENAME_WHITEOUT;
	return res;
}

static inline __attribute__((always_inline)) unsigned int linkat_flags_to_ppm(unsigned int f)
{
	unsigned int res = 0;
	if (f & KES_AT_SYMLINK_FOLLOW_LNX)
		res |= KES_PPM_AT_SYMLINK_FOLLOW;
	if (f & KES_AT_EMPTY_PATH_LNX)
		res |= KES_PPM_AT_EMPTY_PATH;
	return res;
}

/* O_NONBLOCK / O_CLOEXEC (and O_DIRECT for pipe2) as PPM open bits; a negative value (an
 * invalid argument) maps to 0, as in Falco. Bit values: KES_O_NONBLOCK (1 << 6), KES_O_DIRECT
 * (1 << 9), KES_O_CLOEXEC (1 << 12). */
static inline __attribute__((always_inline)) unsigned int nonblock_cloexec_to_ppm(int f, int direct)
{
	unsigned int res = 0;
	if (f < 0)
		return 0;
	if (f & KES_O_NONBLOCK_LNX)
		res |= 1u << 6;
	if (f & KES_O_CLOEXEC_LNX)
		res |= 1u << 12;
	if (direct && (f & KES_O_DIRECT_LNX))
		res |= 1u << 9;
	return res;
}

static inline __attribute__((always_inline)) unsigned int memfd_flags_to_ppm(unsigned int f)
{
	unsigned int res = 0;
	if (f & 0x1) /* MFD_CLOEXEC */
		res |= KES_PPM_MFD_CLOEXEC;
	if (f & 0x2) /* MFD_ALLOW_SEALING */
		res |= KES_PPM_MFD_ALLOW_SEALING;
	if (f & 0x4) /* MFD_HUGETLB */
		res |= KES_PPM_MFD_HUGETLB;
	return res;
}

static inline __attribute__((always_inline)) unsigned int close_range_flags_to_ppm(unsigned int f)
{
	unsigned int res = 0;
	if (f & (1u << 1))
		res |= KES_PPM_CLOSE_RANGE_UNSHARE;
	if (f & (1u << 2))
		res |= KES_PPM_CLOSE_RANGE_CLOEXEC;
	return res;
}

/* x86_64 fcntl command numbers → PPM_FCNTL_*. */
static inline __attribute__((always_inline)) unsigned char fcntl_cmd_to_ppm(unsigned int cmd)
{
	switch (cmd) {
	case 0:
		return KES_PPM_FCNTL_F_DUPFD;
	case 1:
		return KES_PPM_FCNTL_F_GETFD;
	case 2:
		return KES_PPM_FCNTL_F_SETFD;
	case 3:
		return KES_PPM_FCNTL_F_GETFL;
	case 4:
		return KES_PPM_FCNTL_F_SETFL;
	case 5:
		return KES_PPM_FCNTL_F_GETLK;
	case 6:
		return KES_PPM_FCNTL_F_SETLK;
	case 7:
		return KES_PPM_FCNTL_F_SETLKW;
	case 8:
		return KES_PPM_FCNTL_F_SETOWN;
	case 9:
		return KES_PPM_FCNTL_F_GETOWN;
	case 10:
		return KES_PPM_FCNTL_F_SETSIG;
	case 11:
		return KES_PPM_FCNTL_F_GETSIG;
	case 15:
		return KES_PPM_FCNTL_F_SETOWN_EX;
	case 16:
		return KES_PPM_FCNTL_F_GETOWN_EX;
	case 36:
		return KES_PPM_FCNTL_F_OFD_GETLK;
	case 37:
		return KES_PPM_FCNTL_F_OFD_SETLK;
	case 38:
		return KES_PPM_FCNTL_F_OFD_SETLKW;
	case 1024:
		return KES_PPM_FCNTL_F_SETLEASE;
	case 1025:
		return KES_PPM_FCNTL_F_GETLEASE;
	case 1026:
		return KES_PPM_FCNTL_F_NOTIFY;
	case 1029:
		return KES_PPM_FCNTL_F_CANCELLK;
	case 1030:
		return KES_PPM_FCNTL_F_DUPFD_CLOEXEC;
	case 1031:
		return KES_PPM_FCNTL_F_SETPIPE_SZ;
	case 1032:
		return KES_PPM_FCNTL_F_GETPIPE_SZ;
	default:
		return KES_PPM_FCNTL_UNKNOWN;
	}
}

#endif
