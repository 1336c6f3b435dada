// SPDX-License-Identifier: GPL-2.0
/*
 * limits_test: what one user of a mode-0666 /dev/tock can make the kernel
 * hold.  Pins are charged to RLIMIT_MEMLOCK for what they really hold (a
 * whole huge page, THP or hugetlbfs), CAP_IPC_LOCK is asked for only past
 * the limit, and the kernel memory behind each open file is charged to the
 * opener's memory cgroup.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#define HUGE_LEN		(2UL << 20)
/* RLIMIT_MEMLOCK in the charging tests: 16 pages. */
#define SMALL_LIMIT_PAGES	16
/* PF_SUPERPRIV in /proc/<pid>/stat: the task used a capability. */
#define TASK_SUPERPRIV		0x00000100UL
/* Open files in the memory cgroup test. */
#define MEMCG_FILES		128
/* Kernel memory each of them must at least be charged for. */
#define MEMCG_MIN_PER_FILE	8192
#define CGROUP_ROOT		"/sys/fs/cgroup"
#define PER_USER_PARAM	"/sys/module/tockallow/parameters/max_processes_per_user"
/* The per-user bound in that test, and the unprivileged user it binds. */
#define PER_USER_MAX		8
#define NOBODY			65534

FIXTURE(limits)
{
	int fd;
	size_t page;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(limits)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->page = test_page();
	TEST_TOCK_SETUP(self->fd);
}

FIXTURE_TEARDOWN(limits)
{
	tock_close();
	test_maps_free(self->maps);
}

/* The first line of @path, or "" when it cannot be read. */
static void lim_read_line(const char *path, char *line, size_t len)
{
	FILE *f = fopen(path, "re");

	line[0] = '\0';
	if (!f)
		return;
	if (!fgets(line, len, f))
		line[0] = '\0';
	fclose(f);
}

/* A "kB" field of /proc/self/smaps_rollup, or -1. */
static long lim_rollup_kb(const char *field)
{
	return test_file_field("/proc/self/smaps_rollup", field, ':');
}

/* Set RLIMIT_MEMLOCK's soft limit, raising the hard one if it must. */
static void lim_set_memlock(struct __test_metadata *_metadata, size_t pages,
			    size_t page)
{
	struct rlimit lim;

	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &lim));
	lim.rlim_cur = pages * page;
	if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < lim.rlim_cur)
		lim.rlim_max = lim.rlim_cur;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &lim));
}

/*
 * One byte inside the huge page @huge of @size bytes: with 16 pages of
 * RLIMIT_MEMLOCK the allow must fail, because pinning that byte pins the
 * whole huge page; with room for it (twice its size), VmPin grows by the
 * whole huge page.
 */
static void lim_expect_whole_huge_page(struct __test_metadata *_metadata,
				       FIXTURE_DATA(limits) *self, char *huge,
				       size_t size)
{
	long vmpin;
	allow_rw_return_t rw;
	struct rlimit lim;

	/* Only root may raise the hard limit that far. */
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &lim));
	if (geteuid() != 0 && lim.rlim_max != RLIM_INFINITY &&
	    lim.rlim_max < 2 * size)
		SKIP(return, "needs RLIMIT_MEMLOCK's hard limit at %zu KiB, has %llu KiB",
		     (size_t)(2 * size >> 10),
		     (unsigned long long)lim.rlim_max >> 10);
	ASSERT_EQ(0, test_drop_cap_ipc_lock());
	vmpin = test_status_kb("VmPin");
	ASSERT_LE(0, vmpin);

	lim_set_memlock(_metadata, SMALL_LIMIT_PAGES, self->page);
	rw = allow_readwrite(TOCK_DRIVER_TEST, 0, huge + 100, 1);
	EXPECT_FALSE(rw.success) {
		TH_LOG("one byte of a huge page charged as %ld kB",
		       test_status_kb("VmPin") - vmpin);
	}
	EXPECT_EQ(TOCK_STATUSCODE_NOMEM, rw.status);
	EXPECT_EQ(vmpin, test_status_kb("VmPin"));
	if (rw.success)
		EXPECT_TRUE(allow_readwrite(TOCK_DRIVER_TEST, 0, NULL,
					    0).success);

	lim_set_memlock(_metadata, 2 * size / self->page, self->page);
	rw = allow_readwrite(TOCK_DRIVER_TEST, 0, huge + 100, 1);
	ASSERT_TRUE(rw.success) {
		TH_LOG("allow within the limit: %s", tock_strerr(rw.status));
	}
	EXPECT_EQ(vmpin + (long)(size >> 10), test_status_kb("VmPin"));
	ASSERT_TRUE(allow_readwrite(TOCK_DRIVER_TEST, 0, NULL, 0).success);
	EXPECT_TRUE(test_vmpin_settle(vmpin));
}

