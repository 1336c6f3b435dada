# SPDX-License-Identifier: GPL-2.0
#
# tockallow: build the modules (the kbuild lines are in Kbuild), the
# userspace library and programs, and run the checks.
#
#   make [ARCH=x86_64|arm64] [KDIR=...]	modules, in build/$(ARCH)/mod
#   make modules_install		build and install them (INSTALL_MOD_PATH=...)
#   make install [DESTDIR=] [PREFIX=/usr/local]
#					modules, the in-kernel API headers and
#					Module.symvers (for drivers built out of
#					tree), libtock.a, its headers and
#					libtock.pc, the udev rule and the
#					modules-load.d file
#   make ... TOCK_TEST_DRIVER=1		also build (and install) tock_testdrv.ko,
#					the test driver; scripts/vm-run and
#					make check always ask for it
#   make user				libtock, tests, examples: build/$(ARCH)/user
#   make -s libtock-flags		flags to build a program against libtock
#   make -s libtock-cc			the compiler for ARCH
#   make libtock-c LIBTOCK_C=DIR	libtock-c's own libtock/ and libtock-sync/
#					against libtock's system calls:
#					build/$(ARCH)/libtock-c (scripts/libtock-c)
#   make -s libtock-c-flags LIBTOCK_C=DIR  flags to build a program against it
#   make demo				boot QEMU and run the example programs
#   make bench				allow against bare pinning, io_uring and
#					memcpy, on the benchmark kernel in QEMU
#   make check [CHECK_ARCHS=...]	every test, for x86_64 and arm64
#   make fuzz [DURATION=600] [SEED=N] [ARCH=...]
#					user/fuzz/tock_fuzz, then trinity on
#					/dev/tock, on the test kernel in QEMU
#   make clean

HOST_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))
ARCH ?= $(HOST_ARCH)
override ARCH := $(patsubst x86,x86_64,$(patsubst aarch64,arm64,$(ARCH)))
ifeq ($(ARCH)-$(HOST_ARCH),arm64-x86_64)
CROSS_COMPILE ?= aarch64-linux-gnu-
endif

# The running kernel's build tree when building for it; otherwise the
# project's own test kernel for ARCH (built once, then cached).
HOST_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(ARCH)-$(wildcard $(HOST_KDIR)),$(HOST_ARCH)-$(HOST_KDIR))
KDIR ?= $(HOST_KDIR)
else
KDIR ?= $(shell scripts/build-kernel $(ARCH))
endif

# Kernel 6.12 builds external modules in their source directory, so
# scripts/build-modules builds from a copy of the sources per ARCH.
# MOD_OUT: where the modules are built (dkms.conf sets it), else
# build/$(ARCH)/mod.
MOD_OUT ?= build/$(ARCH)/mod
BUILD_MODULES = scripts/build-modules --arch $(ARCH) --kdir "$(KDIR)" \
	--out "$(MOD_OUT)" \
	$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) \
	$(if $(filter 1,$(TOCK_TEST_DRIVER)),TOCK_TEST_DRIVER=1)

.PHONY: all modules modules_install install clean user libtock-flags demo \
	bench check fuzz

VERSION := 0.1
PREFIX ?= /usr/local
UDEVDIR ?= /usr/lib/udev
MODULESLOADDIR ?= /usr/lib/modules-load.d
USER_OUT := $(CURDIR)/build/$(ARCH)/user

all: modules

modules:
	@$(BUILD_MODULES) >/dev/null

# Built first, so that what is installed is what this make asked for and
# not what an earlier build (with or without the test driver) left.
modules_install: modules
	@$(BUILD_MODULES) INSTALL_MOD_PATH="$(or $(INSTALL_MOD_PATH),$(DESTDIR))" \
		modules_install >/dev/null

# Module.symvers goes under the kernel release it was built for, where
# an out-of-tree driver's KBUILD_EXTRA_SYMBOLS finds it.
install: modules_install
	@$(MAKE) -s --no-print-directory -C user ARCH=$(ARCH) OUT=$(USER_OUT) \
		$(USER_OUT)/libtock.a
	$(eval krel := $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
		"$(KDIR)/include/generated/utsrelease.h"))
	install -d "$(DESTDIR)$(PREFIX)/include/tockallow/tock" \
		"$(DESTDIR)$(PREFIX)/lib/tockallow/$(krel)" \
		"$(DESTDIR)$(PREFIX)/include/libtock" \
		"$(DESTDIR)$(PREFIX)/lib/pkgconfig" \
		"$(DESTDIR)$(UDEVDIR)/rules.d" "$(DESTDIR)$(MODULESLOADDIR)"
	install -m 0644 include/tock/*.h "$(DESTDIR)$(PREFIX)/include/tockallow/tock/"
	install -m 0644 uapi/tockallow.h "$(DESTDIR)$(PREFIX)/include/tockallow/"
	install -m 0644 "$(MOD_OUT)/Module.symvers" \
		"$(DESTDIR)$(PREFIX)/lib/tockallow/$(krel)/"
	install -m 0644 $(USER_OUT)/libtock.a "$(DESTDIR)$(PREFIX)/lib/"
	install -m 0644 user/lib/tock.h user/lib/tock_linux.h uapi/tockallow.h \
		"$(DESTDIR)$(PREFIX)/include/libtock/"
	cd user/libtock-drivers && find . -name '*.h' -exec install -D -m 0644 \
		'{}' "$(DESTDIR)$(PREFIX)/include/libtock/{}" ';'
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
		dist/libtock.pc.in > "$(DESTDIR)$(PREFIX)/lib/pkgconfig/libtock.pc"
	install -m 0644 dist/60-tockallow.rules "$(DESTDIR)$(UDEVDIR)/rules.d/"
	install -m 0644 dist/tockallow.conf "$(DESTDIR)$(MODULESLOADDIR)/"

user:
	@scripts/build-user $(ARCH) >/dev/null

libtock-flags:
	@$(MAKE) -s --no-print-directory -C user libtock-flags ARCH=$(ARCH) \
		OUT=$(CURDIR)/build/$(ARCH)/user

.PHONY: libtock-cc libtock-c libtock-c-flags
libtock-cc:
	@$(MAKE) -s --no-print-directory -C user libtock-cc ARCH=$(ARCH)

libtock-c libtock-c-flags:
	@$(if $(LIBTOCK_C),,echo "usage: make $@ LIBTOCK_C=/path/to/libtock-c" >&2; exit 2;) \
		scripts/libtock-c $(if $(filter %-flags,$@),--flags) $(ARCH) "$(LIBTOCK_C)"

demo:
	@scripts/demo $(ARCH)

bench:
	@scripts/bench $(ARCH)

check:
	@scripts/check $(CHECK_ARCHS)

fuzz:
	@$(if $(DURATION),DURATION=$(DURATION)) $(if $(SEED),SEED=$(SEED)) \
		scripts/fuzz $(ARCH)

clean:
	rm -rf build
