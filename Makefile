# ipckit - GNU Make
.SUFFIXES:

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR     ?=

CC       ?= cc
CFLAGS   ?= -O2 -g
LDFLAGS  ?=
BUILD    ?= build
BATS     ?= bats
BATSFLAGS ?=

# the project's own flags, kept apart from the user's CFLAGS
WARN     = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla \
           -Wno-missing-field-initializers
PKGS     = libbsd-overlay smartcols
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ICFLAGS  = -std=gnu11 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) -Ilib
ILIBS    = $(PKG_LIBS) -lrt -pthread
ifeq ($(WERROR),1)
ICFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
ICFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

TOOLS    = $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
BINS     = $(addprefix $(BUILD)/bin/,$(TOOLS))
LIBSRC   = $(wildcard lib/*.c)
LIBOBJ   = $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIBSRC))
LIBA     = $(BUILD)/libipckit.a
MAN1     = $(wildcard man/*.1)
MAN7     = man/ipckit.7

.PHONY: all check install uninstall clean lint sanitize bench demo deps test fuzz

all: $(BINS)

$(BUILD)/lib/%.o: lib/%.c lib/ipckit.h $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ICFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBA): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(BUILD)/bin/%: cmd/%.c $(LIBA) lib/ipckit.h
	@mkdir -p $(@D)
	$(CC) $(ICFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(ILIBS)

deps:
	@sh mk/deps.sh

# the README's test command: dependencies, build, the whole suite
check: deps
	@$(MAKE) --no-print-directory all
	IPCKIT_SUITE_CHECK=1 IPCKIT_BIN=$(CURDIR)/$(BUILD)/bin $(BATS) $(BATSFLAGS) test

test: all
	IPCKIT_SUITE_CHECK=1 IPCKIT_BIN=$(CURDIR)/$(BUILD)/bin $(BATS) $(BATSFLAGS) test

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build-san SANITIZE=1 CFLAGS='-O1 -g' all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99 \
	IPCKIT_SUITE_CHECK=1 IPCKIT_BIN=$(CURDIR)/build-san/bin IPCKIT_SANITIZE=1 $(BATS) $(BATSFLAGS) test

lint: deps
	mandoc -Tlint -W warning $(MAN1) $(MAN7)
	shellcheck -S warning -s bash completions/bash/* test/helpers.bash mk/*.sh bench/*.sh .ci/run
	@$(MAKE) --no-print-directory BUILD=build-lint WERROR=1 all

bench: deps
	@sh mk/deps.sh bench
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh $(CURDIR)/$(BUILD)/bin

demo: deps
	@$(MAKE) --no-print-directory all
	@sh mk/demo.sh $(CURDIR)/$(BUILD)/bin

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	for t in $(TOOLS); do \
	    install -m 644 completions/bash/$$t $(DESTDIR)$(BASHCOMPDIR)/$$t; \
	    install -m 644 completions/zsh/_$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t; \
	    install -m 644 completions/fish/$$t.fish $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done

uninstall:
	for t in $(TOOLS); do \
	    rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(MANDIR)/man1/$$t.1 \
	        $(DESTDIR)$(BASHCOMPDIR)/$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t \
	        $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man7/ipckit.7

clean:
	rm -rf build build-san build-lint build-fuzz bench/bin

# libFuzzer on the parsers and the record reader (clang); FUZZTIME seconds each
FUZZTIME ?= 20
FUZZERS   = $(patsubst test/fuzz/%.c,build-fuzz/%,$(wildcard test/fuzz/fuzz_*.c))
FUZZFLAGS = -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
            -fno-sanitize-recover=undefined $(PKG_CFLAGS) -Ilib

build-fuzz/%: test/fuzz/%.c $(LIBSRC) lib/ipckit.h
	@mkdir -p $(@D)
	clang $(FUZZFLAGS) -o $@ $< $(LIBSRC) $(ILIBS)

fuzz: deps
	@sh mk/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZERS)
	@for f in $(FUZZERS); do \
	    mkdir -p build-fuzz/corpus-$${f##*/}; \
	    echo "fuzz: $$f for $(FUZZTIME)s"; \
	    $$f -max_total_time=$(FUZZTIME) -max_len=4096 -print_final_stats=0 \
	        -artifact_prefix=build-fuzz/ \
	        build-fuzz/corpus-$${f##*/} 2>build-fuzz/$${f##*/}.log \
	        || { tail -40 build-fuzz/$${f##*/}.log; exit 1; }; \
	    grep -E '^Done|^#.*DONE' build-fuzz/$${f##*/}.log | tail -1; \
	done
