/* Falco's PPM encodings of the process/credential/misc syscall parameters that the schema does
 * not generate (ptrace requests, memory protection, module flags, io_uring flags and opcodes).
 * Plain defines: the bpf tests include this header too. Values from Falco's
 * driver/ppm_events_public.h (libs 0.22). */
#ifndef KESTREL_PROC_FLAGS_H
#define KESTREL_PROC_FLAGS_H

/* ptrace requests (PPM_PTRACE_*): an enum, unlike Linux's sparse numbering. */
#define KES_PTRACE_UNKNOWN 0
#define KES_PTRACE_TRACEME 1
#define KES_PTRACE_PEEKTEXT 2
#define KES_PTRACE_PEEKDATA 3
#define KES_PTRACE_PEEKUSR 4
#define KES_PTRACE_POKETEXT 5
#define KES_PTRACE_POKEDATA 6
#define KES_PTRACE_POKEUSR 7
#define KES_PTRACE_CONT 8
#define KES_PTRACE_KILL 9
#define KES_PTRACE_SINGLESTEP 10
#define KES_PTRACE_ATTACH 11
#define KES_PTRACE_DETACH 12
#define KES_PTRACE_SYSCALL 13
#define KES_PTRACE_SETOPTIONS 14
#define KES_PTRACE_GETEVENTMSG 15
#define KES_PTRACE_GETSIGINFO 16
#define KES_PTRACE_SETSIGINFO 17
#define KES_PTRACE_GETREGSET 18
#define KES_PTRACE_SETREGSET 19
#define KES_PTRACE_SEIZE 20
#define KES_PTRACE_INTERRUPT 21
#define KES_PTRACE_LISTEN 22
#define KES_PTRACE_PEEKSIGINFO 23
#define KES_PTRACE_GETSIGMASK 24
#define KES_PTRACE_SETSIGMASK 25
#define KES_PTRACE_GETREGS 26
#define KES_PTRACE_SETREGS 27
#define KES_PTRACE_GETFPREGS 28
#define KES_PTRACE_SETFPREGS 29
#define KES_PTRACE_GETFPXREGS 30
#define KES_PTRACE_SETFPXREGS 31
#define KES_PTRACE_OLDSETOPTIONS 32
#define KES_PTRACE_GET_THREAD_AREA 33
#define KES_PTRACE_SET_THREAD_AREA 34
#define KES_PTRACE_ARCH_PRCTL 35
#define KES_PTRACE_SYSEMU 36
#define KES_PTRACE_SYSEMU_SINGLESTEP 37
#define KES_PTRACE_SINGLEBLOCK 38

/* mprotect prot (PPM_PROT_*). */
#define KES_PROT_NONE 0
#define KES_PROT_READ (1 << 0)
#define KES_PROT_WRITE (1 << 1)
#define KES_PROT_EXEC (1 << 2)
#define KES_PROT_SEM (1 << 3)
#define KES_PROT_GROWSDOWN (1 << 4)
#define KES_PROT_GROWSUP (1 << 5)
#define KES_PROT_SAO (1 << 6)

/* finit_module flags (PPM_MODULE_INIT_*): the Linux bits. */
#define KES_MODULE_INIT_IGNORE_MODVERSIONS (1 << 0)
#define KES_MODULE_INIT_IGNORE_VERMAGIC (1 << 1)
#define KES_MODULE_INIT_COMPRESSED_FILE (1 << 2)

/* userfaultfd flags (PPM_O_* bits of open's encoding, plus user-mode-only). */
#define KES_UFFD_NONBLOCK (1 << 6) /* KES_O_NONBLOCK */
#define KES_UFFD_CLOEXEC (1 << 12) /* KES_O_CLOEXEC */

/* io_uring_setup flags (PPM_IORING_SETUP_*; bit 2 is Falco's SQ_NEED_WAKEUP). */
#define KES_IORING_SETUP_IOPOLL (1 << 0)
#define KES_IORING_SETUP_SQPOLL (1 << 1)
#define KES_IORING_SQ_NEED_WAKEUP (1 << 2)
#define KES_IORING_SETUP_SQ_AFF (1 << 3)
#define KES_IORING_SETUP_CQSIZE (1 << 4)
#define KES_IORING_SETUP_CLAMP (1 << 5)
#define KES_IORING_SETUP_ATTACH_WQ (1 << 6)
#define KES_IORING_SETUP_R_DISABLED (1 << 7)
/* io_uring_setup features (PPM_IORING_FEAT_*) and io_uring_enter flags
 * (PPM_IORING_ENTER_*) equal the Linux bits they cover (features 0..10, enter flags 0..3);
 * io_uring_register opcodes (PPM_IORING_REGISTER_*) equal Linux's 0..21. */
#define KES_IORING_FEAT_MASK 0x7ffU
#define KES_IORING_ENTER_MASK 0xfU
#define KES_IORING_REGISTER_MAX 21

#endif
