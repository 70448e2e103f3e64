/* page_fault: exceptions/page_fault_user and page_fault_kernel (x86; other architectures have no
 * such tracepoints, and the feature probe then leaves the event off). The record belongs to
 * the faulting thread (current). */

static __always_inline int emit_page_fault(enum kes_hook hook, unsigned long address,
					   struct pt_regs *regs, unsigned long error_code)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((id >> 32) == kestrel_tgid)
		return 0;
	struct hook_w w;
	if (hook_init(&w, hook, KES_EVT_PAGE_FAULT, KES_PAGE_FAULT_NPARAMS))
		return 0;
	hook_put_u64(&w, KES_P_PAGE_FAULT_ADDR, address);
	/* The instruction pointer itself, as Falco's kmod reports it (its modern probe reads the
	 * memory at ip instead, which for a user fault reads nothing). */
	hook_put_u64(&w, KES_P_PAGE_FAULT_IP, regs ? regs->ip : 0);
	hook_put_u32(&w, KES_P_PAGE_FAULT_ERROR, kes_pf_flags(error_code));
	hook_submit(&w, (__u32)id, id >> 32);
	return 0;
}

SEC("?tp_btf/page_fault_user")
int BPF_PROG(kes_page_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return emit_page_fault(KES_HOOK_PF_USER, address, regs, error_code);
}

SEC("?tp_btf/page_fault_kernel")
int BPF_PROG(kes_page_fault_kernel, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return emit_page_fault(KES_HOOK_PF_KERNEL, address, regs, error_code);
}
