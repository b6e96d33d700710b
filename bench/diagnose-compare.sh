#!/usr/bin/env bash
# Verdicts before/after a diagnosis change: `cmlogs diagnose DIR --json` with two builds over the same folders,
# compared finding by finding (bench/diagnose-compare.py). Usage:
#   bash bench/diagnose-compare.sh OLD/cli.js NEW/cli.js OUTDIR FOLDER...
# FOLDERs with no log are skipped by diagnose itself (an empty list on both sides). Exit 1 when any output differs.
set -u
old=$1 new=$2 out=$3; shift 3
mkdir -p "$out"
status=0
for dir in "$@"; do
  tag=$(echo "$dir" | sed 's#[/ ]#_#g')
  node "$old" diagnose "$dir" --json >"$out/$tag.old.json" 2>/dev/null
  node "$new" diagnose "$dir" --json >"$out/$tag.new.json" 2>/dev/null
  if cmp -s "$out/$tag.old.json" "$out/$tag.new.json"; then
    echo "same  $dir ($(wc -c <"$out/$tag.new.json") bytes)"
  else
    echo "DIFF  $dir"
    python3 "$(dirname "$0")/diagnose-compare.py" "$out/$tag.old.json" "$out/$tag.new.json"
    status=1
  fi
done
exit $status
