# kmm: the Linux kernel's page allocator and lock validator in userspace.
#
#   make            build/libkmm.a, build/libkmm.so, build/kmm
#   make run        build, then run the main job (kmm demo)
#   make test       the whole suite: unit tests, then ASan+UBSan and TSan builds
#   make bench      benchmarks (bench/), see docs/BENCHMARKS.md
#   make install PREFIX=/usr/local

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
OPT     ?= -O2
SANITIZE ?=
ARCH_CFLAGS := $(if $(filter x86_64,$(shell uname -m)),-mcx16)
CFLAGS_BASE := $(ARCH_CFLAGS) -std=gnu11 -g $(OPT) -Wall -Wextra -Wshadow -Wno-unused-parameter \
	-fvisibility=hidden -fPIC -fno-omit-frame-pointer -pthread -Iinclude -Isrc
CFLAGS  += $(CFLAGS_BASE) $(SANITIZE)
LDFLAGS += $(SANITIZE)
LDLIBS  += -pthread -ldl -lm

LIB_SRCS  := $(sort $(wildcard src/*/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_SRCS := $(sort $(wildcard tools/kmm/*.c))
TOOL_OBJS := $(TOOL_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_SRCS := $(sort $(wildcard tests/*/*.c))
TESTS     := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%.t)
HEADERS   := $(wildcard include/kmm/*.h src/*/*.h tests/*.h tests/*/*.h)

.PHONY: all run test check test-unit test-asan test-tsan deps bench install clean

all: $(BUILD)/libkmm.a $(BUILD)/libkmm.so $(BUILD)/kmm

$(BUILD)/obj/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libkmm.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libkmm.so.0: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libkmm.so.0 -Wl,-z,start-stop-visibility=hidden $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libkmm.so: $(BUILD)/libkmm.so.0
	ln -sf libkmm.so.0 $@

$(BUILD)/kmm: $(TOOL_OBJS) $(BUILD)/libkmm.a
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(TOOL_OBJS) $(BUILD)/libkmm.a $(LDLIBS)

# Tests link the static library so that they can reach hidden internals.
$(BUILD)/tests/%.t: tests/%.c $(BUILD)/libkmm.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -DKMM_BUILD='"$(BUILD)"' -DKMM_CC='"$(CC) $(SANITIZE)"' $(LDFLAGS) -rdynamic -o $@ $< $(BUILD)/libkmm.a $(LDLIBS)

run: all
	$(BUILD)/kmm demo

test-unit: deps all $(TESTS)
	prove --exec '' $(TESTS)

deps:
	@sh scripts/ensure-deps.sh

# Memory safety (clang, AddressSanitizer + UndefinedBehaviorSanitizer).
test-asan: deps
	$(MAKE) --no-print-directory BUILD=build-asan CC=clang OPT=-O1 \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" test-unit

# Concurrency (clang, ThreadSanitizer).
test-tsan: deps
	$(MAKE) --no-print-directory BUILD=build-tsan CC=clang OPT=-O1 \
	  SANITIZE="-fsanitize=thread" test-unit

test: test-unit test-asan test-tsan
check: test

bench: all
	$(MAKE) -C bench BUILD=$(abspath $(BUILD))

install: all
	install -d $(DESTDIR)$(PREFIX)/include/kmm $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/kmm/*.h $(DESTDIR)$(PREFIX)/include/kmm/
	install -m 644 $(BUILD)/libkmm.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libkmm.so.0 $(DESTDIR)$(PREFIX)/lib/libkmm.so.0
	ln -sf libkmm.so.0 $(DESTDIR)$(PREFIX)/lib/libkmm.so
	install -m 755 $(BUILD)/kmm $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|' kmm.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/kmm.pc

clean:
	rm -rf build build-asan build-tsan
