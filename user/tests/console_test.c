// SPDX-License-Identifier: GPL-2.0
/*
 * console_test: the console driver (0x1) as a UART whose other end is
 * /dev/tock-console.  What a process writes is read(2) from the device,
 * whole however long, and what is written into the device is what the
 * process's read commands receive.  Also: the output ring keeps the newest
 * bytes and counts the rest, readers that go away lose nothing, reads are
 * served in order and refused as Tock refuses them, a process that exits
 * with a read pending leaves no trace, and nothing a process writes
 * reaches the kernel log raw or in bulk.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#include <libtock/interface/console.h>
#include <libtock/interface/syscalls/console_syscalls.h>
#include <libtock-sync/interface/console.h>

#define CON_DEV			"/dev/tock-console"
#define CON_SYSFS		"/sys/class/misc/tock-console/"
#define CON_PARAMS		"/sys/module/tock_console/parameters/"
/* The console capsule's numbers (capsules/core/src/console.rs). */
#define CON_ALLOW		1
#define CON_UPCALL_WRITE	1
#define CON_UPCALL_READ		2
#define CON_CMD_WRITE		1
#define CON_CMD_READ		2
#define CON_CMD_ABORT		3
#define CON_CMD_UNKNOWN		4
/* The old driver capped writes here and logged each line. */
#define CON_OLD_CAP		4096
#define CON_LONG_WRITE		(3 * CON_OLD_CAP + 123)
/* Output past a full ring in the overwrite test. */
#define CON_EXTRA		1000
/* Newlines of the flood tests, and how many records a flood may leave. */
#define CON_FLOOD		4096
#define CON_BIG_FLOOD		(64 * 1024)
#define CON_FLOOD_RECORDS	20
/* Unrelated kernel records tolerated while a test runs. */
#define CON_NOISE_RECORDS	100
/* Longest kernel log record /dev/kmsg hands out, and then some. */
#define CON_KMSG_RECORD		8192
/* syslog(2) actions, as its manual page numbers them. */
#define CON_SYSLOG_READ_ALL	3
#define CON_SYSLOG_SIZE_BUFFER	10
/* The rate limit's interval is 5 s: wait that long before retrying. */
#define CON_RATELIMIT_MS	5500
#define CON_MIRROR_TRIES	3
/* Long enough that a forked reader is blocked in read(2). */
#define CON_BLOCK_MS		200
#define CON_TEXT		"tockallow console_test: hello, device\n"
#define CON_TEXT_LEN		(sizeof(CON_TEXT) - 1)
/* A line that would forge a kernel splat and clear the serial console. */
#define CON_FORGERY		"\x1b[2J\rBUG: forged by console_test\n\a"
#define CON_FORGERY_LEN		(sizeof(CON_FORGERY) - 1)

FIXTURE(console)
{
	int tock;		/* libtock's fd */
	int dev;		/* /dev/tock-console, O_NONBLOCK */
	size_t out_size;
	size_t in_size;
	char mirror;		/* mirror_log as found: 'Y', 'N', 0 unknown */
	struct test_map maps[TEST_MAPS];
};

