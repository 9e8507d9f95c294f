# kiln — one Makefile for the library, the CLI and the tests.
#
#   make            build/kiln and build/libkiln.a (installs missing packages first)
#   make check      everything, tests, then the tests again under ASan+UBSan
#   make check-san  only the sanitizer build and its tests
#   make serve      build, then run the HTTP service on 127.0.0.1:3000 in the foreground
#   make fuzz       the libFuzzer targets of fuzz/, FUZZ_SECONDS each (see the fuzzing section)
#   make soak       the server under mixed load and attacks for SOAK_SECONDS (600) at
#                   SOAK_CONCURRENCY (32), watched for leaks (bench/soak.py, docs/soak.md)
#   make languages  the Debian packages of the languages' toolchains (LANGS="go rust"; none: all)
#   make bench-languages  median hello-world time of each installed language over HTTP
#   make bench-interactive  first-output latency of SSE and the WebSocket, stdin round trips
#   make bench-cluster  submissions per second on 1, 2 and 3 nodes sharing one Redis
#   make install    kiln, libkiln (.a, .so, kiln.pc), kiln.h, the languages, kiln(1)
#                   under PREFIX (/usr/local), DESTDIR for packaging
#   make format     clang-format over the sources
#
# SANITIZE=address,undefined builds into build/san/ instead of build/.

CC      ?= gcc
# The V8 runtime's shared object (see the V8 section at the end).
V8_SO   := $(CURDIR)/build/kiln_v8.so
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD   := build
OPT     := -O2 -D_FORTIFY_SOURCE=2
else
BUILD   := build/san
OPT     := -O1 -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Packages come from Debian; scripts/bootstrap.sh installs them. The probes
# run only for targets that compile, so `make deps` works on a bare machine.
PKGS := libseccomp libcjson libmicrohttpd
# The server's WebSocket: libwslay frames (Debian ships no .pc for it),
# nettle's SHA-1 makes the handshake's accept key. Submissions: SQLite
# (one node), hiredis (many nodes on one Redis), libcurl (their callbacks).
SERVER_PKGS := nettle sqlite3 hiredis libcurl
WSLAY_H := /usr/include/wslay/wslay.h
NEED_PKGS := $(filter-out deps clean format,$(or $(MAKECMDGOALS),all))
ifneq ($(NEED_PKGS),)
ifeq ($(shell command -v pkg-config >/dev/null && pkg-config --exists $(PKGS) $(SERVER_PKGS) && test -f $(WSLAY_H) && echo ok),)
$(shell bash scripts/bootstrap.sh >&2)
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
ifeq ($(shell pkg-config --exists $(PKGS) $(SERVER_PKGS) && test -f $(WSLAY_H) && echo ok),)
$(error missing libraries: $(PKGS) $(SERVER_PKGS) libwslay; run scripts/bootstrap.sh as root)
endif
SERVER_LIBS := -lwslay $(shell pkg-config --libs $(SERVER_PKGS))
endif

# CPython for the warm python runtime: Debian's, by its own config script
# (the first python3 on PATH may be another build).
PYCONFIG := /usr/bin/python3.11-config
ifneq ($(NEED_PKGS),)
ifeq ($(wildcard $(PYCONFIG)),)
$(error $(PYCONFIG) missing: run scripts/bootstrap.sh as root (libpython3.11-dev))
endif
PY_CFLAGS := $(shell $(PYCONFIG) --includes)
PY_LIBS   := $(shell $(PYCONFIG) --embed --ldflags)
endif

# `make install` builds a flavor of its own in build/prefix: position-independent
# code for libkiln.so, and the paths of the installed tree compiled in.
PREFIX  ?= /usr/local
# One build folder per PREFIX: the paths are compiled in, and make does not
# rebuild on changed flags.
INST    := build/prefix$(subst /,_,$(PREFIX))
ifneq ($(INSTALL_FLAVOR),)
BUILD   := $(INST)
LANG_DIR_DEF := $(PREFIX)/share/kiln/languages
V8_SO_DEF    := $(PREFIX)/lib/kiln/kiln_v8.so
PIC     := -fPIC
else
LANG_DIR_DEF := $(CURDIR)/languages
V8_SO_DEF    := $(V8_SO)
PIC     := -fPIE
endif

WARN    := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
           -Wformat=2 -Wno-format-nonliteral -Wundef -Wpointer-arith -Wvla
