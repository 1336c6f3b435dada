// SPDX-License-Identifier: GPL-2.0
/*
 * rng: print random bytes from Tock's RNG driver, the synchronous
 * libtock-sync way: allow, command, yield-wait-for, without subscribing.
 *
 * Usage: rng [COUNT]	(default 16, at most RNG_MAX)
 */
#include <stdio.h>
#include <stdlib.h>

#include <libtock-sync/peripherals/rng.h>

#define RNG_DEFAULT	16
#define RNG_MAX		4096	/* one page of output is plenty */

static uint8_t rng_buf[RNG_MAX];

int main(int argc, char **argv)
{
	unsigned long count = RNG_DEFAULT;
	returncode_t ret;
	char *end;
	int got, i;

	if (argc > 1) {
		count = strtoul(argv[1], &end, 0);
		if (*end || !count || count > RNG_MAX) {
			fprintf(stderr, "usage: rng [COUNT], 1..%d\n",
				RNG_MAX);
			return 2;
		}
	}
	if (!libtocksync_rng_exists()) {
		fprintf(stderr,
			"rng: no Tock RNG driver (is tockallow loaded?)\n");
		return 1;
	}

	ret = libtocksync_rng_get_random_bytes(rng_buf, sizeof(rng_buf),
					       (uint32_t)count, &got);
	if (ret != RETURNCODE_SUCCESS) {
		fprintf(stderr, "rng: %s\n", tock_strrcode(ret));
		return 1;
	}
	for (i = 0; i < got; i++)
		printf("%02x%s", rng_buf[i], i % 32 == 31 ? "\n" : "");
	if (got % 32)
		putchar('\n');
	if ((unsigned long)got != count) {
		fprintf(stderr, "rng: got %d of %lu bytes\n", got, count);
		return 1;
	}
	return 0;
}
