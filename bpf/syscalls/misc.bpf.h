/* ptrace, setns, unshare, bpf, init_module, finit_module, userfaultfd, prctl, mprotect, kill
 * (and, with their schema events, tkill, tgkill, io_uring_setup/enter/register).
 *
 * Scalars come from the argument registers (saved at entry: not user memory). User memory is
 * read only where no kernel object holds the value at exit: init_module's image and arguments,
 * finit_module's arguments, a failed prctl(PR_SET_NAME)'s name, io_uring_setup's params
 * (bpf/README.md, "Kernel objects, not user memory"). Needs clone_flags_to_ppm (clone.bpf.h). */

#include "../proc_flags.h"

static __always_inline __u16 ptrace_request_to_ppm(long req)
{
	switch (req) {
	case 0:
		return KES_PTRACE_TRACEME;
	case 1:
		return KES_PTRACE_PEEKTEXT;
	case 2:
		return KES_PTRACE_PEEKDATA;
	case 3:
		return KES_PTRACE_PEEKUSR;
	case 4:
		return KES_PTRACE_POKETEXT;
	case 5:
		return KES_PTRACE_POKEDATA;
	case 6:
		return KES_PTRACE_POKEUSR;
	case 7:
		return KES_PTRACE_CONT;
	case 8:
		return KES_PTRACE_KILL;
	case 9:
		return KES_PTRACE_SINGLESTEP;
	case 12:
		return KES_PTRACE_GETREGS;
	case 13:
		return KES_PTRACE_SETREGS;
	case 14:
		return KES_PTRACE_GETFPREGS;
	case 15:
		return KES_PTRACE_SETFPREGS;
	case 16:
		return KES_PTRACE_ATTACH;
	case 17:
		return KES_PTRACE_DETACH;
	case 18:
		return KES_PTRACE_GETFPXREGS;
	case 19:
		return KES_PTRACE_SETFPXREGS;
	case 21:
		return KES_PTRACE_OLDSETOPTIONS;
	case 24:
		return KES_PTRACE_SYSCALL;
	case 25:
		return KES_PTRACE_GET_THREAD_AREA;
	case 26:
		return KES_PTRACE_SET_THREAD_AREA;
	case 30:
		return KES_PTRACE_ARCH_PRCTL;
	case 31:
		return KES_PTRACE_SYSEMU;
	case 32:
		return KES_PTRACE_SYSEMU_SINGLESTEP;
	case 33:
		return KES_PTRACE_SINGLEBLOCK;
	case 0x4200:
		return KES_PTRACE_SETOPTIONS;
	case 0x4201:
		return KES_PTRACE_GETEVENTMSG;
	case 0x4202:
		return KES_PTRACE_GETSIGINFO;
	case 0x4203:
		return KES_PTRACE_SETSIGINFO;
	case 0x4204:
		return KES_PTRACE_GETREGSET;
	case 0x4205:
		return KES_PTRACE_SETREGSET;
	case 0x4206:
		return KES_PTRACE_SEIZE;
	case 0x4207:
		return KES_PTRACE_INTERRUPT;
	case 0x4208:
		return KES_PTRACE_LISTEN;
	case 0x4209:
		return KES_PTRACE_PEEKSIGINFO;
	case 0x420a:
		return KES_PTRACE_GETSIGMASK;
	case 0x420b:
		return KES_PTRACE_SETSIGMASK;
	default:
		return KES_PTRACE_UNKNOWN;
	}
}

static __always_inline __u32 prot_to_ppm(__u64 prot)
{
	__u32 p = 0;
	p |= (prot & 0x1) ? KES_PROT_READ : 0;
	p |= (prot & 0x2) ? KES_PROT_WRITE : 0;
	p |= (prot & 0x4) ? KES_PROT_EXEC : 0;
	p |= (prot & 0x8) ? KES_PROT_SEM : 0;
	p |= (prot & 0x01000000) ? KES_PROT_GROWSDOWN : 0;
	p |= (prot & 0x02000000) ? KES_PROT_GROWSUP : 0;
	p |= (prot & 0x10) ? KES_PROT_SAO : 0;
	return p;
}

