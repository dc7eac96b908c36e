#!/usr/bin/env bash
# Shrinks a fuzz corpus to the inputs that keep its coverage (libFuzzer -merge=1), keeping every
# named seed (valid-*, invalid-*, crash-*, seed-*). Needs the binary built by scripts/fuzz.sh.
#   scripts/fuzz_minimize.sh TARGET
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz_minimize.sh TARGET}"
binary=".build-fuzz/release/fuzz-$target"
corpus="Fuzz/corpus/$target"
[[ -x "$binary" ]] || { echo "error: $binary missing; run scripts/fuzz.sh $target first" >&2; exit 1; }
merged="$(mktemp -d)"
trap 'rm -rf "$merged"' EXIT
"$binary" -merge=1 -rss_limit_mb=2048 -timeout=10 "$merged" "$corpus" 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || true
find "$corpus" -maxdepth 1 -type f ! -name 'valid-*' ! -name 'invalid-*' ! -name 'crash-*' ! -name 'seed-*' -delete
# libFuzzer names merged files by their SHA-1; skip those that duplicate a named seed.
named="$(sha1sum "$corpus"/* | cut -d' ' -f1)"
for f in "$merged"/*; do
    grep -qx "$(basename "$f")" <<<"$named" || cp "$f" "$corpus/"
done
echo "$target: $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
