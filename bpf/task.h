/* The reaper of an exiting task's children (procexit `reaper_tid`), after the kernel's
 * find_new_reaper() (kernel/exit.c): another live thread of the group; else the nearest
 * ancestor marked child-subreaper (prctl PR_SET_CHILD_SUBREAPER); else the init of the task's
 * pid namespace. Computed only when the task has children, as Falco does. Bounded walks. */
#ifndef KESTREL_TASK_H
#define KESTREL_TASK_H

#include "maps.h"

#define KES_PF_EXITING 0x00000004
#define KES_PF_KTHREAD 0x00200000
#define KES_MAX_THREADS_SCANNED 32
#define KES_MAX_ANCESTORS 16

struct thread_scan {
	struct list_head *head;
	struct list_head *node;
	struct task_struct *skip;
	__s32 found;
};

static long thread_scan_step(__u32 i, void *arg)
{
	struct thread_scan *t = arg;
	struct list_head *node = t->node;
	if (!node || node == t->head)
		return 1;
	struct task_struct *task = container_of(node, struct task_struct, thread_node);
	if (task != t->skip && !(BPF_CORE_READ(task, flags) & KES_PF_EXITING)) {
		t->found = BPF_CORE_READ(task, pid);
		return 1;
	}
	t->node = BPF_CORE_READ(node, next);
	return 0;
}

/* A live thread of `task`'s group other than `skip`, or 0. */
static __always_inline __s32 alive_thread(struct task_struct *task, struct task_struct *skip)
{
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	if (!sig)
		return 0;
	struct thread_scan t = {
	    .head = &sig->thread_head,
	    .node = BPF_CORE_READ(sig, thread_head.next),
	    .skip = skip,
	    .found = 0,
	};
	bpf_loop(KES_MAX_THREADS_SCANNED, thread_scan_step, &t, 0);
	return t.found;
}

struct ancestor_scan {
	struct task_struct *task;
	struct task_struct *ns_reaper;
	__s32 found;
};

static long ancestor_scan_step(__u32 i, void *arg)
{
	struct ancestor_scan *a = arg;
	struct task_struct *task = a->task;
	if (!task || task == a->ns_reaper)
		return 1;
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	if (sig && BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper)) {
		/* The subreaper's own thread group leader if alive, as the kernel would pick one
		 * of its live threads. */
		if (!(BPF_CORE_READ(task, flags) & KES_PF_EXITING)) {
			a->found = BPF_CORE_READ(task, pid);
			return 1;
		}
	}
	a->task = BPF_CORE_READ(task, real_parent);
	return 0;
}

static __always_inline __s64 find_reaper_tid(struct task_struct *task)
{
	/* No children: nobody to reparent. */
	struct list_head *children = &task->children;
	if (BPF_CORE_READ(task, children.next) == children)
		return 0;

	__s32 tid = alive_thread(task, task);
	if (tid)
		return tid;

	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct task_struct *ns_reaper = BPF_CORE_READ(pid, numbers[level].ns, child_reaper);
	if (!ns_reaper || BPF_CORE_READ(ns_reaper, tgid) == BPF_CORE_READ(task, tgid))
		return 0; /* the namespace's init is dying: its children die with it */

	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	if (sig && BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper)) {
		struct ancestor_scan a = {
		    .task = BPF_CORE_READ(task, real_parent),
		    .ns_reaper = ns_reaper,
		    .found = 0,
		};
		bpf_loop(KES_MAX_ANCESTORS, ancestor_scan_step, &a, 0);
		if (a.found)
			return a.found;
	}
	return BPF_CORE_READ(ns_reaper, pid);
}

#endif