/* A "Key: N kB" line of /proc/meminfo, in bytes; @dflt if absent. */
static size_t lim_meminfo_bytes(const char *key, size_t dflt)
{
	long long kb = test_file_field("/proc/meminfo", key, ':');

	return kb > 0 ? (size_t)kb << 10 : dflt;
}

/* The size of a PMD-mapped transparent huge page (2 MiB with 4 KiB pages). */
static size_t lim_thp_size(void)
{
	char line[64];
	size_t size;

	lim_read_line("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
		      line, sizeof(line));
	size = strtoul(line, NULL, 10);
	return size ? size : HUGE_LEN;
}

TEST_F(limits, memlock_charges_whole_thp)
{
	char *map, *huge, mode[128];
	size_t size;

	lim_read_line("/sys/kernel/mm/transparent_hugepage/enabled", mode,
		      sizeof(mode));
	if (!strstr(mode, "[always]") && !strstr(mode, "[madvise]"))
		SKIP(return, "transparent huge pages are off");
	size = lim_thp_size();
	map = test_map(self->maps, 2 * size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_NORESERVE, -1);
	ASSERT_NE(NULL, map);
	huge = (char *)(((uintptr_t)map + size - 1) & ~(size - 1));
	ASSERT_EQ(0, madvise(huge, size, MADV_HUGEPAGE));
	memset(huge, 1, size);
	if (lim_rollup_kb("AnonHugePages") < (long)(size >> 10))
		SKIP(return, "no transparent huge page was allocated");
	lim_expect_whole_huge_page(_metadata, self, huge, size);
}

TEST_F(limits, memlock_charges_whole_hugetlb_page)
{
	/* The default huge page size: 2 MiB, or 32 MiB with 16 KiB pages. */
	size_t size = lim_meminfo_bytes("Hugepagesize", HUGE_LEN);
	char *huge;

	/* Best effort: a kernel without hugetlbfs fails the mmap below. */
	test_write_file("/proc/sys/vm/nr_hugepages", "4");
	huge = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (huge == MAP_FAILED)
		SKIP(return, "no %zu kB hugetlbfs page: %s", size >> 10,
		     strerror(errno));
	memset(huge, 1, size);
	lim_expect_whole_huge_page(_metadata, self, huge, size);
	munmap(huge, size);
}

/* The flags field (9th) of /proc/self/stat. */
static unsigned long lim_task_flags(void)
{
	char line[512], *p;
	unsigned long flags = 0;
	int field;

	lim_read_line("/proc/self/stat", line, sizeof(line));
	/* The command name may hold spaces: count from after its ')'. */
	p = strrchr(line, ')');
	if (!p)
		return 0;
	for (field = 2; p && field < 9; field++)
		p = strchr(p + 1, ' ');
	if (p)
		flags = strtoul(p + 1, NULL, 10);
	return flags;
}

/*
 * In a fresh child (fork clears PF_SUPERPRIV): an allow within
 * RLIMIT_MEMLOCK must not ask for CAP_IPC_LOCK, one past it must.  Returns
 * 0 or the failed step.
 */