/* A number from a sysfs file, or -1. */
static long long con_sysfs_num(const char *path)
{
	long long val = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

static long long con_dropped(void)
{
	return con_sysfs_num(CON_SYSFS "output_dropped");
}

/* mirror_log's value, 'Y' or 'N', or 0 when it cannot be read. */
static char con_mirror_get(void)
{
	char c = 0;
	int fd = open(CON_PARAMS "mirror_log", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c;
}

static int con_mirror_set(char val)
{
	int fd = open(CON_PARAMS "mirror_log", O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, &val, 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

/* Read everything the device holds now into @buf; bytes read or -errno. */
static ssize_t con_read_all(int dev, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(dev, (char *)buf + done, len - done);
		if (n < 0)
			return errno == EAGAIN ? (ssize_t)done : -errno;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static void con_drain_output(int dev)
{
	char buf[4096];

	while (read(dev, buf, sizeof(buf)) > 0)
		;
}

/* Write all of @buf into the device; 0 or -errno. */
static int con_type(int dev, const void *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(dev, buf, len);
		if (n < 0)
			return -errno;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

static syscall_return_t con_cmd(uint32_t cmd, int arg)
{
	return command(DRIVER_NUM_CONSOLE, cmd, arg, 0);
}

static bool con_allow_rw(void *buf, size_t len)
{
	return allow_readwrite(DRIVER_NUM_CONSOLE, CON_ALLOW, buf, len).success;
}

/*
 * Take whatever input is typed ahead: a read as long as the input ring,
 * aborted at once, completes with what was there.
 */
static void con_drain_input(FIXTURE_DATA(console) *self)
{
	uint8_t *buf = malloc(self->in_size);

	if (!buf)
		return;
	if (con_allow_rw(buf, self->in_size) &&
	    con_cmd(CON_CMD_READ, (int)self->in_size).type ==
	    TOCK_SYSCALL_SUCCESS &&
	    con_cmd(CON_CMD_ABORT, 0).type == TOCK_SYSCALL_SUCCESS)
		yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	con_allow_rw(NULL, 0);
	free(buf);
}

/*
 * Whether an upcall (POLLIN) or a bare return value (POLLRDBAND: what the
 * driver's upcalls are here, as nothing is subscribed) is queued for us.
 */
static bool con_upcall_queued(void)
{
	struct pollfd pfd = { .fd = tock_fd(), .events = POLLIN | POLLRDBAND };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLIN | POLLRDBAND));
}

FIXTURE_SETUP(console)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->dev = -1;
	self->mirror = 0;
	self->tock = tock_fd();
	if (self->tock == -ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, self->tock);
	if (!libtock_console_exists())
		SKIP(return, "no console driver");
	/* The console module registers both: a missing device is a failure. */
	self->dev = open(CON_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	/* Mode 0600 by default: an unprivileged run cannot open it. */
	if (self->dev < 0 && errno == EACCES)
		SKIP(return, "no access to " CON_DEV " (root's by default)");
	ASSERT_LE(0, self->dev) {
		TH_LOG("open " CON_DEV ": %s", strerror(errno));
	}
	self->out_size = con_sysfs_num(CON_SYSFS "output_size");
	self->in_size = con_sysfs_num(CON_SYSFS "input_size");
	ASSERT_LT(0, (long long)self->out_size);
	ASSERT_LT(0, (long long)self->in_size);
	/* The rings are the device's, not ours: start from empty ones. */
	con_drain_output(self->dev);
	con_drain_input(self);
	self->mirror = con_mirror_get();
	if (self->mirror == 'Y')
		con_mirror_set('N');
}

FIXTURE_TEARDOWN(console)
{
	if (self->mirror)
		con_mirror_set(self->mirror);
	if (self->dev >= 0) {
		con_cmd(CON_CMD_ABORT, 0);
		con_drain_input(self);
		con_drain_output(self->dev);
		close(self->dev);
	}
	tock_close();
	test_maps_free(self->maps);
}

static uint8_t con_pattern(size_t i)
{
	/* Not periodic in any power of two the rings might use. */
	return (uint8_t)(i * 7 + i / 251);
}

static uint8_t *con_pattern_buf(FIXTURE_DATA(console) *self, size_t len)
{
	uint8_t *buf = test_map(self->maps, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);
	size_t i;

	for (i = 0; buf && i < len; i++)
		buf[i] = con_pattern(i);
	return buf;
}

TEST_F(console, write_is_read_from_device)
{
	char got[2 * CON_TEXT_LEN];
	uint32_t written = 0;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)CON_TEXT,
					    CON_TEXT_LEN, &written));
	EXPECT_EQ(CON_TEXT_LEN, written);
	ASSERT_EQ((ssize_t)CON_TEXT_LEN,
		  con_read_all(self->dev, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, CON_TEXT, CON_TEXT_LEN));
}

TEST_F(console, device_write_completes_pending_read)
{
	yield_waitfor_return_t done;
	char buf[CON_TEXT_LEN];

	ASSERT_TRUE(con_allow_rw(buf, sizeof(buf)));
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS,
		  con_cmd(CON_CMD_READ, CON_TEXT_LEN).type);
	EXPECT_FALSE(con_upcall_queued());
	ASSERT_EQ(0, con_type(self->dev, CON_TEXT, CON_TEXT_LEN));
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);
	EXPECT_EQ(CON_TEXT_LEN, done.data1);
	EXPECT_EQ(0, done.data2);
	EXPECT_EQ(0, memcmp(buf, CON_TEXT, CON_TEXT_LEN));
}

