#!/usr/bin/env bash
# Renders a run's report in headless Chromium and saves a screenshot, to look at the page as a
# person would. Usage: scripts/check_report.sh RUN [PNG]   (PNG defaults to RUN/report.png)
# Writes RUN/report.html with `metasim report` (release build; set METASIM to use another
# binary), checks the page references nothing on the network, then screenshots it with Chromium
# (Debian package `chromium`, installed when missing) with every host name unresolvable.
set -euo pipefail
run=${1:?usage: scripts/check_report.sh RUN [PNG]}
png=${2:-$run/report.png}
metasim=${METASIM:-.build/release/metasim}
[ -x "$metasim" ] || { echo "error: $metasim not built (swift build -c release --product metasim)" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "check_report: installing chromium"
    sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_="sudo"
    $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
fi

"$metasim" report "$run"
html="$run/report.html"
# Only the SVG namespace may look like a URL; anything else would be fetched.
if grep -oE '(src|href)="https?:|url\(https?:|@import' "$html" | head -1 | grep -q .; then
    echo "error: $html refers to the network" >&2; exit 1
fi
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --host-resolver-rules="MAP * ~NOTFOUND" \
    --window-size=1280,${REPORT_HEIGHT:-4400} --screenshot="$png" "file://$abs" >/dev/null 2>&1
[ -s "$png" ] || { echo "error: chromium wrote no screenshot" >&2; exit 1; }
echo "check_report: $html rendered to $png ($(stat -c %s "$png") bytes)"
