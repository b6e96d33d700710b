#!/usr/bin/env bash
# Tables before/after a change of the fleet reader or the diagnosis: `cmlogs fleet ROOT` with two builds, then per
# table its row count and the sum of a hash of every row (order-free), read by the new build's `fleet query`.
#   bash bench/fleet-compare.sh OLD/cli.js NEW/cli.js ROOT OUTDIR
# The --json summaries are compared too ("summary: same"). Prints both builds' figures and "tables: same" or "tables: DIFFERENT" (exit 1).
set -u
old=$1 new=$2 root=$3 out=$4
rm -rf "$out/old" "$out/new"; mkdir -p "$out"
node "$old" fleet "$root" --out "$out/old" --json >"$out/old.json" 2>"$out/old.err" || { echo "old build failed"; exit 2; }
node "$new" fleet "$root" --out "$out/new" --json >"$out/new.json" 2>"$out/new.err" || { echo "new build failed"; exit 2; }
figures() {
  for t in machines findings records; do
    node "$new" fleet query "$1" "SELECT '$t' AS t, count(*) AS n, sum(hash(x))::VARCHAR AS h FROM $t x" --json | tr -d ' \n'
    echo
  done
}
figures "$out/old" >"$out/old.sums"
figures "$out/new" >"$out/new.sums"
cat "$out/new.sums"
if cmp -s "$out/old.json" "$out/new.json"; then echo "summary: same"; else echo "summary: DIFFERENT"; diff "$out/old.json" "$out/new.json" | head -20; exit 1; fi
if cmp -s "$out/old.sums" "$out/new.sums"; then echo "tables: same"; else echo "tables: DIFFERENT"; diff "$out/old.sums" "$out/new.sums"; exit 1; fi