static bool async_done;
static returncode_t async_status;
static uint32_t async_count;

static void con_read_done(returncode_t status, uint32_t count)
{
	async_status = status;
	async_count = count;
	async_done = true;
}

TEST_F(console, read_completes_only_when_length_arrived)
{
	char buf[6];

	async_done = false;
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_console_read((uint8_t *)buf, sizeof(buf),
				       con_read_done));
	ASSERT_EQ(0, con_type(self->dev, "abc", 3));
	/* Half there: the upcall must not have come. */
	EXPECT_EQ(0, yield_no_wait());
	EXPECT_FALSE(async_done);
	ASSERT_EQ(0, con_type(self->dev, "def", 3));
	yield_for(&async_done);
	EXPECT_EQ(RETURNCODE_SUCCESS, async_status);
	EXPECT_EQ(sizeof(buf), async_count);
	EXPECT_EQ(0, memcmp(buf, "abcdef", sizeof(buf)));
}

TEST_F(console, typed_ahead_input_serves_later_read)
{
	char buf[5];
	uint32_t got = 0;

	/* Nobody is reading: the bytes wait in the input ring. */
	ASSERT_EQ(0, con_type(self->dev, "typed", 5));
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_read((uint8_t *)buf, sizeof(buf), &got));
	EXPECT_EQ(sizeof(buf), got);
	EXPECT_EQ(0, memcmp(buf, "typed", sizeof(buf)));
}

TEST_F(console, getch_reads_line_byte_by_byte)
{
	const char *line = "42\n";
	char c, got[4] = "";
	uint32_t n;
	int i;

	/* libtock-c's getch() and number_guess_game read one byte at a time. */
	ASSERT_EQ(0, con_type(self->dev, line, strlen(line)));
	for (i = 0; i < 3; i++) {
		n = 0;
		ASSERT_EQ(RETURNCODE_SUCCESS,
			  libtocksync_console_read((uint8_t *)&c, 1, &n));
		ASSERT_EQ(1, n);
		got[i] = c;
	}
	EXPECT_STREQ(line, got);
}

/* Regression: writes used to be cut at 4096 bytes. */
TEST_F(console, write_longer_than_4096_arrives_whole)
{
	uint8_t *text = con_pattern_buf(self, CON_LONG_WRITE);
	uint8_t *got = test_map(self->maps, 2 * CON_LONG_WRITE,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	uint32_t written = 0;

	ASSERT_NE(NULL, text);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write(text, CON_LONG_WRITE, &written));
	EXPECT_EQ(CON_LONG_WRITE, written);
	ASSERT_EQ((ssize_t)CON_LONG_WRITE,
		  con_read_all(self->dev, got, 2 * CON_LONG_WRITE));
	EXPECT_EQ(0, memcmp(got, text, CON_LONG_WRITE));
}

TEST_F(console, write_length_is_min_of_argument_and_buffer)
{
	yield_waitfor_return_t done;
	char got[2 * CON_TEXT_LEN];

	ASSERT_TRUE(allow_readonly(DRIVER_NUM_CONSOLE, CON_ALLOW, CON_TEXT,
				   CON_TEXT_LEN).success);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS,
		  con_cmd(CON_CMD_WRITE, 2 * CON_TEXT_LEN).type);
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_WRITE);
	EXPECT_EQ(CON_TEXT_LEN, done.data0);
	EXPECT_EQ(0, done.data1);
	EXPECT_EQ(0, done.data2);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_WRITE, 5).type);
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_WRITE);
	EXPECT_EQ(5, done.data0);
	ASSERT_EQ((ssize_t)CON_TEXT_LEN + 5,
		  con_read_all(self->dev, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, CON_TEXT, CON_TEXT_LEN));
	EXPECT_EQ(0, memcmp(got + CON_TEXT_LEN, CON_TEXT, 5));
}

