// SPDX-License-Identifier: GPL-2.0
/*
 * run_as UID MEMLOCK-KB PROGRAM [ARG]...: run PROGRAM as user and group
 * UID, with no supplementary groups and RLIMIT_MEMLOCK (soft and hard) set
 * to MEMLOCK-KB KiB, the way an unprivileged user would run it.  The test
 * guest's busybox cannot change uids, so scripts/guest-programs --as runs
 * the suite through this.  Exits 127 when something fails before exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static unsigned long run_as_number(const char *what, const char *arg)
{
	unsigned long val;
	char *end;

	errno = 0;
	val = strtoul(arg, &end, 10);
	if (errno || end == arg || *end) {
		fprintf(stderr, "run_as: bad %s '%s'\n", what, arg);
		exit(127);
	}
	return val;
}

int main(int argc, char **argv)
{
	struct rlimit lim;
	unsigned long uid, kb;

	if (argc < 4) {
		fprintf(stderr, "usage: run_as UID MEMLOCK-KB PROGRAM [ARG]...\n");
		return 127;
	}
	uid = run_as_number("uid", argv[1]);
	kb = run_as_number("memlock limit", argv[2]);
	lim.rlim_cur = kb << 10;
	lim.rlim_max = kb << 10;
	/* The limit first: lowering a hard limit needs no privilege. */
	if (setrlimit(RLIMIT_MEMLOCK, &lim) ||
	    setgroups(0, NULL) || setgid((gid_t)uid) || setuid((uid_t)uid)) {
		fprintf(stderr, "run_as: %s\n", strerror(errno));
		return 127;
	}
	/* Dropping root must have dropped every capability with it. */
	if (uid != 0 && setuid(0) == 0) {
		fprintf(stderr, "run_as: still privileged after setuid\n");
		return 127;
	}
	execv(argv[3], argv + 3);
	fprintf(stderr, "run_as: %s: %s\n", argv[3], strerror(errno));
	return 127;
}
