/* SPDX-License-Identifier: MIT */
/* Shared by the tool tests: run a shell command and keep what it printed. */
#ifndef KMM_TESTS_TOOLS_RUN_CMD_H
#define KMM_TESTS_TOOLS_RUN_CMD_H

#include "tap.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#ifndef KMM_BUILD
#define KMM_BUILD "build"
#endif

/* What the last run() printed (stdout, and stderr when the command
 * redirects it), NUL-terminated. */
static char out[1 << 20];

/* Run a shell command, capture its output in out, return the exit status. */
static inline int run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0, r;
	int status;

	out[0] = '\0';
	if (!p)
		return -1;
	while (n < sizeof(out) - 1 && (r = fread(out + n, 1, sizeof(out) - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run the kmm tool with the arguments fmt gives, stderr with stdout. */
static inline __attribute__((format(printf, 1, 2))) int run_kmm(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n;

	n = snprintf(cmd, sizeof(cmd), "%s/kmm ", KMM_BUILD);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " 2>&1");
	return run(cmd);
}

#endif /* KMM_TESTS_TOOLS_RUN_CMD_H */