TEST_F(console, full_ring_keeps_newest_output)
{
	size_t total = self->out_size + CON_EXTRA;
	uint8_t *text = con_pattern_buf(self, total);
	uint8_t *got = test_map(self->maps, total, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);
	long long dropped = con_dropped();
	uint32_t written = 0;

	ASSERT_NE(NULL, text);
	ASSERT_NE(NULL, got);
	ASSERT_LE(0, dropped);
	/* Nobody reads meanwhile: the first CON_EXTRA bytes are overwritten. */
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write(text, total, &written));
	EXPECT_EQ(total, written);
	EXPECT_EQ(dropped + CON_EXTRA, con_dropped());
	ASSERT_EQ((ssize_t)self->out_size,
		  con_read_all(self->dev, got, total));
	EXPECT_EQ(0, memcmp(got, text + CON_EXTRA, self->out_size)) {
		TH_LOG("the reader did not get the newest %zu bytes",
		       self->out_size);
	}
}

TEST_F(console, reader_that_closes_early_loses_nothing)
{
	char head[10], rest[2 * CON_TEXT_LEN];
	uint32_t written = 0;
	int early;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)CON_TEXT,
					    CON_TEXT_LEN, &written));
	early = open(CON_DEV, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, early);
	ASSERT_EQ((ssize_t)sizeof(head), read(early, head, sizeof(head)));
	close(early);
	EXPECT_EQ(0, memcmp(head, CON_TEXT, sizeof(head)));
	ASSERT_EQ((ssize_t)(CON_TEXT_LEN - sizeof(head)),
		  con_read_all(self->dev, rest, sizeof(rest)));
	EXPECT_EQ(0, memcmp(rest, CON_TEXT + sizeof(head),
			    CON_TEXT_LEN - sizeof(head)));
}

TEST_F(console, reader_that_faults_loses_nothing)
{
	char got[2 * CON_TEXT_LEN];
	uint32_t written = 0;
	void *bad;

	bad = test_map(self->maps, test_page(), PROT_NONE, MAP_PRIVATE, -1);
	ASSERT_NE(NULL, bad);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)CON_TEXT,
					    CON_TEXT_LEN, &written));
	errno = 0;
	EXPECT_EQ(-1, read(self->dev, bad, CON_TEXT_LEN));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ((ssize_t)CON_TEXT_LEN,
		  con_read_all(self->dev, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, CON_TEXT, CON_TEXT_LEN));
}

/* A child blocked in read(2) on the device until it dies. */
static pid_t con_fork_blocked_reader(int ready)
{
	pid_t pid = fork();
	char buf[64];
	int dev;

	if (pid)
		return pid;
	dev = open(CON_DEV, O_RDONLY | O_CLOEXEC);
	if (dev < 0 || write(ready, "r", 1) != 1)
		_exit(1);
	/* Output would make it exit 2: the test kills it first. */
	_exit(read(dev, buf, sizeof(buf)) < 0 ? 3 : 2);
}

TEST_F(console, reader_killed_while_blocked_loses_nothing)
{
	char got[2 * CON_TEXT_LEN], c;
	uint32_t written = 0;
	int status, sync[2];
	pid_t pid;

	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	pid = con_fork_blocked_reader(sync[1]);
	ASSERT_LE(0, pid);
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	close(sync[0]);
	test_sleep_ms(CON_BLOCK_MS);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("reader exited with %d", WEXITSTATUS(status));
	}
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)CON_TEXT,
					    CON_TEXT_LEN, &written));
	ASSERT_EQ((ssize_t)CON_TEXT_LEN,
		  con_read_all(self->dev, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, CON_TEXT, CON_TEXT_LEN));
}

