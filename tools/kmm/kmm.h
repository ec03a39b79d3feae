/* SPDX-License-Identifier: MIT */
/* The kmm command-line tool: subcommands. */
#ifndef KMM_TOOL_H
#define KMM_TOOL_H

int cmd_demo(int argc, char **argv);
int cmd_proc(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

#endif
