#!/usr/bin/env bash
# `cmlogs stats` against lnav counting the same CMTrace records, interleaved in one run, best of N (wall and CPU =
# user + sys, from GNU time): issue #20's row "cmlogs stats DIR <= 1/3 of lnav's time". On a loaded machine wall
# times swing with the load (lnav's too): compare the ratios of one run, and the CPU times.
#   bench/stats-speed.sh [N=3] [BEFORE/cli.js]     (after `npm run build` and `npm run bench:generate`)
set -eu
cd "$(dirname "$0")/.."
n=${1:-3}
before=${2:-}
corpus=bench/out/corpus/cmtrace
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
mkdir -p "$config/formats/cmtrace" "$config/home"
cp bench/lnav/cmtrace.json "$config/formats/cmtrace/"
files=("$PWD/$corpus"/*.log)
measure() { # label command... → "label wall cpu" on stdout
  local label=$1 wall user sys
  shift
  /usr/bin/time -o "$config/time" -f "%e %U %S" "$@" >/dev/null 2>&1
  read -r wall user sys <"$config/time"
  echo "$label $wall $(echo "$user + $sys" | bc)"
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
{
  for _ in $(seq "$n"); do
    measure lnav env HOME="$config/home" lnav -N -n -I "$config" -c ';SELECT count(*) AS n FROM cmtrace_log' "${files[@]}"
    measure stats node server/out/cli.js stats "$corpus"
    [ -n "$before" ] && measure before node "$before" stats "$corpus"
  done
} | awk '
  { if (!($1 in wall) || $2 < wall[$1]) wall[$1] = $2; if (!($1 in cpu) || $3 < cpu[$1]) cpu[$1] = $3 }
  END {
    for (k in wall) printf "%-7s best wall %.2f s  best CPU %.2f s  wall vs lnav %.2fx  CPU vs lnav %.2fx\n", k, wall[k], cpu[k], wall[k] / wall["lnav"], cpu[k] / cpu["lnav"]
  }' | sort
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