TEST_F(console, blocking_read_wakes_on_output)
{
	char got[2 * CON_TEXT_LEN], c;
	uint32_t written = 0;
	int status, sync[2], out[2];
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int dev = open(CON_DEV, O_RDONLY | O_CLOEXEC);

		if (dev < 0 || write(sync[1], "r", 1) != 1)
			_exit(1);
		n = read(dev, got, sizeof(got));
		if (n <= 0 || write(out[1], got, n) != n)
			_exit(2);
		_exit(0);
	}
	close(sync[1]);
	close(out[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	test_sleep_ms(CON_BLOCK_MS);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)CON_TEXT,
					    CON_TEXT_LEN, &written));
	n = read(out[0], got, sizeof(got));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(sync[0]);
	close(out[0]);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* One read(2) returns what is there: the whole write, here. */
	ASSERT_EQ((ssize_t)CON_TEXT_LEN, n);
	EXPECT_EQ(0, memcmp(got, CON_TEXT, CON_TEXT_LEN));
}

TEST_F(console, nonblocking_read_and_poll)
{
	struct pollfd pfd = { .fd = self->dev, .events = POLLIN | POLLOUT };
	uint32_t written = 0;
	char c;

	errno = 0;
	EXPECT_EQ(-1, read(self->dev, &c, 1));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)"!", 1, &written));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN | POLLOUT, pfd.revents);
	ASSERT_EQ(1, read(self->dev, &c, 1));
	EXPECT_EQ('!', c);
}

TEST_F(console, full_input_ring_blocks_writer_and_loses_nothing)
{
	struct pollfd pfd = { .fd = self->dev, .events = POLLOUT };
	uint8_t *typed = con_pattern_buf(self, self->in_size);
	uint8_t *buf = test_map(self->maps, self->in_size,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	uint32_t got = 0;

	ASSERT_NE(NULL, typed);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ((ssize_t)self->in_size,
		  write(self->dev, typed, self->in_size));
	/* Full and nobody reading: a non-blocking writer is refused. */
	errno = 0;
	EXPECT_EQ(-1, write(self->dev, "x", 1));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_read(buf, self->in_size, &got));
	EXPECT_EQ(self->in_size, got);
	EXPECT_EQ(0, memcmp(buf, typed, self->in_size));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);
}

/*
 * A writer blocked on the full input ring resumes as reads drain it, and
 * every byte arrives, in order, across the reads.
 */
TEST_F(console, blocked_writer_resumes_as_reads_drain_the_ring)
{
	size_t total = self->in_size + CON_EXTRA;
	uint8_t *typed = con_pattern_buf(self, total);
	uint8_t *buf = test_map(self->maps, total, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);
	uint32_t got = 0, first;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, typed);
	ASSERT_NE(NULL, buf);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Blocking: fills the ring, then waits for room. */
		int dev = open(CON_DEV, O_WRONLY | O_CLOEXEC);

		_exit(dev < 0 || con_type(dev, typed, total) ? 1 : 0);
	}
	/* Until the ring is full the writer has more to write. */
	test_sleep_ms(CON_BLOCK_MS);
	first = self->in_size / 2;
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_read(buf, first, &got));
	EXPECT_EQ(first, got);
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_read(buf + first, total - first, &got));
	EXPECT_EQ(total - first, got);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, memcmp(buf, typed, total));
}

/*
 * The UART is full duplex: a read waiting for input holds up neither a
 * write nor the device's reader, and the write's upcall does not end it.
 */
TEST_F(console, both_directions_at_once)
{
	char in[4] = "", out[2 * CON_TEXT_LEN];
	yield_waitfor_return_t done;
	uint32_t written = 0;

	ASSERT_TRUE(con_allow_rw(in, sizeof(in)));
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_READ, 4).type);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)CON_TEXT,
					    CON_TEXT_LEN, &written));
	EXPECT_EQ(CON_TEXT_LEN, written);
	EXPECT_FALSE(con_upcall_queued());
	/* The far end reads our output, then answers. */
	ASSERT_EQ((ssize_t)CON_TEXT_LEN,
		  con_read_all(self->dev, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out, CON_TEXT, CON_TEXT_LEN));
	ASSERT_EQ(0, con_type(self->dev, "pong", 4));
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);
	EXPECT_EQ(4, done.data1);
	EXPECT_EQ(0, memcmp(in, "pong", 4));
}