HARDEN  := -fstack-protector-strong $(PIC) -fcf-protection
CFLAGS  := -std=gnu11 -g $(OPT) $(WARN) $(HARDEN) -MMD -MP -Iinclude -Isrc $(PKG_CFLAGS) \
           -DKILN_LANGUAGES_DIR='"$(LANG_DIR_DEF)"' -DKILN_V8_SO='"$(V8_SO_DEF)"'
LDFLAGS := -pie -Wl,-z,relro,-z,now $(if $(SANITIZE),-fsanitize=$(SANITIZE))
LDLIBS  := $(PKG_LIBS) $(PY_LIBS) -lpthread

LIB_SRCS := \
	src/util/err.c \
	src/util/buf.c \
	src/util/utf8.c \
	src/util/argv.c \
	src/util/json.c \
	src/util/lines.c \
	src/util/num.c \
	src/util/token.c \
	src/jail/cgroup.c \
	src/jail/cgroup_v1.c \
	src/jail/cgroup_v2.c \
	src/jail/seccomp.c \
	src/jail/denials.c \
	src/jail/rootfs.c \
	src/jail/netns.c \
	src/jail/msg.c \
	src/jail/sandbox.c \
	src/jail/keeper.c \
	src/jail/supervise.c \
	src/jail/box_path.c \
	src/jail/jail.c \
	src/jail/zygote.c \
	src/engine/limits.c \
	src/engine/file_name.c \
	src/engine/lang.c \
	src/engine/engine.c \
	src/engine/warm_pool.c \
	src/engine/result.c \
	src/engine/artifact_cache.c \
	src/engine/session.c \
	src/runtime/exec.c \
	src/runtime/python.c \
	src/runtime/js.c

CLI_SRCS := \
	src/cli/main.c \
	src/cli/opts.c \
	src/cli/cmd_run.c \
	src/cli/cmd_languages.c \
	src/cli/cmd_check.c \
	src/cli/cmd_bench.c \
	src/cli/json_out.c

# `kiln serve` (src/server/), linked into build/kiln beside the CLI.
SERVER_SRCS := \
	src/server/server.c \
	src/server/handler.c \
	src/server/reply.c \
	src/server/stream.c \
	src/server/ws.c \
	src/server/route_v1.c \
	src/server/route_v2.c \
	src/server/json_req.c \
	src/server/codec.c \
	src/server/config.c \
	src/server/workers.c \
	src/server/access.c \
	src/server/deadline.c \
	src/server/metrics.c \
	src/server/openapi.c \
	src/server/profile.c \
	src/server/sessions.c \
	src/server/submissions.c \
	src/server/runners.c \
	src/server/verdict.c \
	src/server/callback.c \
	src/server/jobq.c \
	src/server/jobq_sqlite.c \
	src/server/jobq_redis.c

UNIT_TESTS := \
	tests/unit/test_server_req \
	tests/unit/test_callback \
	tests/unit/test_limits \
	tests/unit/test_lang \
	tests/unit/test_cgroup \
	tests/unit/test_util \
	tests/unit/test_cache \
	tests/unit/test_jail \
	tests/unit/test_warm \
	tests/unit/test_warm_js \
	tests/unit/test_session

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
SERVER_OBJS := $(SERVER_SRCS:%.c=$(BUILD)/%.o)
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/%)

.PHONY: all deps check check-san test-unit test-integration bench bench-http bench-interactive soak format clean serve
.PHONY: fuzz fuzz-build fuzz-toolchain languages bench-languages bench-cluster
all: deps $(BUILD)/kiln $(BUILD)/libkiln.a $(if $(SANITIZE),,$(V8_SO))

deps:
	@bash scripts/bootstrap.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# Python.h is not written for -Wundef and -Wshadow; the rest still apply.
$(BUILD)/src/runtime/python.o: src/runtime/python.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PY_CFLAGS) -Wno-undef -c $< -o $@