static int lim_child_capability_use(size_t page)
{
	size_t big = 2 * SMALL_LIMIT_PAGES * page;
	struct rlimit lim = {
		SMALL_LIMIT_PAGES * page, SMALL_LIMIT_PAGES * page
	};
	char *buf = mmap(NULL, big, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED || setrlimit(RLIMIT_MEMLOCK, &lim))
		return 1;
	memset(buf, 1, big);
	if (lim_task_flags() & TASK_SUPERPRIV)
		return 2;
	if (!allow_readonly(TOCK_DRIVER_TEST, 0, buf, 4 * page).success)
		return 3;
	if (lim_task_flags() & TASK_SUPERPRIV)
		return 4;
	/* Past the limit, root's CAP_IPC_LOCK is what lets it through. */
	if (!allow_readonly(TOCK_DRIVER_TEST, 1, buf, big).success)
		return 5;
	if (!(lim_task_flags() & TASK_SUPERPRIV))
		return 6;
	return 0;
}

TEST_F(limits, allow_within_memlock_asks_no_capability)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root, whose CAP_IPC_LOCK is observable");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(lim_child_capability_use(self->page));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		switch (WEXITSTATUS(status)) {
		case 4:
			TH_LOG("an allow within RLIMIT_MEMLOCK used CAP_IPC_LOCK");
			break;
		case 6:
			TH_LOG("an allow past RLIMIT_MEMLOCK did not ask for CAP_IPC_LOCK");
			break;
		default:
			TH_LOG("child failed at step %d",
			       WEXITSTATUS(status));
		}
	}
}

/* A byte count of the cgroup's memory.stat, or -1. */
static long long lim_memcg_stat(const char *dir, const char *key)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	return test_file_field(path, key, ' ');
}

/*
 * In a child inside @dir's cgroup: open MEMCG_FILES Tock processes, each
 * with a grant of the test driver and a full upcall queue, and report the
 * growth of the cgroup's kernel memory on @out.  Returns 0 or the step.
 */