TEST_F(console, read_of_nothing_is_size)
{
	syscall_return_t ret;
	char buf[8];

	/* Nothing allowed yet. */
	ret = con_cmd(CON_CMD_READ, sizeof(buf));
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_SIZE, ret.data[0]);
	ASSERT_TRUE(con_allow_rw(buf, sizeof(buf)));
	ret = con_cmd(CON_CMD_READ, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_SIZE, ret.data[0]);
	EXPECT_FALSE(con_upcall_queued());
}

TEST_F(console, read_longer_than_buffer_is_clamped)
{
	yield_waitfor_return_t done;
	char buf[4], rest[2];
	uint32_t got = 0;

	/* As Tock's capsule: min(length, allowed length). */
	ASSERT_TRUE(con_allow_rw(buf, sizeof(buf)));
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_READ, 100).type);
	ASSERT_EQ(0, con_type(self->dev, "wxyz12", 6));
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);
	EXPECT_EQ(sizeof(buf), done.data1);
	EXPECT_EQ(0, memcmp(buf, "wxyz", sizeof(buf)));
	/* What did not fit waits for the next read. */
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_read((uint8_t *)rest, sizeof(rest),
					   &got));
	EXPECT_EQ(0, memcmp(rest, "12", sizeof(rest)));
}

TEST_F(console, second_read_while_pending_is_busy)
{
	yield_waitfor_return_t done;
	syscall_return_t ret;
	char buf[4];

	ASSERT_TRUE(con_allow_rw(buf, sizeof(buf)));
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_READ, 4).type);
	ret = con_cmd(CON_CMD_READ, 4);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_BUSY, ret.data[0]);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_ABORT, 0).type);
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	EXPECT_EQ(TOCK_STATUSCODE_CANCEL, done.data0);
	EXPECT_EQ(0, done.data1);
}

TEST_F(console, abort_returns_bytes_received_so_far)
{
	char buf[8] = "";

	async_done = false;
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_console_read((uint8_t *)buf, sizeof(buf),
				       con_read_done));
	ASSERT_EQ(0, con_type(self->dev, "abc", 3));
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_console_abort_read());
	yield_for(&async_done);
	EXPECT_EQ(RETURNCODE_ECANCEL, async_status);
	EXPECT_EQ(3, async_count);
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	/* The read is over: a new one may start. */
	async_done = false;
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_console_read((uint8_t *)buf, 1, con_read_done));
	ASSERT_EQ(0, con_type(self->dev, "d", 1));
	yield_for(&async_done);
	EXPECT_EQ(RETURNCODE_SUCCESS, async_status);
	EXPECT_EQ('d', buf[0]);
}

TEST_F(console, abort_without_read_is_success_without_upcall)
{
	EXPECT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_ABORT, 0).type);
	EXPECT_FALSE(con_upcall_queued());
}

TEST_F(console, unknown_command_is_nosupport)
{
	syscall_return_t ret = con_cmd(CON_CMD_UNKNOWN, 0);

	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, ret.data[0]);
}

/* In a forked child: queue a read of @len, tell @ready, wait for it. */
static int con_child_read(int ready, int out, size_t len)
{
	yield_waitfor_return_t done;
	char buf[16];

	if (len > sizeof(buf) || !con_allow_rw(buf, len) ||
	    con_cmd(CON_CMD_READ, (int)len).type != TOCK_SYSCALL_SUCCESS)
		return 1;
	if (write(ready, "r", 1) != 1)
		return 2;
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	if (done.data0 != TOCK_STATUSCODE_SUCCESS || done.data1 != len)
		return 3;
	return write(out, buf, len) == (ssize_t)len ? 0 : 4;
}

