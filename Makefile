# undertow - stress overlayfs while its layers change underneath.
#   make            build ./undertow
#   make check      install missing build deps, unit + integration tests
#   make check-vm-612  the quick matrix in a Debian 6.12 VM (slow; .ci/run runs it)
#   make check-explore --explore for 60 s in the 6.1 VM (2-3 min; .ci/run runs it)
#   make sanitize   the same tests on an ASan+UBSan build
#   make bench      engine vs a bare syscall loop on the same mount
#   make clean

BUILD    ?= build
PKGS     := liburing jansson fuse3
CC       ?= cc
CFLAGS   ?= -O2 -g
# lib/ keeps one job per file, grouped in subfolders (backends/, detect/, ...).
LIB_DIRS := lib $(patsubst %/,%,$(sort $(dir $(wildcard lib/*/*.c lib/*/*.h))))
CFLAGS   += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror $(addprefix -I,$(LIB_DIRS)) -Iharness
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ifeq ($(SAN),1)
CFLAGS   += $(SAN_FLAGS)
LDFLAGS  += $(SAN_FLAGS)
endif
# The VM runner's initramfs wants one self-contained binary.
ifeq ($(STATIC),1)
LDFLAGS  += -static
STATIC_PKG := --static
endif
# Recursive (=) so they are read after deps.sh has installed pkg-config files.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(STATIC_PKG) $(PKGS) 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

LIB_SRC  := $(wildcard lib/*.c lib/*/*.c)
SCN_SRC  := $(wildcard scenarios/*.c)
HAR_SRC  := $(filter-out harness/main.c,$(wildcard harness/*.c))
UNIT_SRC := $(wildcard tests/unit/*.c)
# stallfs.c is a program of its own: the FUSE server of the stalled-path test.
STALLFS  := tests/integration/stallfs.c
# watchprog.c too: the watch tests' program, static so the VM can run it.
WATCHPROG := tests/integration/watchprog.c
INT_SRC  := $(filter-out $(STALLFS) $(WATCHPROG),$(wildcard tests/integration/*.c))
CORE_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC) $(SCN_SRC) $(HAR_SRC))
HDRS     := $(wildcard lib/*.h lib/*/*.h harness/*.h tests/*/*.h)

.PHONY: all check check-vm-612 check-debug check-repro check-explore sanitize bench clean deps unit integration shellcheck static

all: undertow

# Replace, not overwrite: a running ./undertow keeps its old inode.
undertow: $(BUILD)/undertow
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/undertow: $(CORE_OBJ) $(BUILD)/harness/main.o
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/unit-tests: $(CORE_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRC))
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

# int-tests runs stallfs and watchprog from its own directory.
$(BUILD)/int-tests: $(patsubst %.c,$(BUILD)/%.o,$(INT_SRC)) $(BUILD)/lib/errname.o | $(BUILD)/stallfs $(BUILD)/watchprog
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