$(BUILD)/libkiln.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/kiln: $(CLI_OBJS) $(SERVER_OBJS) $(BUILD)/libkiln.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(SERVER_OBJS) $(BUILD)/libkiln.a $(LDLIBS) $(SERVER_LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libkiln.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< \
		$(BUILD)/libkiln.a $(LDLIBS) $(shell pkg-config --libs cmocka)

# The callbacks' sender links alone too, with libcurl; its test talks to a
# tiny HTTP server of its own on the loopback.
CALLBACK_OBJS := $(BUILD)/src/server/callback.o
$(CALLBACK_OBJS): CFLAGS += $(shell pkg-config --cflags libcurl)
$(BUILD)/tests/unit/test_callback: tests/unit/test_callback.c $(CALLBACK_OBJS) $(BUILD)/libkiln.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka libcurl) $(LDFLAGS) -o $@ $< \
		$(CALLBACK_OBJS) $(BUILD)/libkiln.a $(LDLIBS) $(shell pkg-config --libs libcurl cmocka)

# The server's request parsing is pure code: its unit test links it alone.
SERVER_REQ_OBJS := $(BUILD)/src/server/json_req.o $(BUILD)/src/server/codec.o \
	$(BUILD)/src/server/profile.o \
	$(BUILD)/src/server/openapi.o
$(BUILD)/tests/unit/test_server_req: tests/unit/test_server_req.c $(SERVER_REQ_OBJS) \
		$(BUILD)/libkiln.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< $(SERVER_REQ_OBJS) \
		$(BUILD)/libkiln.a $(LDLIBS) $(shell pkg-config --libs cmocka)

# The Debian packages of the languages' toolchains: LANGS="go rust java", or
# every definition in languages/ when LANGS is empty.
languages:
	@bash scripts/install-languages.sh $(LANGS)

# Median hello-world time of each installed language through the HTTP API.
bench-languages: all
	python3 bench/languages.py --kiln $(BUILD)/kiln --runs $(or $(RUNS),10) --fresh $(LANGS)

test-unit: all $(UNIT_BINS)
	@bash tests/run.sh unit $(BUILD)

test-integration: all
	@bash tests/run.sh integration $(BUILD)

# The closing line of `make check` is the sum over every suite and both builds,
# and the fuzz smoke. Without clang the fuzz binaries are not built, and the
# fuzz suite fails saying so (bootstrap installs clang: it is not optional).
# The languages' toolchains come first: tests of a language that is not
# installed are skipped, and CI installs them all (about 2 GB, 90 s of apt-get
# on a machine with the packages at hand). CHECK_LANGS="c python" narrows it.
check: all $(UNIT_BINS)
	@bash scripts/install-languages.sh $(or $(CHECK_LANGS),all)
	@$(MAKE) --no-print-directory install-build PREFIX=$(CURDIR)/build/install-test
	@$(MAKE) --no-print-directory SANITIZE=address,undefined $(BUILD)/san/kiln \
		$(UNIT_TESTS:%=build/san/%)
	@$(MAKE) --no-print-directory fuzz-build || echo "# fuzz targets not built" >&2
	@bash tests/run.sh all $(BUILD) build/san

check-san:
	@$(MAKE) --no-print-directory $(V8_SO)
	@$(MAKE) --no-print-directory SANITIZE=address,undefined all \
		$(UNIT_TESTS:%=build/san/%)
	@$(MAKE) --no-print-directory fuzz-build || echo "# fuzz targets not built" >&2
	@bash tests/run.sh all build/san

# Load on the real server with wrk: requests/s, p50, p99, peak memory.
bench-http: all
	bash bench/http.sh $(BUILD)/kiln $(or $(DURATION),10) 20 python javascript typescript bash

# Streamed and interactive runs: time to the first output event (SSE and the
# WebSocket), and a line's round trip through a running program's stdin.
bench-interactive: all
	python3 bench/interactive.py --kiln $(BUILD)/kiln --runs $(or $(RUNS),200) --lines 200

# Submissions per second on one, two and three nodes sharing one Redis.
bench-cluster: all
	python3 bench/cluster.py --count $(or $(COUNT),2000)

# The server on a free loopback port under legitimate runs, attacks and abuse
# from SOAK_CONCURRENCY clients; fails on a failed legitimate request, memory
# not flat within 10 %, or fds, processes, mounts or cgroups left over.
soak: all
	python3 bench/soak.py --kiln $(BUILD)/kiln --seconds $(or $(SOAK_SECONDS),600) \
		--concurrency $(or $(SOAK_CONCURRENCY),32) --report $(BUILD)/soak.json

# The HTTP service in the foreground on 127.0.0.1:3000 (Ctrl-C stops it).
serve: all
	$(BUILD)/kiln serve --listen 127.0.0.1:3000