TEST_F(console, reads_are_served_first_come_first_served)
{
	int status, sync[2], out[2];
	yield_waitfor_return_t done;
	char buf[3], first[3], c;
	pid_t pid;

	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(con_child_read(sync[1], out[1], sizeof(first)));
	close(sync[1]);
	close(out[1]);
	/* The child's read is queued first; then ours. */
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_TRUE(con_allow_rw(buf, sizeof(buf)));
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_READ, 3).type);
	ASSERT_EQ(0, con_type(self->dev, "abcdef", 6));
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);
	EXPECT_EQ(3, done.data1);
	EXPECT_EQ(0, memcmp(buf, "def", 3));
	EXPECT_EQ(3, read(out[0], first, sizeof(first)));
	EXPECT_EQ(0, memcmp(first, "abc", 3));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(sync[0]);
	close(out[0]);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
}

TEST_F(console, exit_with_read_pending_loses_it_cleanly)
{
	int status, sync[2], out[2];
	yield_waitfor_return_t done;
	struct test_pins pins, now;
	char buf[2], c;
	pid_t pid;

	test_pins_read(&pins);
	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(con_child_read(sync[1], out[1], 4));
	close(sync[1]);
	close(out[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	/* Half of the child's read arrives, then the child dies. */
	ASSERT_EQ(0, con_type(self->dev, "ab", 2));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(sync[0]);
	close(out[0]);
	ASSERT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
	EXPECT_TRUE(test_pins_settle(&pins, &now)) {
		TH_LOG("%lld pins acquired, %lld released",
		       now.acquired - pins.acquired,
		       now.released - pins.released);
	}
	/* The next read is ours: it starts clean and gets the new bytes. */
	ASSERT_TRUE(con_allow_rw(buf, sizeof(buf)));
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, con_cmd(CON_CMD_READ, 2).type);
	EXPECT_FALSE(con_upcall_queued());
	ASSERT_EQ(0, con_type(self->dev, "cd", 2));
	done = yield_wait_for(DRIVER_NUM_CONSOLE, CON_UPCALL_READ);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);
	EXPECT_EQ(2, done.data1);
	EXPECT_EQ(0, memcmp(buf, "cd", 2));
}

TEST_F(console, device_mode_follows_parameter)
{
	long long mode = con_sysfs_num(CON_PARAMS "mode");
	struct stat st;

	ASSERT_LE(0, mode);
	ASSERT_EQ(0, stat(CON_DEV, &st));
	EXPECT_EQ(mode, (long long)(st.st_mode & 07777));
	if (mode == 0600)
		EXPECT_EQ(0, st.st_uid);
}

/* The kernel log, from where it ends now. */
static int con_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct con_kmsg_scan {
	int records;		/* every record */
	int console;		/* records of the console driver's */
	int tagged;		/* of those, records tagged with our pid */
	int raw;		/* of those, records holding raw control bytes */
	int escaped;		/* of those, records holding an escaped ESC */
	char sample[256];	/* the first console record, as kmsg shows it */
};

/*
 * Read the records logged since @fd was opened.  /dev/kmsg shows a raw
 * control byte as \xNN and a backslash as \x5c, so "\x1b" in its text is a
 * raw ESC and "\x5ce" is the escaped "\e" the mirror writes.
 */
static void con_kmsg_scan(int fd, struct con_kmsg_scan *sc)
{
	static const char * const raw[] = { "\\x1b", "\\x0d", "\\x0a",
					    "\\x07" };
	char rec[CON_KMSG_RECORD], tag[32], *text, *end;
	ssize_t n;
	size_t i;

	memset(sc, 0, sizeof(*sc));
	snprintf(tag, sizeof(tag), "[%d]", (int)getpid());
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten meanwhile */
		if (n <= 0)
			break;
		rec[n] = 0;
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		end = strchr(text, '\n');
		if (end)
			*end = 0;
		sc->records++;
		if (!strstr(text, "tock_console: "))
			continue;
		if (!sc->console++)
			snprintf(sc->sample, sizeof(sc->sample), "%s", text);
		sc->tagged += !!strstr(text, tag);
		sc->escaped += !!strstr(text, "\\x5ce[2J");
		for (i = 0; i < ARRAY_SIZE(raw); i++) {
			if (strstr(text, raw[i])) {
				sc->raw++;
				break;
			}
		}
	}
}

