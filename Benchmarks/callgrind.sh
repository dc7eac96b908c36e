#!/usr/bin/env bash
# Instruction counts of benchmark figures, repeatable on a busy machine (wall time is not):
# runs `metasim bench --single-call --filter PREFIX` under callgrind for each binary given and
# prints one JSON line per (binary, prefix) with the total instructions executed (Ir), set-up
# included. Threads are counted, not timed; OpenBLAS runs single-threaded so that its spinning
# threads do not add to the count. Valgrind 3.19 cannot read the DWARF 5 debug information
# Swift writes, so each binary is measured through a copy without it (`strip -g`).
# With CALLGRIND_KEEP=DIR, the callgrind files are kept there for callgrind_annotate.
#   bash Benchmarks/callgrind.sh "render.mnist32 nn.effnet" .build/release/metasim /tmp/other/metasim
set -euo pipefail
prefixes=$1; shift
command -v valgrind >/dev/null || { echo "error: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for prefix in $prefixes; do
  for binary in "$@"; do
    strip -g -o "$work/metasim" "$binary"
    OPENBLAS_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$work/out.%p" \
      "$work/metasim" bench --single-call --filter "$prefix" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
    ir=$(grep -h '^summary:' "$work"/out.* | awk '{s += $2} END {printf "%.0f", s}')
    if [ -n "${CALLGRIND_KEEP:-}" ]; then
      # A visible name: no leading "." or "_" from a relative path such as .build/release/metasim.
      mkdir -p "$CALLGRIND_KEEP"; tag=$(echo "$binary-$prefix" | tr '/' '_' | sed 's/^[._]*//')
      for f in "$work"/out.*; do mv "$f" "$CALLGRIND_KEEP/$tag.${f##*.}"; done
    fi
    rm -f "$work"/out.*
    printf '{"binary":"%s","filter":"%s","instructions":%s}\n' "$binary" "$prefix" "$ir"
  done
done