# Benchmarks print medians and percentiles; figures go in docs/benchmarks.md.
$(BUILD)/bench/%: bench/%.c $(BUILD)/libkiln.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libkiln.a $(LDLIBS)

# fork_floor: the cost of a fresh process from each warm runtime's image,
# without the jail (the ceiling under kiln bench's runs/s).
bench: all $(BUILD)/bench/jail_overhead $(BUILD)/bench/fork_floor
	$(BUILD)/bench/jail_overhead -n $(or $(RUNS),100)
	for l in python javascript typescript; do \
		$(BUILD)/bench/fork_floor -l $$l -m exit -n $(or $(RUNS),500) -j 2 && \
		$(BUILD)/bench/fork_floor -l $$l -m run -n $(or $(RUNS),500) -j 2 || exit 1; \
	done

format:
	clang-format -i $(LIB_SRCS) $(CLI_SRCS) $(SERVER_SRCS) $(wildcard src/*/*.h) include/kiln.h

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(SERVER_OBJS:.o=.d)

# ---- V8 runtime ------------------------------------------------------------
# src/runtime/v8.cc (JavaScript and TypeScript) on Debian's libnode108 (V8
# 10.2), unpacked into deps/libnode by scripts/deps-libnode.sh; sucrase and
# Node's util.inspect bundled from npm into deps/js/vendor.js by
# scripts/deps-npm.sh; both embedded with the JS of src/runtime/js/.
# Built apart as $(BUILD)/libkiln_v8.a: a binary that links it adds $(V8_LIBS).
CXX         ?= g++
V8_DEPS     := $(CURDIR)/deps/libnode
V8_LIBDIR   := $(V8_DEPS)/usr/lib/x86_64-linux-gnu
V8_HEADER   := $(V8_DEPS)/usr/include/node/v8.h
V8_LIBS     := -L$(V8_LIBDIR) -Wl,-rpath,$(V8_LIBDIR) -l:libnode.so.108 -lstdc++ -lm
# libnode is built without RTTI: v8::ArrayBuffer::Allocator has no typeinfo.
# -fPIC: the same objects go into kiln_v8.so and into test_v8.
V8_CXXFLAGS := -std=c++17 -g $(OPT) -Wall -Wextra -Wshadow -Wno-unused-parameter \
               -fno-rtti -fno-exceptions $(HARDEN) -fPIC -MMD -MP -Iinclude -Isrc \
               -isystem $(V8_DEPS)/usr/include/node
# Order matters: vendor.js defines what the others take; run.js comes last.
V8_JS_SRCS  := deps/js/vendor.js src/runtime/js/core.js src/runtime/js/buffer.js \
               src/runtime/js/process.js src/runtime/js/modules.js src/runtime/js/run.js
V8_OBJS     := $(BUILD)/src/runtime/v8.o $(BUILD)/v8/v8_js.o
V8_TEST     := $(BUILD)/tests/unit/test_v8

.PHONY: v8 bench-v8
v8: $(BUILD)/libkiln_v8.a $(V8_TEST)

$(V8_HEADER):
	bash scripts/deps-libnode.sh

deps/js/vendor.js: package.json package-lock.json src/runtime/js/vendor-entry.js scripts/deps-npm.sh
	bash scripts/deps-npm.sh

$(BUILD)/src/runtime/v8.o: src/runtime/v8.cc | $(V8_HEADER)
	@mkdir -p $(dir $@)
	$(CXX) $(V8_CXXFLAGS) -c $< -o $@

# Each script becomes a byte array in one generated C file, in V8_JS_SRCS order.
$(BUILD)/v8/v8_js.c: $(V8_JS_SRCS)
	@mkdir -p $(dir $@)
	@{ echo '/* generated by the Makefile from V8_JS_SRCS; do not edit */'; \
	  echo '#include <stddef.h>'; \
	  echo 'struct v8js_file { const char *name; const unsigned char *data; size_t len; };'; \
	  i=0; for f in $^; do \
	    echo "static const unsigned char v8js_$$i[] = {"; \
	    od -An -v -tx1 "$$f" | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0 };'; i=$$((i + 1)); \
	  done; \
	  echo 'extern const struct v8js_file v8js_files[];'; \
	  echo 'extern const size_t v8js_count;'; \
	  echo 'const struct v8js_file v8js_files[] = {'; \
	  i=0; for f in $^; do \
	    echo "    { \"$$(basename $$f)\", v8js_$$i, sizeof v8js_$$i - 1 },"; i=$$((i + 1)); \
	  done; \
	  echo '};'; \
	  echo "const size_t v8js_count = $$i;"; } > $@.tmp && mv $@.tmp $@

