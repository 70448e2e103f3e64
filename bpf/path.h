/* Path resolution from a kernel `struct path` (vfsmount + dentry): a bounded dentry walk from the
 * leaf to the root that crosses mount points through `struct mount` (mnt_mountpoint,
 * mnt_parent), or /dev/null would come out as /null. Components are staged right to left in
 * scratch->path, so the result is contiguous and needs no reversal.
 *
 * The walk runs under bpf_loop(): its callback is verified once, whatever the bound, instead of
 * the verifier exploring every iteration of an open-coded loop with its branches. */
#ifndef KESTREL_PATH_H
#define KESTREL_PATH_H

#include "record.h"
#include "file.h"

struct path_walk {
	__u64 dentry; /* kernel addresses, read through KES_KPTR: direct loads, no helper */
	__u64 mnt_root;
	__u64 mnt;
	__u32 scratch_idx;
	__u32 pos; /* first byte of the path staged so far in scratch->path */
	__u32 truncated;
};

static long path_walk_step(__u32 i, void *arg)
{
	struct path_walk *w = arg;
	struct kes_scratch *s = bpf_map_lookup_elem(&scratch, &w->scratch_idx);
	if (!s || !w->dentry)
		return 1;

	struct dentry *d = KES_KPTR(struct dentry, w->dentry);
	__u64 parent = (__u64)d->d_parent;
	int last = 0;
	if (w->dentry == w->mnt_root || w->dentry == parent) {
		if (w->dentry != w->mnt_root) {
			/* A dentry outside any mount tree (memfd, pipe, disconnected): its own name
			 * is all there is. Alone, it is reported bare ("memfd:x"), as Falco's
			 * d_path approximation does. */
			last = 1;
		} else {
			struct mount *m = KES_KPTR(struct mount, w->mnt);
			__u64 mp = (__u64)m->mnt_parent;
			if (mp == w->mnt || !mp)
				return 1; /* the root of the mount namespace */
			w->dentry = (__u64)m->mnt_mountpoint;
			w->mnt = mp;
			w->mnt_root = (__u64)KES_KPTR(struct mount, mp)->mnt.mnt_root;
			return 0;
		}
	}

	__u32 len = d->d_name.len;
	const unsigned char *name = d->d_name.name;
	if (len >= KES_NAME_MAX)
		len = KES_NAME_MAX - 1;
	if (len == 0)
		return 1;
	/* A bare pseudo name gets no leading '/'. */
	__u32 slash = (last && w->pos == KES_PATH_MAX - 1) ? 0 : 1;
	__u32 need = len + slash;
	__u32 pos = w->pos;
	if (need > pos) {
		w->truncated = 1;
		return 1;
	}
	pos -= need;
	/* pos + slash + len <= KES_PATH_MAX - 1: stays in front of the NUL at KES_PATH_MAX - 1.
	 * The name's bytes are the one helper call of a step (a copy of variable length). */
	bpf_probe_read_kernel(&s->path[(pos + slash) & (KES_PATH_MAX - 1)],
			      len & (KES_NAME_MAX - 1), name);
	if (slash)
		s->path[pos & (KES_PATH_MAX - 1)] = '/';
	w->pos = pos;
	w->dentry = parent;
	return last;
}

/* Pushes the absolute path of (vfsmnt, dentry) as parameter idx. */
static __always_inline void rec_push_path(struct rec *r, __u32 idx, struct kes_scratch *s,
					  __u32 scratch_idx, struct vfsmount *vfsmnt,
					  struct dentry *dentry)
{
	if (!vfsmnt || !dentry)
		return;
	struct vfsmount *vm = KES_KPTR(struct vfsmount, vfsmnt);
	struct path_walk w = {
	    .dentry = (__u64)dentry,
	    .mnt_root = (__u64)vm->mnt_root,
	    /* container_of as an address: a BTF pointer may not be moved before its object. */
	    .mnt = (__u64)vfsmnt - bpf_core_field_offset(struct mount, mnt),
	    .scratch_idx = scratch_idx,
	    .pos = KES_PATH_MAX - 1,
	    .truncated = 0,
	};
	s->path[KES_PATH_MAX - 1] = 0;
	bpf_loop(KES_PATH_COMPONENTS, path_walk_step, &w, 0);
	if (w.dentry && w.truncated == 0) {
		/* Stopped by the bound rather than by reaching the root. */
		if (w.dentry != (__u64)KES_KPTR(struct dentry, w.dentry)->d_parent)
			w.truncated = 1;
	}
	__u32 pos = w.pos;
	if (pos == KES_PATH_MAX - 1) { /* the root itself */
		pos--;
		s->path[pos & (KES_PATH_MAX - 1)] = '/';
	}
	if (w.truncated)
		rec_truncated(r);
	if (pos >= KES_PATH_MAX)
		return;
	__u32 len = KES_PATH_MAX - pos;
	__u32 room = rec_room(r, KES_STR_MAX);
	if (len > room) {
		rec_truncated(r);
		return;
	}
	barrier_var(len);
	if (len == 0 || len > KES_STR_MAX)
		return;
	if (bpf_probe_read_kernel(rec_cursor(r), len, &s->path[pos & (KES_PATH_MAX - 1)]))
		return;
	rec_commit(r, idx, len);
}

