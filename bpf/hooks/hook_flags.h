/* Falco's PPM encodings of the optional hooks' parameters (bpf/hooks/); plain C, the tests and
 * the evaluator include it too. */
#ifndef KESTREL_HOOK_FLAGS_H
#define KESTREL_HOOK_FLAGS_H

/* page_fault `error` (PPM_PF_*): one of each pair is always set, as in Falco's drivers. */
#define KES_PF_PROTECTION_VIOLATION (1 << 0)
#define KES_PF_PAGE_NOT_PRESENT (1 << 1)
#define KES_PF_WRITE_ACCESS (1 << 2)
#define KES_PF_READ_ACCESS (1 << 3)
#define KES_PF_USER_FAULT (1 << 4)
#define KES_PF_SUPERVISOR_FAULT (1 << 5)
#define KES_PF_RESERVED_PAGE (1 << 6)
#define KES_PF_INSTRUCTION_FETCH (1 << 7)

/* x86 page fault error code bits (arch/x86/include/asm/trap_pf.h X86_PF_*). */
#define KES_X86_PF_PROT (1 << 0)
#define KES_X86_PF_WRITE (1 << 1)
#define KES_X86_PF_USER (1 << 2)
#define KES_X86_PF_RSVD (1 << 3)
#define KES_X86_PF_INSTR (1 << 4)

/* The x86 error code as Falco's PPM page fault flags. */
static inline unsigned int kes_pf_flags(unsigned long code)
{
	unsigned int f = 0;
	f |= (code & KES_X86_PF_PROT) ? KES_PF_PROTECTION_VIOLATION : KES_PF_PAGE_NOT_PRESENT;
	f |= (code & KES_X86_PF_WRITE) ? KES_PF_WRITE_ACCESS : KES_PF_READ_ACCESS;
	f |= (code & KES_X86_PF_USER) ? KES_PF_USER_FAULT : KES_PF_SUPERVISOR_FAULT;
	if (code & KES_X86_PF_RSVD)
		f |= KES_PF_RESERVED_PAGE;
	if (code & KES_X86_PF_INSTR)
		f |= KES_PF_INSTRUCTION_FETCH;
	return f;
}

#endif
