// SPDX-License-Identifier: GPL-2.0
/*
 * hello: greet through Tock's console driver, whose output a reader of
 * /dev/tock-console gets, the asynchronous libtock-c way: subscribe, allow,
 * command, then yield until the write-done upcall has run.
 *
 * Usage: hello [NAME]
 */
#include <stdio.h>
#include <unistd.h>

#include <libtock/interface/console.h>

static bool write_done;
static returncode_t write_status;
static uint32_t write_count;

/* Runs inside yield_for(), on this thread. */
static void hello_written(returncode_t status, uint32_t written)
{
	write_status = status;
	write_count = written;
	write_done = true;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "Linux";
	returncode_t ret;
	char msg[128];
	int len;

	len = snprintf(msg, sizeof(msg), "Hello, %s, from Tock process %d\n",
		       name, (int)getpid());
	if (len < 0)
		return 1;
	if ((size_t)len >= sizeof(msg))
		len = sizeof(msg) - 1;

	if (!libtock_console_exists()) {
		fprintf(stderr,
			"hello: no Tock console driver (is tockallow loaded?)\n");
		return 1;
	}
	fputs(msg, stdout);
	fflush(stdout);

	ret = libtock_console_write((const uint8_t *)msg, (uint32_t)len,
				    hello_written);
	if (ret != RETURNCODE_SUCCESS) {
		fprintf(stderr, "hello: console write: %s\n",
			tock_strrcode(ret));
		return 1;
	}
	yield_for(&write_done);
	if (write_status != RETURNCODE_SUCCESS) {
		fprintf(stderr, "hello: console write: %s\n",
			tock_strrcode(write_status));
		return 1;
	}
	printf("hello: the console driver wrote %u of %d bytes\n",
	       (unsigned int)write_count, len);
	return 0;
}
