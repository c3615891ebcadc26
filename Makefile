# Augur: the two set-up commands of README.md.
#
#   make run    install missing Debian packages, build, open Augur on the bundled samples
#   make test   the same set-up, then the whole test suite (GUI tests under Xvfb)
#
# Missing packages are installed with apt-get when running as root; otherwise the
# exact apt-get line is printed and make stops.

BUILD    ?= _build
MESON    ?= meson
XVFB_RUN  = xvfb-run -a -s "-screen 0 1600x1000x24"

# Build and test dependencies, all from Debian 12.
DEBS = gcc meson ninja-build pkg-config \
       libglib2.0-dev libglib2.0-bin libgdk-pixbuf-2.0-dev libjson-glib-dev libjpeg-dev libyaml-dev \
       libxml2-dev libpng-dev \
       libgtk-4-dev libgtk-4-bin libadwaita-1-dev libgdk-pixbuf2.0-bin \
       webp-pixbuf-loader librsvg2-common \
       xvfb xauth fonts-cantarell adwaita-icon-theme \
       desktop-file-utils appstream valgrind

# What only the tests need: the scale-out tests start a real Slurm and GNU
# parallel (tests/scale/).
TEST_DEBS = slurmctld slurmd slurm-client munge parallel

# The sanitized suite and the fuzzers (clang's ASan, UBSan and libFuzzer).
SAN_DEBS = clang libclang-rt-14-dev

# Peers measured beside Augur by `make bench`.
BENCH_DEBS = python3 python3-opencv python3-pil python3-numpy python3-skimage

.PHONY: all deps test-deps bench-deps setup build run test test-sanitized screenshots bench docs fuzz clean

all: build

define install_missing
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; \
	  done | tr '\n' ' '); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing: $$missing"; \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	      >/dev/null || exit 1; \
	  else \
	    echo "Missing Debian packages. Install them with:"; \
	    echo "  sudo apt-get install $$missing"; \
	    exit 1; \
	  fi; \
	fi
endef

deps:
	$(call install_missing,$(DEBS))

test-deps: deps
	$(call install_missing,$(TEST_DEBS))

bench-deps: deps
	$(call install_missing,$(BENCH_DEBS))

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) -Dwerror=true

setup: deps $(BUILD)/build.ninja

build: setup
	$(MESON) compile -C $(BUILD)

# With a display, the GUI; without one, the headless demo.
run: build
	@if [ -x $(BUILD)/app/augur ] && { [ -n "$${WAYLAND_DISPLAY:-}" ] || [ -n "$${DISPLAY:-}" ]; }; then \
	  GSETTINGS_SCHEMA_DIR=$(BUILD)/data AUGUR_DATADIR=$(CURDIR)/data $(BUILD)/app/augur; \
	else \
	  echo "No display found: running the headless demo instead."; \
	  $(BUILD)/app/augur-cli sheet data/recipes/default.json data/samples -n 4 \
	    -o $(BUILD)/demo-sheet.png && \
	  echo "Contact sheet of the default recipe on the bundled samples: $(BUILD)/demo-sheet.png"; \
	fi

test: test-deps build
	$(XVFB_RUN) $(MESON) test -C $(BUILD) --print-errorlogs

# The whole suite built with clang's AddressSanitizer and UBSan (.ci/run
# runs it after `make test`). Noise from GLib, GdkPixbuf and fontconfig is
# suppressed by the files in tests/sanitizers, each entry with its reason.
# valgrind cannot run beside ASan: its suite is left to `make test`.
# G_SLICE=always-malloc: GLib 2.74's slice allocator would hide leaks.
# GDK_DEBUG=gl-disable: the GUI tests draw with cairo; GDK's EGL probe
# loads and unloads a Mesa driver that keeps 128 bytes, in a module
# LeakSanitizer can no longer name (so no suppression could match it).
SAN_BUILD ?= _build-sanitized
SAN_ENV    = ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
             LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0 \
             UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/sanitizers/ubsan.supp \
             G_SLICE=always-malloc GDK_DEBUG=gl-disable

test-sanitized: test-deps
	$(call install_missing,$(SAN_DEBS))
	test -d $(SAN_BUILD) || CC=clang $(MESON) setup $(SAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dbuildtype=debugoptimized
	$(MESON) compile -C $(SAN_BUILD)
	$(SAN_ENV) $(XVFB_RUN) $(MESON) test -C $(SAN_BUILD) --print-errorlogs --no-suite valgrind

screenshots: build
	sh tools/screenshots.sh $(BUILD) docs/screenshots
	$(BUILD)/ui/augur-label-screenshots . docs/screenshots/labels.png

bench: bench-deps build
	sh bench/run.sh $(BUILD)

docs: build
	$(BUILD)/app/augur-cli describe --markdown > docs/transforms.md.tmp
	mv docs/transforms.md.tmp docs/transforms.md
	$(BUILD)/app/augur-cli describe --albumentations-markdown > docs/albumentations.md.tmp
	mv docs/albumentations.md.tmp docs/albumentations.md
	$(BUILD)/app/augur-cli gallery -o docs/gallery --format jpg --size 96 --quality 85
	rm -rf $(BUILD)/stress-input
	$(BUILD)/app/augur-cli apply tools/stress-input.json data/samples/chelsea.png -o $(BUILD)/stress-input --format png
	$(BUILD)/app/augur-cli stress $(BUILD)/stress-input/chelsea_0.png --suite corruptions --sheet docs/stress-corruptions.jpg --size 128
	$(BUILD)/app/augur-cli stress $(BUILD)/stress-input/chelsea_0.png --suite weather --sheet docs/stress-weather.jpg --size 128
	for preset in fundus:retina.jpg xray:astronaut.png driving:rocket.jpg retail:coffee.png \
	              surveillance:astronaut.png documents:coffee.png; do \
	  $(BUILD)/app/augur-cli sheet data/presets/$${preset%%:*}.json data/samples/$${preset#*:} \
	    -n 4 --size 160 -o docs/presets/$${preset%%:*}.jpg || exit 1; \
	done

# Fuzzing (docs/security.md): the targets of tests/fuzz built with clang's
# libFuzzer, ASan and UBSan, each run for FUZZ_SECONDS from the committed
# corpus. New corpus entries go to $(FUZZ_BUILD)/corpus-NAME; crash and
# OOM inputs to $(FUZZ_BUILD)/NAME-*. Minimise one (NAME-crash-* -minimize_crash=1)
# and commit it under tests/fuzz/crashes/NAME/: `make test` replays it.
FUZZ_BUILD   ?= _build-fuzz
FUZZ_SECONDS ?= 1800
FUZZ_TARGETS  = image recipe manifest run

fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang libclang-rt-14-dev)"; exit 1; }
	test -d $(FUZZ_BUILD) || CC=clang $(MESON) setup $(FUZZ_BUILD) -Dfuzzing=true -Dgui=disabled \
	  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
	$(MESON) compile -C $(FUZZ_BUILD)
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$t && \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=0 \
	  $(FUZZ_BUILD)/tests/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$t- $(FUZZ_BUILD)/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

clean:
	rm -rf $(BUILD)
