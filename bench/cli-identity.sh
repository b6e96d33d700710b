#!/usr/bin/env bash
# Before/after: the record commands of two builds of the CLI print the same bytes (stdout and stderr) for the same
# folders. The speed work on `cmlogs stats / timeline / parse` (issue #20) must not change a byte of output.
#   bench/cli-identity.sh BEFORE/cli.js AFTER/cli.js DIR...      (each cli.js with its parallel.js beside it)
# Prints one line per command and folder (same / DIFFERENT + the first differing line); exits 1 on a difference.
set -u
before=$1 after=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
variants=(
  "stats" "stats --json"
  "parse --json" "parse" "parse --json --rollover" "parse --rollover"
  "timeline --json" "timeline" "timeline --json --errors" "timeline --json --key c2d17964-bbdd-4339-b9f3-12d7205b39cc"
  "parse --json --offset UTC+02:00" "timeline --json --offset UTC-05:00" "stats --offset UTC+01:00"
)
for dir in "$@"; do
  for variant in "${variants[@]}"; do
    read -r -a words <<<"$variant"
    node "$before" "${words[0]}" "$dir" "${words[@]:1}" >"$tmp/before.out" 2>"$tmp/before.err"
    node "$after" "${words[0]}" "$dir" "${words[@]:1}" >"$tmp/after.out" 2>"$tmp/after.err"
    size=$(stat -c %s "$tmp/before.out")
    if cmp -s "$tmp/before.out" "$tmp/after.out" && cmp -s "$tmp/before.err" "$tmp/after.err"; then
      echo "same       $variant  $dir  ($size bytes)"
    else
      status=1
      echo "DIFFERENT  $variant  $dir"
      diff <(cat "$tmp/before.out" "$tmp/before.err") <(cat "$tmp/after.out" "$tmp/after.err") | head -6
    fi
  done
done
exit $status
