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
       libglib2.0-dev libglib2.0-bin libgdk-pixbuf-2.0-dev libjson-glib-dev \
       libxml2-dev libpng-dev \
       libgtk-4-dev libgtk-4-bin libadwaita-1-dev libgdk-pixbuf2.0-bin \
       webp-pixbuf-loader librsvg2-common \
       xvfb xauth fonts-cantarell adwaita-icon-theme \
       desktop-file-utils appstream valgrind

# What only the tests need: the scale-out tests start a real Slurm and GNU
# parallel (tests/scale/).
TEST_DEBS = slurmctld slurmd slurm-client munge parallel

# Peers measured beside Augur by `make bench`.
BENCH_DEBS = python3 python3-opencv python3-pil python3-numpy

.PHONY: all deps test-deps bench-deps setup build run test screenshots bench docs clean

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

screenshots: build
	sh tools/screenshots.sh $(BUILD) docs/screenshots
	$(BUILD)/ui/augur-label-screenshots . docs/screenshots/labels.png

bench: bench-deps build
	sh bench/run.sh $(BUILD)

docs: build
	$(BUILD)/app/augur-cli describe --markdown > docs/transforms.md.tmp
	mv docs/transforms.md.tmp docs/transforms.md
	$(BUILD)/app/augur-cli gallery -o docs/gallery --format jpg --size 96 --quality 85

clean:
	rm -rf $(BUILD)