static int lim_child_open_many(const char *dir, int out)
{
	char path[256], pid[32];
	long long before, after;
	int fds[MEMCG_FILES], i;
	struct tock_ioc_command cmd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (test_write_file(path, pid))
		return 1;
	before = lim_memcg_stat(dir, "kernel");
	if (before < 0)
		return 2;
	for (i = 0; i < MEMCG_FILES; i++) {
		fds[i] = open(tock_device_path(), O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			return 3;
		memset(&cmd, 0, sizeof(cmd));
		cmd.driver = TOCK_DRIVER_TEST;
		cmd.command_num = TOCK_TEST_CMD_UPCALLS;
		cmd.arg1 = 1000;
		if (tock_raw_command(fds[i], &cmd))
			return 4;
	}
	after = lim_memcg_stat(dir, "kernel");
	if (write(out, &before, sizeof(before)) != sizeof(before) ||
	    write(out, &after, sizeof(after)) != sizeof(after))
		return 5;
	for (i = 0; i < MEMCG_FILES; i++)
		close(fds[i]);
	return 0;
}

TEST_F(limits, kernel_memory_charged_to_memcg)
{
	long long before = 0, after = 0;
	char dir[128], controllers[256];
	int status, report[2];
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to set up a memory cgroup");
	mkdir(CGROUP_ROOT, 0755);
	/* Already mounted (EBUSY) is fine too. */
	mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL);
	lim_read_line(CGROUP_ROOT "/cgroup.controllers", controllers,
		      sizeof(controllers));
	if (!strstr(controllers, "memory"))
		SKIP(return, "no memory cgroup controller");
	test_write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory");
	snprintf(dir, sizeof(dir), CGROUP_ROOT "/tockallow-limits-%d",
		 getpid());
	ASSERT_EQ(0, mkdir(dir, 0755));

	ASSERT_EQ(0, pipe(report));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(lim_child_open_many(dir, report[1]));
	close(report[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
	EXPECT_EQ(sizeof(before), read(report[0], &before, sizeof(before)));
	EXPECT_EQ(sizeof(after), read(report[0], &after, sizeof(after)));
	close(report[0]);
	TH_LOG("%d open files, each with a full upcall queue: %lld bytes of kernel memory each, charged",
	       MEMCG_FILES, (after - before) / MEMCG_FILES);
	EXPECT_LE(MEMCG_MIN_PER_FILE, (after - before) / MEMCG_FILES);
	rmdir(dir);
}

/* As user nobody: open files up to the bound, one past it, then reuse. */
static int lim_child_open_bounded(void)
{
	int fds[PER_USER_MAX], extra, i;

	if (setgid(NOBODY) || setuid(NOBODY))
		return 1;
	for (i = 0; i < PER_USER_MAX; i++) {
		fds[i] = open(tock_device_path(), O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			return 2;
	}
	extra = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	if (extra >= 0 || errno != EMFILE)
		return 3;
	close(fds[0]);
	fds[0] = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	if (fds[0] < 0)
		return 4;
	for (i = 0; i < PER_USER_MAX; i++)
		close(fds[i]);
	return 0;
}

TEST_F(limits, open_files_bounded_per_user)
{
	char old[32], now[32];
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to set the bound and become nobody");
	lim_read_line(PER_USER_PARAM, old, sizeof(old));
	ASSERT_NE(0, old[0]) {
		TH_LOG("no %s", PER_USER_PARAM);
	}
	snprintf(now, sizeof(now), "%d", PER_USER_MAX);
	ASSERT_EQ(0, test_write_file(PER_USER_PARAM, now));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(lim_child_open_bounded());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	test_write_file(PER_USER_PARAM, old);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
}

/* How long the other process's driver holds its buffer open. */
#define HOLD_MS			1000
/* What this process's command may take meanwhile (it takes ~0). */
#define UNSTALLED_MS		300

static long lim_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * In a child: allow one aligned huge page, have the test driver hold it
 * open, then clear it with MADV_DONTNEED, which waits for the hold and
 * queues a revalidation behind it.  Tells @ready just before the clear.
 */
static int lim_child_stall(int ready)
{
	char *map = mmap(NULL, 2 * HUGE_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *huge, byte = 0;

	if (map == MAP_FAILED)
		return 1;
	huge = (char *)(((uintptr_t)map + HUGE_LEN - 1) & ~(HUGE_LEN - 1));
	memset(huge, 1, HUGE_LEN);
	if (!allow_readwrite(TOCK_DRIVER_TEST, 0, huge, HUGE_LEN).success)
		return 2;
	if (!test_cmd_ok(TOCK_TEST_CMD_HOLD_LATER, HOLD_MS, 0))
		return 3;
	test_sleep_ms(50);
	if (write(ready, &byte, 1) != 1)
		return 4;
	if (madvise(huge, HUGE_LEN, MADV_DONTNEED))
		return 5;
	return 0;
}

TEST_F(limits, stalled_access_of_another_process_leaves_commands_alone)
{
	struct timespec t0;
	int status, ready[2];
	char byte;
	long ms;
	pid_t pid;

	TEST_NEED_PIN(HUGE_LEN);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(ready[0]);
		_exit(lim_child_stall(ready[1]));
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &byte, 1));
	close(ready[0]);
	/* Let its clear start and queue its revalidation. */
	test_sleep_ms(100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_TRUE(test_cmd_ok(TOCK_TEST_CMD_RETURN, TOCK_RET_SUCCESS, 0));
	ms = lim_ms_since(&t0);
	TH_LOG("a command took %ld ms while another process's access stalled",
	       ms);
	EXPECT_GT(UNSTALLED_MS, ms);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
}

TEST_HARNESS_MAIN
