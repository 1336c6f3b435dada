// SPDX-License-Identifier: GPL-2.0
/*
 * crc: CRC-32, CRC-32C and CRC-16-CCITT of a file or a string, computed by
 * Tock's CRC driver, the synchronous libtock-sync way.
 *
 * A file is mapped read-only and allowed read-only as it is: the Linux
 * counterpart of a Tock app sharing its flash.
 *
 * Usage: crc FILE | crc -s STRING	(no argument: the string "ABCDEFG")
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libtock-sync/peripherals/crc.h>

static const struct {
	libtock_crc_alg_t alg;
	const char *name;
} crc_algs[] = {
	{ LIBTOCK_CRC_32,	"CRC-32" },
	{ LIBTOCK_CRC_32C,	"CRC-32C" },
	{ LIBTOCK_CRC_16CCITT,	"CRC-16-CCITT" },
};
#define CRC_ALGS (sizeof(crc_algs) / sizeof(crc_algs[0]))

/* Map @path read-only; an empty file gives an empty buffer. */
static int crc_map_file(const char *path, const uint8_t **buf, size_t *len)
{
	struct stat st;
	void *map;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		return -1;
	}
	*buf = NULL;
	*len = (size_t)st.st_size;
	if (*len) {
		map = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			perror(path);
			close(fd);
			return -1;
		}
		*buf = map;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const uint8_t *buf = (const uint8_t *)"ABCDEFG";
	size_t len = strlen((const char *)buf);
	const char *what = "\"ABCDEFG\"";
	returncode_t ret;
	uint32_t result;
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "-s")) {
		buf = (const uint8_t *)argv[2];
		len = strlen(argv[2]);
		what = "the string";
	} else if (argc == 2 && argv[1][0] != '-') {
		if (crc_map_file(argv[1], &buf, &len))
			return 1;
		what = argv[1];
	} else if (argc != 1) {
		fprintf(stderr, "usage: crc FILE | crc -s STRING\n");
		return 2;
	}
	if (!libtocksync_crc_exists()) {
		fprintf(stderr,
			"crc: no Tock CRC driver (is tockallow loaded?)\n");
		return 1;
	}

	printf("%s, %zu bytes:\n", what, len);
	for (i = 0; i < CRC_ALGS; i++) {
		ret = libtocksync_crc_compute(buf, len, crc_algs[i].alg,
					      &result);
		if (ret != RETURNCODE_SUCCESS) {
			fprintf(stderr, "crc: %s: %s\n", crc_algs[i].name,
				tock_strrcode(ret));
			return 1;
		}
		printf("  %-13s 0x%08x\n", crc_algs[i].name,
		       (unsigned int)result);
	}
	return 0;
}