static void con_write_newlines(struct __test_metadata *_metadata,
			       FIXTURE_DATA(console) *self, size_t len)
{
	uint8_t *nl = test_map(self->maps, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE, -1);
	uint32_t written = 0;

	ASSERT_NE(NULL, nl);
	memset(nl, '\n', len);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write(nl, len, &written));
	EXPECT_EQ(len, written);
}

/* Regression: each line used to become a kernel log record. */
TEST_F(console, newline_flood_adds_no_kernel_log_records)
{
	struct con_kmsg_scan sc;
	int kmsg = con_kmsg_open();

	if (kmsg < 0)
		SKIP(return, "/dev/kmsg: %s", strerror(errno));
	con_write_newlines(_metadata, self, CON_FLOOD);
	con_kmsg_scan(kmsg, &sc);
	close(kmsg);
	EXPECT_EQ(0, sc.console) {
		TH_LOG("%d records, first: %s", sc.console, sc.sample);
	}
	EXPECT_GT(CON_NOISE_RECORDS, sc.records);
}

/* Regression: ESC and \r used to reach the log, and the serial console, raw. */
TEST_F_TIMEOUT(console, mirror_escapes_control_bytes, 60)
{
	struct con_kmsg_scan sc;
	uint32_t written;
	char *log;
	int kmsg, len, try;

	if (!self->mirror || con_mirror_set('Y'))
		SKIP(return, "cannot set " CON_PARAMS "mirror_log");
	for (try = 0; try < CON_MIRROR_TRIES; try++) {
		kmsg = con_kmsg_open();
		if (kmsg < 0)
			SKIP(return, "/dev/kmsg: %s", strerror(errno));
		ASSERT_EQ(RETURNCODE_SUCCESS,
			  libtocksync_console_write((const uint8_t *)CON_FORGERY,
						    CON_FORGERY_LEN, &written));
		con_kmsg_scan(kmsg, &sc);
		close(kmsg);
		if (sc.console)
			break;
		/* An earlier flood used the rate limit up: wait it out. */
		test_sleep_ms(CON_RATELIMIT_MS);
	}
	ASSERT_LT(0, sc.console) {
		TH_LOG("nothing mirrored to the kernel log");
	}
	EXPECT_EQ(0, sc.raw) {
		TH_LOG("raw control bytes: %s", sc.sample);
	}
	EXPECT_LT(0, sc.escaped) {
		TH_LOG("no escaped ESC: %s", sc.sample);
	}
	EXPECT_LT(0, sc.tagged) {
		TH_LOG("not tagged with pid %d: %s", (int)getpid(), sc.sample);
	}
	/* The log as the serial console prints it: no ESC byte anywhere. */
	len = klogctl(CON_SYSLOG_SIZE_BUFFER, NULL, 0);
	ASSERT_LT(0, len);
	log = malloc(len);
	ASSERT_NE(NULL, log);
	len = klogctl(CON_SYSLOG_READ_ALL, log, len);
	EXPECT_LT(0, len);
	EXPECT_EQ(NULL, memchr(log, '\x1b', len > 0 ? len : 0));
	free(log);
}

TEST_F(console, mirror_is_rate_limited)
{
	struct con_kmsg_scan sc;
	int kmsg;

	if (!self->mirror || con_mirror_set('Y'))
		SKIP(return, "cannot set " CON_PARAMS "mirror_log");
	kmsg = con_kmsg_open();
	if (kmsg < 0)
		SKIP(return, "/dev/kmsg: %s", strerror(errno));
	con_write_newlines(_metadata, self, CON_BIG_FLOOD);
	con_kmsg_scan(kmsg, &sc);
	close(kmsg);
	EXPECT_GE(CON_FLOOD_RECORDS, sc.console) {
		TH_LOG("%d records from one write", sc.console);
	}
	EXPECT_EQ(0, sc.raw);
}

TEST_HARNESS_MAIN
