# SPDX-License-Identifier: GPL-2.0
#
# tockallow: build the modules (the kbuild lines are in Kbuild), the
# userspace library and programs, and run the checks.
#
#   make [ARCH=x86_64|arm64] [KDIR=...]	modules, in build/$(ARCH)/mod
#   make modules_install		build and install them (INSTALL_MOD_PATH=...)
#   make ... TOCK_TEST_DRIVER=1		also build (and install) tock_testdrv.ko,
#					the test driver; scripts/vm-run and
#					make check always ask for it
#   make user				libtock, tests, examples: build/$(ARCH)/user
#   make -s libtock-flags		flags to build a program against libtock
#   make demo				boot QEMU and run the example programs
#   make bench				allow against bare pinning, io_uring and
#					memcpy, on the benchmark kernel in QEMU
#   make check [CHECK_ARCHS=...]	every test, for x86_64 and arm64
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
BUILD_MODULES = scripts/build-modules --arch $(ARCH) --kdir "$(KDIR)" \
	$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) \
	$(if $(filter 1,$(TOCK_TEST_DRIVER)),TOCK_TEST_DRIVER=1)

.PHONY: all modules modules_install clean user libtock-flags demo bench check

all: modules

modules:
	@$(BUILD_MODULES) >/dev/null

# Built first, so that what is installed is what this make asked for and
# not what an earlier build (with or without the test driver) left.
modules_install: modules
	@$(BUILD_MODULES) modules_install >/dev/null

user:
	@scripts/build-user $(ARCH) >/dev/null

libtock-flags:
	@$(MAKE) -s --no-print-directory -C user libtock-flags ARCH=$(ARCH) \
		OUT=$(CURDIR)/build/$(ARCH)/user

demo:
	@scripts/demo $(ARCH)

bench:
	@scripts/bench $(ARCH)

check:
	@scripts/check $(CHECK_ARCHS)

clean:
	rm -rf build