static __always_inline void rec_push_file_path(struct rec *r, __u32 idx, struct kes_scratch *s,
					       __u32 scratch_idx, struct file *f)
{
	if (!f)
		return;
	struct file *kf = KES_KPTR(struct file, f);
	rec_push_path(r, idx, s, scratch_idx, kf->f_path.mnt, kf->f_path.dentry);
}

/* --- cgroups ------------------------------------------------------------------------------ */

/* kernfs_node.parent became __parent in 6.15 (RCU-protected). */
struct kernfs_node___old {
	struct kernfs_node___old *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return (struct kernfs_node *)BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

struct kn_walk {
	struct kernfs_node *kn;
	__u32 scratch_idx;
	__u32 pos;
	__u32 truncated;
};

/* One cgroup path component, right to left, like path_walk_step. kernfs names carry no
 * length: each is read into scratch->name first, then moved into place. */
static long kn_walk_step(__u32 i, void *arg)
{
	struct kn_walk *w = arg;
	struct kes_scratch *s = bpf_map_lookup_elem(&scratch, &w->scratch_idx);
	struct kernfs_node *kn = w->kn;
	if (!s || !kn)
		return 1;
	struct kernfs_node *parent = kn_parent(kn);
	if (!parent)
		return 1; /* the hierarchy's root: not a component */
	long n = bpf_probe_read_kernel_str(s->name, KES_NAME_MAX, BPF_CORE_READ(kn, name));
	if (n <= 1)
		return 1;
	__u32 len = (__u32)n - 1;
	__u32 pos = w->pos;
	if (len + 1 > pos) {
		w->truncated = 1;
		return 1;
	}
	pos -= len + 1;
	bpf_probe_read_kernel(&s->path[(pos + 1) & (KES_PATH_MAX - 1)], len & (KES_NAME_MAX - 1),
			      s->name);
	s->path[pos & (KES_PATH_MAX - 1)] = '/';
	w->pos = pos;
	w->kn = parent;
	return 0;
}

/* Appends "<subsys>=<path>\0" for one cgroup subsystem to the parameter under construction
 * (s->off advances; the caller sets the parameter length once all entries are in). */
static __always_inline void cgroup_append(struct rec *r, struct kes_scratch *s, __u32 scratch_idx,
					  struct task_struct *task, int id)
{
	const char *ss_name = BPF_CORE_READ(task, cgroups, subsys[id], ss, name);
	struct kernfs_node *kn = BPF_CORE_READ(task, cgroups, subsys[id], cgroup, kn);
	if (!ss_name || !kn)
		return;
	__u32 room = rec_room(r, KES_NAME_MAX);
	if (room < 2) {
		rec_truncated(r);
		return;
	}
	long n = bpf_probe_read_kernel_str(rec_cursor(r), room, ss_name);
	if (n <= 1)
		return;
	__u32 off = rec_off(r) + (__u32)n;
	r->s->rec[(off - 1) & (KES_REC_LIMIT - 1)] = '=';
	r->s->off = off;

	struct kn_walk w = {
	    .kn = kn, .scratch_idx = scratch_idx, .pos = KES_PATH_MAX - 1, .truncated = 0};
	s->path[KES_PATH_MAX - 1] = 0;
	bpf_loop(KES_PATH_COMPONENTS, kn_walk_step, &w, 0);
	__u32 pos = w.pos;
	if (pos == KES_PATH_MAX - 1) { /* the root cgroup */
		pos--;
		s->path[pos & (KES_PATH_MAX - 1)] = '/';
	}
	if (w.truncated)
		rec_truncated(r);
	if (pos >= KES_PATH_MAX)
		return;
	__u32 len = KES_PATH_MAX - pos;
	room = rec_room(r, KES_STR_MAX);
	if (len > room) {
		/* No room for the path: end the entry right after '='. */
		r->s->rec[(off - 1) & (KES_REC_LIMIT - 1)] = 0;
		rec_truncated(r);
		return;
	}
	barrier_var(len);
	if (len == 0 || len > KES_STR_MAX)
		return;
	if (bpf_probe_read_kernel(rec_cursor(r), len, &s->path[pos & (KES_PATH_MAX - 1)]))
		return;
	r->s->off = rec_off(r) + len;
}

/* Falco's `cgroups`: "cpuset=/path\0cpu=/path\0cpuacct=...\0io=...\0memory=...\0", the
 * subsystems its container engines look at, those this kernel has. */
static __always_inline void rec_push_cgroups(struct rec *r, __u32 idx, struct kes_scratch *s,
					     __u32 scratch_idx, struct task_struct *task)
{
	__u32 start = rec_off(r);
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id))
		cgroup_append(r, s, scratch_idx, task,
			      bpf_core_enum_value(enum cgroup_subsys_id, cpuset_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
		cgroup_append(r, s, scratch_idx, task,
			      bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuacct_cgrp_id))
		cgroup_append(r, s, scratch_idx, task,
			      bpf_core_enum_value(enum cgroup_subsys_id, cpuacct_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, io_cgrp_id))
		cgroup_append(r, s, scratch_idx, task,
			      bpf_core_enum_value(enum cgroup_subsys_id, io_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		cgroup_append(r, s, scratch_idx, task,
			      bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id));
	__u32 end = rec_off(r);
	if (end > start && end - start < 0xffff)
		rec_set_len(r, idx, end - start);
}

#endif
