#!/usr/bin/env bash
# Before/after for `cmlogs stats` (issue #20's stats speed work): the text, `--json` and `--offset UTC+01:00` output
# (stdout and stderr) of two builds must be the same bytes on every folder it is given, or by default on: the bench
# corpus (whole, and its cmtrace/ and other/), samples/ and each of its subfolders, and every folder of
# ../shared/corpus/real and ../shared/corpus/real-windows (each at its top and each subfolder one level down).
#   bench/stats-identity.sh BEFORE/cli.js AFTER/cli.js [DIR...]      (each cli.js with its parallel.js beside it)
# Prints one line per folder and variant (same / DIFFERENT + the first differing lines); exits 1 on a difference.
set -u
before=$1 after=$2
shift 2
cd "$(dirname "$0")/.."
folders=("$@")
if [ ${#folders[@]} -eq 0 ]; then
  for d in bench/out/corpus bench/out/corpus/cmtrace bench/out/corpus/other samples samples/*/; do
    [ -d "$d" ] && folders+=("${d%/}")
  done
  for root in ../shared/corpus/real ../shared/corpus/real-windows; do
    for d in "$root"/*/ "$root"/*/*/; do
      [ -d "$d" ] && folders+=("${d%/}")
    done
  done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0 same=0 different=0
for dir in "${folders[@]}"; do
  for variant in "" "--json" "--offset UTC+01:00"; do
    read -r -a words <<<"$variant"
    node "$before" stats "$dir" "${words[@]}" >"$tmp/before.out" 2>"$tmp/before.err"
    echo "exit $?" >>"$tmp/before.err"
    node "$after" stats "$dir" "${words[@]}" >"$tmp/after.out" 2>"$tmp/after.err"
    echo "exit $?" >>"$tmp/after.err"
    if cmp -s "$tmp/before.out" "$tmp/after.out" && cmp -s "$tmp/before.err" "$tmp/after.err"; then
      same=$((same + 1))
      echo "same       stats $variant  $dir  ($(stat -c %s "$tmp/before.out") bytes)"
    else
      status=1 different=$((different + 1))
      echo "DIFFERENT  stats $variant  $dir"
      diff <(cat "$tmp/before.out" "$tmp/before.err") <(cat "$tmp/after.out" "$tmp/after.err") | head -6
    fi
  done
done
echo "$same same, $different different"
exit $status