/* Starts a record of this family; `res` is pushed by the caller (not always parameter 0). */
static __always_inline int misc_rec_start(struct rec *r, __u16 evt, __u16 nparams)
{
	struct kes_scratch *s = scratch_get(0);
	if (!s)
		return -1;
	return rec_init(r, s, evt, nparams);
}

static __always_inline void misc_rec_submit(struct rec *r)
{
	__u64 id = bpf_get_current_pid_tgid();
	rec_submit(r, (__u32)id, id >> 32, KES_DROP_OTHER);
}

/* ptrace(request, pid, addr, data): addr and data are the raw arguments (Falco decodes them
 * into a typed dynamic parameter; the schema keeps the raw values). */
KES_EXIT_PROG(ptrace)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_PTRACE, KES_PTRACE_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_PTRACE_RES, ret);
	rec_push_u64(&r, KES_P_PTRACE_ADDR, regs->dx);
	rec_push_u64(&r, KES_P_PTRACE_DATA, regs->r10);
	rec_push_u16(&r, KES_P_PTRACE_REQUEST, ptrace_request_to_ppm(regs->di));
	rec_push_s64(&r, KES_P_PTRACE_PID, (int)regs->si);
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(setns)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_SETNS, KES_SETNS_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_SETNS_RES, ret);
	rec_push_s64(&r, KES_P_SETNS_FD, (int)regs->di);
	rec_push_u32(&r, KES_P_SETNS_NSTYPE, clone_flags_to_ppm((__u32)regs->si));
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(unshare)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_UNSHARE, KES_UNSHARE_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_UNSHARE_RES, ret);
	rec_push_u32(&r, KES_P_UNSHARE_FLAGS, clone_flags_to_ppm((__u32)regs->di));
	misc_rec_submit(&r);
	return 0;
}

/* bpf(cmd, attr, size): fd = the result; cmd as Linux numbers it (Falco's PPM_BPF_* equal). */
KES_EXIT_PROG(bpf)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_BPF, KES_BPF_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_BPF_FD, ret);
	rec_push_u32(&r, KES_P_BPF_CMD, (__u32)regs->di);
	misc_rec_submit(&r);
	return 0;
}

/* init_module(image, len, uargs): the kernel's copy of the image is freed by exit, so the
 * first bytes come from the caller's buffer (user memory), as do the arguments. */
KES_EXIT_PROG(init_module)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_INIT_MODULE, KES_INIT_MODULE_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_INIT_MODULE_RES, ret);
	rec_push_bytes(&r, KES_P_INIT_MODULE_IMG, (const void *)regs->di, regs->si, 1);
	rec_push_u64(&r, KES_P_INIT_MODULE_LENGTH, regs->si);
	rec_push_str(&r, KES_P_INIT_MODULE_UARGS, (const void *)regs->dx, 1);
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(finit_module)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_FINIT_MODULE, KES_FINIT_MODULE_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_FINIT_MODULE_RES, ret);
	rec_push_s64(&r, KES_P_FINIT_MODULE_FD, (int)regs->di);
	rec_push_str(&r, KES_P_FINIT_MODULE_UARGS, (const void *)regs->si, 1);
	rec_push_u32(&r, KES_P_FINIT_MODULE_FLAGS, (__u32)regs->dx & 0x7);
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(userfaultfd)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_USERFAULTFD, KES_USERFAULTFD_NPARAMS))
		return 0;
	__u32 flags = (__u32)regs->di;
	rec_push_s64(&r, KES_P_USERFAULTFD_RES, ret);
	rec_push_u32(&r, KES_P_USERFAULTFD_FLAGS,
		     ((flags & 04000) ? KES_UFFD_NONBLOCK : 0) |
			 ((flags & 02000000) ? KES_UFFD_CLOEXEC : 0));
	misc_rec_submit(&r);
	return 0;
}

