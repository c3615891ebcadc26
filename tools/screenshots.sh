#!/bin/sh
# Renders docs/screenshots/*.png under Xvfb: the documentation's pictures at
# 1280x720, and the main window, an enlarged draw and two recipes compared
# at 1024x700, 1280x720 and 2400x1350 (NAME-WIDTHxHEIGHT.png).
#   tools/screenshots.sh BUILDDIR [OUTDIR]
# BUILDDIR is a configured meson build directory with the GUI built.
set -eu

builddir=${1:?usage: tools/screenshots.sh BUILDDIR [OUTDIR]}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
outdir=${2:-$srcdir/docs/screenshots}
tool=$builddir/ui/augur-screenshots

if [ ! -x "$tool" ]; then
  echo "screenshots.sh: $tool is missing; build the GUI first (ninja -C $builddir)" >&2
  exit 1
fi
for program in xvfb-run; do
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "screenshots.sh: $program is needed (apt install xvfb xauth)" >&2
    exit 1
  fi
done

state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT INT TERM

# A fixed, clean environment: in-memory settings, the bundled data, no
# pointer over the window (it sits at the centre of a large screen), no
# autosave from the user's session, the default light style.
render () {
  env GSETTINGS_BACKEND=memory \
      GSETTINGS_SCHEMA_DIR="$builddir/data" \
      AUGUR_DATADIR="$srcdir/data" \
      XDG_STATE_HOME="$state" \
      XDG_CONFIG_HOME="$state" \
      GTK_A11Y=none \
      NO_AT_BRIDGE=1 \
      GSK_RENDERER=cairo \
      xvfb-run -a -s "-screen 0 3200x2000x24" "$tool" "$@"
}

# The documentation's pictures at the common laptop size; then the main
# window and an enlarged draw at a small and a large screen's size, to show
# that the draws fill the space and no label is cut at either end.
render --size 1280x720 "$outdir"
for size in 1024x700 1280x720 2400x1350; do
  from=$state/$size
  if [ "$size" = 1280x720 ]; then
    from=$outdir
  else
    mkdir -p "$from"
    render --size "$size" "$from"
  fi
  for shot in main-window draw-view draw-view-folded compare; do
    cp "$from/$shot.png" "$outdir/$shot-$size.png"
  done
done
