# zoobench: plain Makefile.  Targets: all test test-full bench asan fuzz install clean
PREFIX   ?= /usr/local
CC       ?= cc
BUILD    ?= build
OPT      ?= -O2 -g
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -ffp-contract=off -fno-fast-math -fPIC \
              -Iinclude -Isrc $(OPT)
CFLAGS  += $(CFLAGS_BASE)
LDLIBS  += -lcurl -lzip -ljpeg -lpng -larchive -lmatio -lz -lm -lpthread

# `make MPI=1`: zoobench built with mpicc, `mpirun -n R zoobench predict ...` splits the images.
ifeq ($(MPI),1)
CC      := mpicc
CFLAGS  += -DZB_MPI
endif

LIB_SRC  := $(sort $(wildcard src/*/*.c src/*/*/*.c))
# AVX2/FMA kernels are compiled with those extensions on purpose, file by file;
# the runtime CPU check decides whether they are called.
AVX2_SRC := $(filter src/kernels/x86/%,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  := $(sort $(wildcard cli/*.c))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test test-full bench asan tsan fuzz install clean
all: $(BUILD)/zoobench $(BUILD)/libzoobench.a $(BUILD)/libzoobench.so $(TEST_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(AVX2_SRC:%.c=$(BUILD)/%.o): CFLAGS += -mavx2 -mfma

$(BUILD)/libzoobench.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libzoobench.so: $(LIB_OBJ)
	$(CC) -shared -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/zoobench: $(CLI_OBJ) $(BUILD)/libzoobench.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/harness.h $(BUILD)/libzoobench.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libzoobench.a $(LDFLAGS) $(LDLIBS)

# Fast suite: unit tests, then integration scripts (oracles via /usr/bin/python3, node).
test: all
	ZB_BUILD=$(BUILD) tests/run.sh

# Everything, including the full-size model fidelity suites.
test-full: all
	ZB_BUILD=$(BUILD) ZB_FULL=1 tests/run.sh

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (objects in
# build-asan, rebuilt only when changed).  Tests that cannot run there (valgrind,
# `ulimit -v`) see ZB_ASAN=1 (tests/lib.sh) and skip or adapt.
ASAN_OPT = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: export ASAN_OPTIONS = detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1
asan: export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
asan:
	$(MAKE) BUILD=build-asan CC=clang OPT="$(ASAN_OPT)" LDFLAGS="-fsanitize=address,undefined" test

# The multi-threaded unit tests (thread pool, tiled kernels, batch and thread
# invariance) under ThreadSanitizer, objects in build-tsan.  setarch -R: the
# sanitizer's memory layout needs the address randomisation off on some kernels.
TSAN_TESTS = test_kernels_gemm test_kernels_conv test_kernels_direct test_kernels_stem test_kernels_winograd \
             test_determinism
tsan:
	$(MAKE) BUILD=build-tsan CC=clang OPT="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" \
	    $(TSAN_TESTS:%=build-tsan/tests/%)
	for t in $(TSAN_TESTS); do \
	    TSAN_OPTIONS=halt_on_error=1 setarch -R build-tsan/tests/$$t >build-tsan/$$t.log 2>&1 \
	        || { cat build-tsan/$$t.log; echo "FAIL tsan $$t"; exit 1; }; \
	    echo "ok tsan $$t: $$(tail -n 1 build-tsan/$$t.log)"; done

bench: all
	bench/run.sh

fuzz:
	fuzz/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/zoobench $(DESTDIR)$(PREFIX)/bin/zoobench
	install -m 644 $(BUILD)/libzoobench.a $(DESTDIR)$(PREFIX)/lib/libzoobench.a
	install -m 755 $(BUILD)/libzoobench.so $(DESTDIR)$(PREFIX)/lib/libzoobench.so
	install -m 644 include/zoobench.h $(DESTDIR)$(PREFIX)/include/zoobench.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|'$$(sed -n 's/#define ZB_VERSION "\(.*\)"/\1/p' include/zoobench.h)'|g' \
	    zoobench.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/zoobench.pc
	install -m 644 man/zoobench.1 $(DESTDIR)$(PREFIX)/share/man/man1/zoobench.1

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
