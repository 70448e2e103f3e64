/* switch: sched/sched_switch. The record belongs to the thread switched out (prev, which is
 * still current here), with its page fault counts and memory, as Falco's drivers send it; `next`
 * is the thread switched in. The idle task switching out is skipped: it is no thread of any
 * process (its tid is 0). */

SEC("?tp_btf/sched_switch")
int BPF_PROG(kes_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 tid = prev->pid;
	__u32 tgid = prev->tgid;
	if (tid == 0 || tgid == kestrel_tgid)
		return 0;
	struct hook_w w;
	if (hook_init(&w, KES_HOOK_SWITCH, KES_EVT_SWITCH, KES_SWITCH_NPARAMS))
		return 0;
	hook_put_s64(&w, KES_P_SWITCH_NEXT, next->pid);
	hook_put_u64(&w, KES_P_SWITCH_PGFT_MAJ, prev->maj_flt);
	hook_put_u64(&w, KES_P_SWITCH_PGFT_MIN, prev->min_flt);
	/* A kernel thread has no mm: zeros, as in Falco. KiB: pages << (PAGE_SHIFT - 10);
	 * MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2, MM_SHMEMPAGES 3 (proc_info.h). */
	struct mm_struct *mm = prev->mm;
	__u64 total_vm = 0, rss = 0, swap = 0;
	if (mm) {
		total_vm = BPF_CORE_READ(mm, total_vm);
		rss = mm_counter(mm, 0) + mm_counter(mm, 1) + mm_counter(mm, 3);
		swap = mm_counter(mm, 2);
	}
	hook_put_u32(&w, KES_P_SWITCH_VM_SIZE, total_vm << (KES_PAGE_SHIFT - 10));
	hook_put_u32(&w, KES_P_SWITCH_VM_RSS, rss << (KES_PAGE_SHIFT - 10));
	hook_put_u32(&w, KES_P_SWITCH_VM_SWAP, swap << (KES_PAGE_SHIFT - 10));
	hook_submit(&w, tid, tgid);
	return 0;
}