$(BUILD)/v8/v8_js.o: $(BUILD)/v8/v8_js.c
	$(CC) -std=gnu11 -O0 -fPIC -c $< -o $@

$(BUILD)/libkiln_v8.a: $(V8_OBJS)
	@rm -f $@
	ar rcs $@ $^

# What the javascript and typescript zygotes dlopen (runtime/js.c); the kiln
# binary itself does not link libnode. Always the uninstrumented build: the
# sanitizer build's zygotes load this one too (V8's JIT code is invisible to
# ASan, and libnode is not instrumented).
ifeq ($(SANITIZE),)
$(V8_SO): $(V8_OBJS)
	$(CXX) -shared -Wl,-z,relro,-z,now -Wl,--no-undefined -o $@ $^ $(V8_LIBS)
endif

$(V8_TEST): tests/unit/test_v8.c $(BUILD)/libkiln_v8.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< \
		$(BUILD)/libkiln_v8.a $(V8_LIBS) $(shell pkg-config --libs cmocka)

# The unit suite runs test_v8 too (not in the sanitizer build: libnode is
# not instrumented, and V8's JIT code is invisible to ASan).
check test-unit: $(V8_TEST)

# The V8 runtime in the zygote's pattern, children one at a time: prepare,
# run, page faults, CPU per child (bench/fork_floor.c, through kiln_v8.so).
bench-v8: $(BUILD)/bench/fork_floor $(V8_SO)
	$(BUILD)/bench/fork_floor -l javascript -n $(or $(RUNS),200)
	$(BUILD)/bench/fork_floor -l typescript -n $(or $(RUNS),200)

-include $(V8_OBJS:.o=.d)

# ---- installing ------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=]: the CLI, kiln.h, libkiln.a and
# libkiln.so with kiln.pc for pkg-config, the language definitions, the V8
# runtime (beside it the libnode it links, found through $$ORIGIN) and kiln(1).
# Programs built against it: examples/, `pkg-config --cflags --libs kiln`.
.PHONY: install install-build install-files
KILN_VERSION := 0.1.0

install: install-build
	@$(MAKE) --no-print-directory INSTALL_FLAVOR=1 PREFIX=$(PREFIX) install-files

# Everything install copies, built (also by make check, so that the install
# test only copies).
install-build: all
	@$(MAKE) --no-print-directory INSTALL_FLAVOR=1 PREFIX=$(PREFIX) $(INST)/kiln \
		$(INST)/libkiln.a $(INST)/libkiln.so.$(KILN_VERSION) $(INST)/kiln_v8.so $(INST)/kiln.pc

ifneq ($(INSTALL_FLAVOR),)
$(INST)/libkiln.so.$(KILN_VERSION): $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libkiln.so.0 -Wl,-z,relro,-z,now -Wl,--no-undefined -o $@ \
		$(LIB_OBJS) $(shell pkg-config --libs libseccomp libcjson) $(PY_LIBS) -lpthread -ldl

# The uninstrumented V8 objects of build/, linked to find libnode beside them.
$(INST)/kiln_v8.so: build/src/runtime/v8.o build/v8/v8_js.o
	$(CXX) -shared -Wl,-z,relro,-z,now -Wl,--no-undefined -o $@ $^ -L$(V8_LIBDIR) \
		-Wl,-rpath,'$$ORIGIN' -l:libnode.so.108 -lstdc++ -lm

$(INST)/kiln.pc: Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: kiln' 'Description: run untrusted code in a Linux jail, a fresh process per run' \
		'Version: $(KILN_VERSION)' 'Requires.private: libseccomp libcjson' \
		'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lkiln' \
		'Libs.private: $(PY_LIBS) -lpthread -ldl' > $@