$(BUILD)/stallfs: $(BUILD)/$(STALLFS:.c=.o)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Plain flags: static, never sanitized (make sanitize's flags cannot link static).
$(BUILD)/watchprog: $(WATCHPROG)
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -static -o $@ $<

deps:
	@./harness/deps.sh

static:
	@$(MAKE) --no-print-directory BUILD=build/static STATIC=1 build/static/undertow

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

integration: $(BUILD)/int-tests $(BUILD)/undertow
	UNDERTOW=$(BUILD)/undertow $(BUILD)/int-tests

# deps first, then a fresh make so pkg-config sees what deps installed.
check: deps
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests $(BUILD)/int-tests
	@$(MAKE) --no-print-directory unit integration
	@if command -v shellcheck >/dev/null; then $(MAKE) --no-print-directory shellcheck; fi

# The 6.1 matrix is part of make check (suite vm_matrix); 6.12 runs only here.
check-vm-612: deps
	@$(MAKE) --no-print-directory all $(BUILD)/int-tests
	CK_RUN_SUITE=vm612 UNDERTOW=$(BUILD)/undertow $(BUILD)/int-tests

# From a finding to a verified reproducer, for real (tests/integration/
# test_vm_repro.c): overlay.ko with a deliberate bug, repro in the VM,
# the program in fresh VMs.  Not part of check: tens of VM boots.
check-repro: deps
	@$(MAKE) --no-print-directory all $(BUILD)/int-tests
	CK_RUN_SUITE=vm_repro UNDERTOW=$(BUILD)/undertow $(BUILD)/int-tests

# --explore in the 6.1 VM for 60 s (tests/integration/test_vm_explore.c):
# a corpus, each entry reaching something new, one entry replayed.  About
# 2-3 minutes; not part of check, which stays under 15.
check-explore: deps
	@$(MAKE) --no-print-directory all $(BUILD)/int-tests
	CK_RUN_SUITE=vm_explore UNDERTOW=$(BUILD)/undertow $(BUILD)/int-tests

# The debug-kernel detectors for real (tests/integration/test_debug_kernel.c):
# builds the debug kernel once (tens of minutes from a cold cache, see
# README), then boots it; and the lost-data check for real, through an
# overlay.ko from Debian's linux-source with a deliberate bug
# (test_vm_lost.c).  Not part of check.
check-debug: deps
	@$(MAKE) --no-print-directory all $(BUILD)/int-tests
	UNDERTOW=$(BUILD)/undertow UNDERTOW_CHECK_DEBUG=1 CK_RUN_SUITE=vm_lost $(BUILD)/int-tests
	UNDERTOW=$(BUILD)/undertow UNDERTOW_CHECK_DEBUG=1 CK_RUN_SUITE=debug_kernel $(BUILD)/int-tests

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 unit integration

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench
	$(BUILD)/bench 1 5

$(BUILD)/bench: $(BUILD)/tests/bench/bench.o $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

shellcheck:
	shellcheck -x -S warning run.sh harness/*.sh harness/bisect tests/kselftest/*.sh tests/kmod/*.sh tests/kmod/ovlbug/*.sh .ci/run \
		ci/lava/*.sh tests/ci/*.sh tests/bench/*.sh

clean:
	rm -rf build undertow

# ---- kselftest ----------------------------------------------------------
# undertow as a kselftest collection (files in tests/kselftest/):
#   make install INSTALL_PATH=DIR  lay it out in DIR like lib.mk's install:
#                                  undertow, undertow.sh (TEST_PROGS), settings
#   make run_tests                 install into $(KSFT_STAGE)/$(COLLECTION) and
#                                  run it like lib.mk's run_tests (TAP on stdout)
#   make emit_tests                "COLLECTION:TEST" lines for kselftest-list.txt
# COLLECTION: the collection's place in a kselftest tree (the kernel's
# selftests Makefile passes its own).  KSFT_TIMEOUT: settings' timeout=.
# KSFT_STATIC=1 installs the static build (no shared libraries needed where
# it runs); KSFT_BIN=FILE installs FILE as it is.  KSELFTEST_DIR=a kernel's
# tools/testing/selftests: run_tests uses that kernel's own runner.sh.
COLLECTION   ?= filesystems/undertow
KSFT_TIMEOUT ?= 300
KSFT_PROGS   := undertow.sh
KSFT_SRC     := tests/kselftest
KSFT_STAGE   ?= $(BUILD)/kselftest
ifeq ($(KSFT_STATIC),1)
KSFT_BIN     ?= build/static/undertow
KSFT_BIN_DEP := static
else
KSFT_BIN     ?= undertow
KSFT_BIN_DEP := $(KSFT_BIN)
endif

.PHONY: install run_tests emit_tests shellcheck-kselftest

install: $(KSFT_BIN_DEP) $(KSFT_SRC)/undertow.sh $(KSFT_SRC)/settings.in
ifdef INSTALL_PATH
	mkdir -p $(INSTALL_PATH)
	install -m 755 $(KSFT_BIN) $(INSTALL_PATH)/undertow
	install -m 755 $(KSFT_SRC)/undertow.sh $(INSTALL_PATH)/undertow.sh
	sed -e '/^#/d' -e 's/@KSFT_TIMEOUT@/$(KSFT_TIMEOUT)/' $(KSFT_SRC)/settings.in \
		> $(INSTALL_PATH)/settings.tmp
	mv -f $(INSTALL_PATH)/settings.tmp $(INSTALL_PATH)/settings
else
	$(error Error: set INSTALL_PATH to use install)
endif

run_tests:
	@$(MAKE) -s --no-print-directory install INSTALL_PATH=$(abspath $(KSFT_STAGE))/$(COLLECTION)
ifdef KSELFTEST_DIR
	@mkdir -p $(KSFT_STAGE)/kselftest
	@cp $(KSELFTEST_DIR)/kselftest/* $(KSFT_STAGE)/kselftest/
	@BASE_DIR=$(abspath $(KSFT_STAGE)); cd "$$BASE_DIR/$(COLLECTION)" && \
		. "$$BASE_DIR/kselftest/runner.sh" && \
		if [ "X$(summary)" != "X" ]; then per_test_logging=1; fi; \
		run_many $(KSFT_PROGS)
else
	@$(KSFT_SRC)/run_collection.sh $(KSFT_STAGE) $(COLLECTION) $(KSFT_PROGS)
endif

emit_tests:
	@for TEST in $(KSFT_PROGS); do echo "$(COLLECTION):$$TEST"; done

shellcheck-kselftest:
	shellcheck -S warning $(KSFT_SRC)/*.sh