#define KES_PR_SET_NAME 15
#define KES_PR_GET_NAME 16
#define KES_PR_SET_CHILD_SUBREAPER 36
#define KES_PR_GET_CHILD_SUBREAPER 37

/* prctl(option, arg2, ...): option as Linux numbers it (Falco's PPM_PR_* equal). The name of
 * PR_SET_NAME/PR_GET_NAME is the thread's comm after a successful call (what the kernel set or
 * copied out, cut at 15 bytes), the caller's buffer only after a failed one; the subreaper flag
 * of PR_GET_CHILD_SUBREAPER is the kernel's (signal->is_child_subreaper). */
KES_EXIT_PROG(prctl)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_PRCTL, KES_PRCTL_NPARAMS))
		return 0;
	__u32 option = (__u32)regs->di;
	unsigned long arg2 = regs->si;
	rec_push_s64(&r, KES_P_PRCTL_RES, ret);
	rec_push_u32(&r, KES_P_PRCTL_OPTION, option);
	if (option == KES_PR_SET_NAME || option == KES_PR_GET_NAME) {
		if (ret == 0) {
			char comm[16];
			bpf_get_current_comm(comm, sizeof(comm));
			rec_push_str(&r, KES_P_PRCTL_ARG2_STR, comm, 0);
		} else {
			rec_push_str(&r, KES_P_PRCTL_ARG2_STR, (const void *)arg2, 1);
		}
		rec_push_s64(&r, KES_P_PRCTL_ARG2_INT, 0);
	} else if (option == KES_PR_GET_CHILD_SUBREAPER && ret == 0) {
		struct task_struct *task = bpf_get_current_task_btf();
		struct signal_struct *sig = BPF_CORE_READ(task, signal);
		rec_push_s64(&r, KES_P_PRCTL_ARG2_INT,
			     BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper));
	} else {
		rec_push_s64(&r, KES_P_PRCTL_ARG2_INT, (__s64)arg2);
	}
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(mprotect)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_MPROTECT, KES_MPROTECT_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_MPROTECT_RES, ret);
	rec_push_u64(&r, KES_P_MPROTECT_ADDR, regs->di);
	rec_push_u64(&r, KES_P_MPROTECT_LENGTH, regs->si);
	rec_push_u32(&r, KES_P_MPROTECT_PROT, prot_to_ppm(regs->dx));
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(kill)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_KILL, KES_KILL_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_KILL_RES, ret);
	rec_push_s64(&r, KES_P_KILL_PID, (int)regs->di);
	rec_push_u8(&r, KES_P_KILL_SIG, (__u8)regs->si);
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(tkill)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_TKILL, KES_TKILL_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_TKILL_RES, ret);
	rec_push_s64(&r, KES_P_TKILL_TID, (int)regs->di);
	rec_push_u8(&r, KES_P_TKILL_SIG, (__u8)regs->si);
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(tgkill)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_TGKILL, KES_TGKILL_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_TGKILL_RES, ret);
	rec_push_s64(&r, KES_P_TGKILL_PID, (int)regs->di);
	rec_push_s64(&r, KES_P_TGKILL_TID, (int)regs->si);
	rec_push_u8(&r, KES_P_TGKILL_SIG, (__u8)regs->dx);
	misc_rec_submit(&r);
	return 0;
}

/* Linux IORING_SETUP_* (bits 0..6) → Falco's PPM bits (bit 2 of Falco's set is SQ_NEED_WAKEUP,
 * which io_uring_setup never takes). */
static __always_inline __u32 io_uring_setup_flags_to_ppm(__u32 f)
{
	__u32 p = 0;
	p |= (f & (1 << 0)) ? KES_IORING_SETUP_IOPOLL : 0;
	p |= (f & (1 << 1)) ? KES_IORING_SETUP_SQPOLL : 0;
	p |= (f & (1 << 2)) ? KES_IORING_SETUP_SQ_AFF : 0;
	p |= (f & (1 << 3)) ? KES_IORING_SETUP_CQSIZE : 0;
	p |= (f & (1 << 4)) ? KES_IORING_SETUP_CLAMP : 0;
	p |= (f & (1 << 5)) ? KES_IORING_SETUP_ATTACH_WQ : 0;
	p |= (f & (1 << 6)) ? KES_IORING_SETUP_R_DISABLED : 0;
	return p;
}

