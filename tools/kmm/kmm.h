/* SPDX-License-Identifier: MIT */
/* The kmm command-line tool: subcommands. */
#ifndef KMM_TOOL_H
#define KMM_TOOL_H

int cmd_demo(int argc, char **argv);
int cmd_proc(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_slabtop(int argc, char **argv);

/* The slab workload of kmm demo, shared with kmm slabtop (slabload.c). */
#define SLAB_LOAD_POOL	1024

struct slab_load {
	int id;				/* fill byte of kmalloc'ed objects */
	void *objs[SLAB_LOAD_POOL];	/* objects held */
	unsigned int nr_objs;
	unsigned long slab_ops, remote_frees;
};

unsigned long long slab_load_rand(unsigned long long *state);	/* splitmix64 */
int slab_load_setup(void);		/* create the object cache; 0 or -1 */
void slab_load_op(struct slab_load *s, unsigned long long r);
void slab_load_release(struct slab_load *s);	/* free what s holds */
void slab_load_teardown(void);		/* free the ring, destroy the cache */
unsigned long slab_load_ctor_calls(void);
int slab_load_ring_count(void);

#endif
