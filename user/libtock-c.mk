# SPDX-License-Identifier: GPL-2.0
#
# libtock-c's own libraries (libtock/ and libtock-sync/ of a libtock-c
# checkout, unmodified) built for Linux against libtock's system-call layer
# (lib/), as one static library.  scripts/libtock-c runs this and reports
# what did not build.
#
#   make -f libtock-c.mk LIBTOCK_C=<dir> ARCH=x86_64|arm64 OUT=<abs dir>
#	$(OUT)/libtock-c.a: lib/ and every libtock-c source that compiles.
#	A source that does not compile leaves its compiler output in
#	$(OUT)/obj/<source>.log and no object; the build goes on without it.
#	$(OUT)/sources lists the sources tried, $(OUT)/replaced the ones
#	left out because lib/ replaces them.
#   make -f libtock-c.mk -s flags LIBTOCK_C=<dir> ARCH=... OUT=...
#	print the flags that build a program against it.
#
# libtock-c's sources and headers are compiled from $(OUT)/tree, a copy of
# the checkout's libtock/ and libtock-sync/ made of real directories and
# symbolic links to its files, in which libtock/tock.h is libtock's own
# tock.h.  libtock-c's headers include it by relative path ("../tock.h"),
# which the compiler resolves next to the including header before any -I
# directory, so only a tree of that shape makes them see libtock's.
# libtock-drivers/ is not linked: libtock-c's own wrappers are.  Not safe
# to run twice at once for one OUT; scripts/libtock-c takes a lock.

USER_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
UAPI_DIR := $(abspath $(USER_DIR)/../uapi)

ARCH ?= $(shell uname -m)
override ARCH := $(patsubst x86,x86_64,$(patsubst aarch64,arm64,$(ARCH)))
CC_x86_64 ?= gcc
CC_arm64 ?= aarch64-linux-gnu-gcc
TOCK_CC := $(CC_$(ARCH))
ifeq ($(TOCK_CC),)
$(error unknown ARCH '$(ARCH)': use x86_64 or arm64)
endif
TOCK_AR := $(patsubst %gcc,%ar,$(TOCK_CC))

ifeq ($(wildcard $(LIBTOCK_C)/libtock/tock.h),)
$(error LIBTOCK_C='$(LIBTOCK_C)' is not a libtock-c checkout (no libtock/tock.h))
endif
override LIBTOCK_C := $(abspath $(LIBTOCK_C))
OUT ?= $(abspath $(USER_DIR)/../build/$(ARCH)/libtock-c)
override OUT := $(abspath $(OUT))
TREE := $(OUT)/tree
OBJ := $(OUT)/obj
LIBTOCK_C_A := $(OUT)/libtock-c.a

# What lib/ replaces: libtock-c's start-up code for Tock's process
# layout (crt0.c), its system-call layer, whose Tock system calls are
# svc/ecall instructions (tock.c), and its newlib stubs, which would
# stand in for glibc's own _exit, _write, ... (the two sys.c).
REPLACED := libtock/crt0.c libtock/tock.c libtock/sys.c libtock-sync/sys.c

# The tree is made again, before any rule, whenever the checkout's list of
# files (or the checkout) changed; the objects depend on the files its
# links point to, so edits need no new tree.  An unchanged tree is left
# alone: a program may be compiling against it.  Objects built from
# another checkout are thrown away first.
TREE_MADE := $(shell mkdir -p $(OUT) && \
	{ [ "$$(cat $(OUT)/checkout 2>/dev/null)" = "$(LIBTOCK_C)" ] || \
	  { rm -rf $(OBJ) $(OUT)/tree.list && \
	    echo "$(LIBTOCK_C)" > $(OUT)/checkout; }; } && \
	(cd $(LIBTOCK_C) && find libtock libtock-sync | LC_ALL=C sort) \
		> $(OUT)/tree.list.new && \
	if [ -d $(TREE) ] && cmp -s $(OUT)/tree.list.new $(OUT)/tree.list; \
	then rm -f $(OUT)/tree.list.new; \
	else rm -rf $(TREE) && mkdir -p $(TREE) && \
	  cp -rs $(LIBTOCK_C)/libtock $(LIBTOCK_C)/libtock-sync $(TREE)/ && \
	  ln -sfn $(USER_DIR)/lib/tock.h $(TREE)/libtock/tock.h && \
	  mv $(OUT)/tree.list.new $(OUT)/tree.list; fi && echo made)
ifneq ($(TREE_MADE),made)
$(error cannot make the libtock-c tree $(TREE))
endif

# Every C file under libtock/ and libtock-sync/, as libtock-c's own
# makefiles build them, but from the tree.
SRCS := $(filter-out $(REPLACED),$(shell cd $(LIBTOCK_C) && \
	find libtock libtock-sync -name build -prune -o -name '*.c' -print | \
	LC_ALL=C sort))
OBJS := $(addprefix $(OBJ)/,$(SRCS:.c=.o))

LIB_SRCS := $(wildcard $(USER_DIR)/lib/*.c)
LIB_OBJS := $(patsubst $(USER_DIR)/lib/%.c,$(OBJ)/tockallow-lib/%.o,$(LIB_SRCS))

# libtock-c builds with -std=gnu2x: its defer macro uses C23 attributes
# and GCC's nested functions, so only GCC builds it.  Its warnings are
# its own: they are kept in the logs and do not fail the build.
INCLUDES := -I$(TREE) -I$(TREE)/libtock
LTC_CFLAGS := -std=gnu2x -O2 -g -Wall -Werror=implicit-function-declaration \
	-MMD -MP $(INCLUDES)
LIB_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -MMD -MP \
	-I$(USER_DIR)/lib -I$(UAPI_DIR)
LDLIBS := -lpthread -lm

.PHONY: all flags FORCE
all: $(LIBTOCK_C_A) $(OUT)/sources $(OUT)/replaced

flags: $(LIBTOCK_C_A)
	@echo "-std=gnu2x $(INCLUDES) -static $(LIBTOCK_C_A) $(LDLIBS)"

# A source that fails leaves no object, only its log, and is tried again
# on the next run.
$(OBJS): $(OBJ)/%.o: $(LIBTOCK_C)/%.c $(USER_DIR)/libtock-c.mk
	@mkdir -p $(@D)
	@if $(TOCK_CC) $(LTC_CFLAGS) -c -o $@ $(TREE)/$*.c > $(@:.o=.log) 2>&1; \
	then [ -s $(@:.o=.log) ] || rm -f $(@:.o=.log); \
	else rm -f $@; fi

$(OBJ)/tockallow-lib/%.o: $(USER_DIR)/lib/%.c $(USER_DIR)/libtock-c.mk
	@mkdir -p $(@D)
	$(TOCK_CC) $(LIB_CFLAGS) -c -o $@ $<

# The objects that exist: the shell sees them, make's cache may not.
# tree.list changes when a source comes or goes.
$(LIBTOCK_C_A): $(LIB_OBJS) $(OBJS) $(OUT)/tree.list
	@rm -f $@
	@$(TOCK_AR) rcs $@ $(LIB_OBJS) \
		$$(for o in $(OBJS); do [ ! -f $$o ] || echo $$o; done)

$(OUT)/sources: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(SRCS) > $@

$(OUT)/replaced: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(REPLACED) > $@

FORCE:

-include $(OBJS:.o=.d) $(LIB_OBJS:.o=.d)