/* The offsets of struct io_uring_params (uapi, stable): sq_entries 0, cq_entries 4, flags 8,
 * sq_thread_cpu 12, sq_thread_idle 16, features 20. */
struct kes_io_uring_params {
	__u32 sq_entries;
	__u32 cq_entries;
	__u32 flags;
	__u32 sq_thread_cpu;
	__u32 sq_thread_idle;
	__u32 features;
};

/* io_uring_setup(entries, params): the params struct is user memory, which the kernel filled
 * with the sizes and features it chose before returning (read at exit: what it wrote). */
KES_EXIT_PROG(io_uring_setup)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_IO_URING_SETUP, KES_IO_URING_SETUP_NPARAMS))
		return 0;
	struct kes_io_uring_params p = {};
	bpf_probe_read_user(&p, sizeof(p), (const void *)regs->si);
	rec_push_s64(&r, KES_P_IO_URING_SETUP_RES, ret);
	rec_push_u32(&r, KES_P_IO_URING_SETUP_ENTRIES, (__u32)regs->di);
	rec_push_u32(&r, KES_P_IO_URING_SETUP_SQ_ENTRIES, p.sq_entries);
	rec_push_u32(&r, KES_P_IO_URING_SETUP_CQ_ENTRIES, p.cq_entries);
	rec_push_u32(&r, KES_P_IO_URING_SETUP_FLAGS, io_uring_setup_flags_to_ppm(p.flags));
	rec_push_u32(&r, KES_P_IO_URING_SETUP_SQ_THREAD_CPU, p.sq_thread_cpu);
	rec_push_u32(&r, KES_P_IO_URING_SETUP_SQ_THREAD_IDLE, p.sq_thread_idle);
	rec_push_u32(&r, KES_P_IO_URING_SETUP_FEATURES, p.features & KES_IORING_FEAT_MASK);
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(io_uring_enter)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_IO_URING_ENTER, KES_IO_URING_ENTER_NPARAMS))
		return 0;
	rec_push_s64(&r, KES_P_IO_URING_ENTER_RES, ret);
	rec_push_s64(&r, KES_P_IO_URING_ENTER_FD, (int)regs->di);
	rec_push_u32(&r, KES_P_IO_URING_ENTER_TO_SUBMIT, (__u32)regs->si);
	rec_push_u32(&r, KES_P_IO_URING_ENTER_MIN_COMPLETE, (__u32)regs->dx);
	rec_push_u32(&r, KES_P_IO_URING_ENTER_FLAGS, (__u32)regs->r10 & KES_IORING_ENTER_MASK);
	rec_push_u32(&r, KES_P_IO_URING_ENTER_SIG, (__u32)regs->r8);
	misc_rec_submit(&r);
	return 0;
}

KES_EXIT_PROG(io_uring_register)
{
	struct rec r;
	if (misc_rec_start(&r, KES_EVT_IO_URING_REGISTER, KES_IO_URING_REGISTER_NPARAMS))
		return 0;
	__u32 opcode = (__u32)regs->si;
	rec_push_s64(&r, KES_P_IO_URING_REGISTER_RES, ret);
	rec_push_s64(&r, KES_P_IO_URING_REGISTER_FD, (int)regs->di);
	/* Falco's PPM_IORING_REGISTER_* numbers equal Linux's (0..21): the opcode as passed. */
	rec_push_u16(&r, KES_P_IO_URING_REGISTER_OPCODE, (__u16)opcode);
	rec_push_u64(&r, KES_P_IO_URING_REGISTER_ARG, regs->dx);
	rec_push_u32(&r, KES_P_IO_URING_REGISTER_NR_ARGS, (__u32)regs->r10);
	misc_rec_submit(&r);
	return 0;
}