install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/lib/kiln \
		$(DESTDIR)$(PREFIX)/share/kiln/languages $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(INST)/kiln $(DESTDIR)$(PREFIX)/bin/kiln
	install -m 644 include/kiln.h $(DESTDIR)$(PREFIX)/include/kiln.h
	install -m 644 $(INST)/libkiln.a $(DESTDIR)$(PREFIX)/lib/libkiln.a
	install -m 755 $(INST)/libkiln.so.$(KILN_VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libkiln.so.$(KILN_VERSION) $(DESTDIR)$(PREFIX)/lib/libkiln.so.0
	ln -sf libkiln.so.0 $(DESTDIR)$(PREFIX)/lib/libkiln.so
	install -m 644 $(INST)/kiln.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/kiln.pc
	install -m 755 $(INST)/kiln_v8.so $(DESTDIR)$(PREFIX)/lib/kiln/kiln_v8.so
	install -m 755 $(V8_LIBDIR)/libnode.so.108 $(DESTDIR)$(PREFIX)/lib/kiln/libnode.so.108
	install -m 644 languages/*.lang $(DESTDIR)$(PREFIX)/share/kiln/languages/
	install -m 644 man/kiln.1 $(DESTDIR)$(PREFIX)/share/man/man1/kiln.1
endif

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer targets, one per file in fuzz/: fuzz_json_v1 and fuzz_json_v2 (the
# bodies of both HTTP APIs through src/server/json_req.c), fuzz_codec (base64
# and hex) and fuzz_lang (*.lang definitions through lang_parse). Built with
# clang into build/fuzz/, apart from the gcc builds, each from the few pure
# objects it needs (no engine, no jail), instrumented for coverage, ASan and
# UBSan. docs/fuzzing.md has the figures of the last long runs.
#
#   make fuzz                       every target for FUZZ_SECONDS (default 60), one
#                                   after the other, from fuzz/corpus/T and
#                                   fuzz/regressions/T
#   make fuzz FUZZ_TARGETS=fuzz_lang FUZZ_SECONDS=600
#   make fuzz-build                 only the binaries
#
# New inputs go to build/fuzz/corpus/T and crashes to build/fuzz/crashes/T, never
# into git by themselves. To keep what a run found, merge it (only the inputs
# that add coverage are copied):
#   build/fuzz/T -merge=1 fuzz/corpus/T build/fuzz/corpus/T
# and keep a crash as fuzz/regressions/T/<what-it-broke> beside its fix.
# `make check` runs every target once over its corpus and regressions (tests/run.sh).
FUZZ_CC      ?= clang
FUZZ_DIR     := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_json_v1 fuzz_json_v2 fuzz_codec fuzz_lang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
                -fno-omit-frame-pointer $(WARN) -MMD -MP -Iinclude -Isrc $(PKG_CFLAGS)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
fuzz_objs     = $(1:%.c=$(FUZZ_DIR)/obj/%.o)

FUZZ_JSON_SRCS := fuzz/body_check.c src/server/json_req.c src/server/codec.c src/server/profile.c \
	src/util/utf8.c src/util/buf.c src/engine/limits.c src/engine/file_name.c src/jail/box_path.c \
	src/util/err.c src/util/num.c
$(FUZZ_DIR)/fuzz_json_v1: $(call fuzz_objs,fuzz/fuzz_json_v1.c $(FUZZ_JSON_SRCS))
$(FUZZ_DIR)/fuzz_json_v2: $(call fuzz_objs,fuzz/fuzz_json_v2.c $(FUZZ_JSON_SRCS))
$(FUZZ_DIR)/fuzz_json_v1 $(FUZZ_DIR)/fuzz_json_v2: \
	FUZZ_LIBS := $(shell pkg-config --libs libcjson 2>/dev/null)
$(FUZZ_DIR)/fuzz_codec: $(call fuzz_objs,fuzz/fuzz_codec.c src/server/codec.c)
$(FUZZ_DIR)/fuzz_lang: $(call fuzz_objs,fuzz/fuzz_lang.c src/engine/lang.c src/util/argv.c \
	src/util/err.c src/engine/limits.c src/engine/file_name.c src/jail/box_path.c)

$(FUZZ_BINS):
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

$(FUZZ_DIR)/obj/%.o: %.c | fuzz-toolchain
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# clang alone is not enough: libFuzzer's runtime is in libclang-rt-14-dev,
# which clang's packages only recommend.
fuzz-toolchain: deps
	@test -f "$$($(FUZZ_CC) -print-file-name=libclang_rt.fuzzer-$$(uname -m).a 2>/dev/null)" || \
		{ echo "no $(FUZZ_CC) with libFuzzer: run scripts/bootstrap.sh as root" \
		  "(clang, libclang-rt-14-dev)" >&2; exit 1; }

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@bash fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

-include $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d)
