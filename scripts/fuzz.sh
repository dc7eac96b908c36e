#!/usr/bin/env bash
# Builds one libFuzzer target and fuzzes it on its corpus (Fuzz/README.md).
#   scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags...]
# TARGET: grammar, png, jpeg, idx, safetensors or bridge-reply. SECONDS: run time (default 180).
# Builds in release with -sanitize=fuzzer,address into .build-fuzz (never touches .build);
# new inputs go to Fuzz/corpus/TARGET/, crashes to Fuzz/crashes/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."

targets="grammar png jpeg idx safetensors bridge-reply"
target="${1:-}"
if [[ -z "$target" || " $targets " != *" $target "* ]]; then
    echo "usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]; TARGET one of: $targets" >&2
    exit 64
fi
seconds="${2:-180}"
shift $(( $# >= 2 ? 2 : 1 ))

case "$target" in
    grammar|bridge-reply) max_len=16384 ;;
    *) max_len=65536 ;;
esac

export METASIM_FUZZ=1
flags=(-c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
swift build "${flags[@]}" --product "fuzz-$target"
binary="$(swift build "${flags[@]}" --show-bin-path)/fuzz-$target"

corpus="Fuzz/corpus/$target"
crashes="Fuzz/crashes/$target"
mkdir -p "$corpus" "$crashes"
dict="Fuzz/dictionaries/$target.dict"
dict_flag=()
[[ -f "$dict" ]] && dict_flag=(-dict="$dict")

"$binary" "$corpus" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$crashes/" -print_final_stats=1 "${dict_flag[@]}" "$@"
