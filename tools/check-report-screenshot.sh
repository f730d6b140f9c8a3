#!/usr/bin/env bash
# Renders the fixture runs with `safemcp report`, screenshots the page in headless Chromium in
# light and in dark mode, and fails unless both screenshots are real pictures of the page in the
# right colour scheme (not empty, not blank, dark background only in dark mode). `make test`
# runs it; the PNGs stay in the output folder (default .build/report-screenshots) to look at.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.build/report-screenshots}
python=${SAFEMCP_PYTHON:-$root/.venv/bin/python}
fixtures=$root/Tests/ReportTests/Fixtures

log() { printf 'check-report-screenshot: %s\n' "$*" >&2; }

command -v chromium >/dev/null || { log "chromium is missing: run tools/setup.sh"; exit 1; }
[ -x "$python" ] || { log "no Python at $python: run tools/setup.sh (or make test)"; exit 1; }

mkdir -p "$out"
rm -f "$out/report.html" "$out/report-light.png" "$out/report-dark.png"
(cd "$root" && swift build --product safemcp >&2)
bin="$(cd "$root" && swift build --show-bin-path)/safemcp"
"$bin" report "$fixtures/run-a" "$fixtures/run-b" --out "$out/report.html" >/dev/null

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$profile" --window-size=1280,4400)
# Chromium refuses to start its sandbox as root (containers, CI); the page is our own file.
if [ "$(id -u)" -eq 0 ]; then flags+=(--no-sandbox); fi

shoot() {
    local png=$1; shift
    if ! timeout 120 chromium "${flags[@]}" "$@" --screenshot="$png" "file://$out/report.html" 2>"$out/chromium.log"; then
        log "chromium failed; its log:"; cat "$out/chromium.log" >&2; exit 1
    fi
    [ -s "$png" ] || { log "chromium wrote no screenshot at $png"; cat "$out/chromium.log" >&2; exit 1; }
}
shoot "$out/report-light.png"
# --force-dark-mode makes prefers-color-scheme report dark, which the page's CSS follows.
shoot "$out/report-dark.png" --force-dark-mode

"$python" - "$out/report-light.png" "$out/report-dark.png" <<'PY'
import sys
from PIL import Image

def check(path, want_dark):
    image = Image.open(path).convert("RGB")
    width, height = image.size
    if width < 1000 or height < 1000:
        sys.exit(f"{path}: {width}x{height} is too small for the page")
    small = image.resize((width // 4, height // 4))
    data = small.tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))
    background = small.getpixel((2, 2))
    lightness = sum(background) / 3
    if want_dark and lightness > 80:
        sys.exit(f"{path}: background {background} is not dark: dark mode did not apply")
    if not want_dark and lightness < 200:
        sys.exit(f"{path}: background {background} is not light")
    differing = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, background)) > 40) / len(pixels)
    colours = len(set(pixels))
    # Text, grids and curves cover several percent of the page in many colours; a blank or
    # error page does not.
    if differing < 0.03 or colours < 200:
        sys.exit(f"{path}: looks blank ({differing:.1%} of pixels differ from the background, {colours} colours)")
    # The run colours must show: blue of run-a and orange of run-b, in either mode's shade.
    blue = sum(1 for r, g, b in pixels if b > r + 60 and b > 120)
    orange = sum(1 for r, g, b in pixels if r > b + 90 and r > 180 and g < r)
    if blue < 200 or orange < 200:
        sys.exit(f"{path}: run colours missing ({blue} blue, {orange} orange pixels)")
    print(f"{path}: {width}x{height}, background {background}, {differing:.1%} drawn, {colours} colours", file=sys.stderr)

check(sys.argv[1], want_dark=False)
check(sys.argv[2], want_dark=True)
PY
log "ok: $out/report-light.png, $out/report-dark.png"
