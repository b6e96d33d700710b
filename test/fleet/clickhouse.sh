#!/usr/bin/env bash
# cmlogs fleet beyond one machine: the same tables in ClickHouse (Debian's clickhouse-server 18.16), as a
# 2-shard Distributed table on this machine (two servers on 127.0.0.1 only), and the summary query gives the
# same counts there as DuckDB gives over the Parquet files.
#
#   bash test/fleet/clickhouse.sh        (needs: apt-get install clickhouse-server clickhouse-client; npm run build)
#
# Without ClickHouse it says so and exits 0 (skipped). It starts its own servers in a temporary folder, on ports
# CH_PORT_BASE+1/+2 (TCP, default 19101/19102) and +101/+102 (HTTP), and stops them (by their PIDs) on exit.
# Last line: "N passed, M failed".
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CLI="$ROOT/server/out/cli.js"
BASE="${CH_PORT_BASE:-19100}"
if ! command -v clickhouse-server >/dev/null || ! command -v clickhouse-client >/dev/null; then
  echo "SKIP: clickhouse-server is not installed (apt-get install -y clickhouse-server clickhouse-client)"
  exit 0
fi
[ -f "$CLI" ] || (cd "$ROOT" && node scripts/build.mjs)

WORK="$(mktemp -d /tmp/cmlogs-clickhouse.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

passed=0
failed=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then passed=$((passed + 1)); echo "ok - $1"
  else failed=$((failed + 1)); echo "not ok - $1"; echo "  expected:"; echo "$2" | sed 's/^/    /'; echo "  actual:"; echo "$3" | sed 's/^/    /'; fi
}

# ---- The fleet, its Parquet and JSONEachRow tables ----------------------------------------------------
(cd "$ROOT" && node --import tsx -e "require('./test/fleet/makeFleet.ts').makeFleet(process.argv[1])" "$WORK/fleet") || { echo "0 passed, 1 failed"; exit 1; }
node "$CLI" fleet "$WORK/fleet" --out "$WORK/out" --jsoneachrow --json > "$WORK/summary.json" 2> "$WORK/fleet.stderr" || { cat "$WORK/fleet.stderr"; echo "0 passed, 1 failed"; exit 1; }
ROWS="$WORK/out/jsoneachrow"

# ---- Two servers, one shard each -----------------------------------------------------------------------
cat > "$WORK/users.xml" <<EOF
<yandex><profiles><default/></profiles><users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default/></quotas></yandex>
EOF
for n in 1 2; do
  d="$WORK/s$n"
  mkdir -p "$d"
  cat > "$d/config.xml" <<EOF
<yandex>
  <logger><level>warning</level><log>$d/server.log</log><errorlog>$d/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>$((BASE + n))</tcp_port>
  <http_port>$((BASE + 100 + n))</http_port>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/schema/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <timezone>UTC</timezone>
  <users_config>$WORK/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <remote_servers><fleet>
    <shard><replica><host>127.0.0.1</host><port>$((BASE + 1))</port></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>$((BASE + 2))</port></replica></shard>
  </fleet></remote_servers>
</yandex>
EOF
  clickhouse-server --config-file="$d/config.xml" > "$d/stdout" 2>&1 &
  PIDS+=($!)
done
ch() { clickhouse-client --host 127.0.0.1 --port "$((BASE + $1))" "${@:2}"; }
for n in 1 2; do
  for _ in $(seq 150); do ch "$n" -q "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
  ch "$n" -q "SELECT 1" >/dev/null || { echo "server $n did not start:"; tail -20 "$WORK/s$n/stdout" "$WORK/s$n/error.log"; echo "0 passed, 1 failed"; exit 1; }
done

# ---- Tables: a MergeTree per shard and a Distributed table over both, sharded by machine ----------------
# DateTime has second precision in 18.16 (no DateTime64): records keep utc_ms for milliseconds. A record without
# a time has day 1970-01-01 (a Date cannot be NULL in a partition key).
LOCAL_DDL=(
  "CREATE TABLE machines_local (machine String, source String, path String, bias_minutes Nullable(Int32), logs UInt32, bytes UInt64,
     first_utc Nullable(DateTime), last_utc Nullable(DateTime), records UInt64, errors UInt64, warnings UInt64, findings UInt32,
     not_complete UInt32, name_from String, problems Nullable(String), status String, error Nullable(String)) ENGINE = MergeTree ORDER BY machine"
  "CREATE TABLE findings_local (machine String, flow String, key String, status String, failed_step Nullable(String), code Nullable(String),
     code_name Nullable(String), heading Nullable(String), summary String, evidence_file Nullable(String), evidence_line Nullable(Int32),
     evidence_utc Nullable(DateTime)) ENGINE = MergeTree ORDER BY (machine, flow, key)"
  "CREATE TABLE records_local (machine String, day Date, file String, line UInt32, utc Nullable(DateTime), utc_ms Nullable(Int64),
     local Nullable(String), bias Nullable(Int32), severity String, component String, thread Nullable(Int64), code Nullable(String),
     code_name Nullable(String), message String) ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (machine, day, file, line)"
)
for n in 1 2; do
  for ddl in "${LOCAL_DDL[@]}"; do ch "$n" -q "$ddl" || { echo "0 passed, 1 failed"; exit 1; }; done
  for t in machines findings records; do ch "$n" -q "CREATE TABLE $t AS ${t}_local ENGINE = Distributed(fleet, default, ${t}_local, cityHash64(machine))"; done
done

# ---- Load: JSON lines into raw tables (timestamps as text), then through the Distributed tables --------
ch 1 -q "CREATE TABLE machines_raw (machine String, source String, path String, bias_minutes Nullable(Int32), logs UInt32, bytes UInt64,
  first_utc Nullable(String), last_utc Nullable(String), records UInt64, errors UInt64, warnings UInt64, findings UInt32, not_complete UInt32,
  name_from String, problems Nullable(String), status String, error Nullable(String)) ENGINE = Memory"
ch 1 -q "CREATE TABLE findings_raw (machine String, flow String, key String, status String, failed_step Nullable(String), code Nullable(String),
  code_name Nullable(String), heading Nullable(String), summary String, evidence_file Nullable(String), evidence_line Nullable(Int32),
  evidence_utc Nullable(String)) ENGINE = Memory"
ch 1 -q "CREATE TABLE records_raw (machine String, day Nullable(String), file String, line UInt32, utc_ms Nullable(Int64), local Nullable(String),
  bias Nullable(Int32), severity String, component String, thread Nullable(Int64), code Nullable(String), code_name Nullable(String), message String) ENGINE = Memory"
ch 1 -q "INSERT INTO machines_raw FORMAT JSONEachRow" < "$ROWS/machines.json"
ch 1 -q "INSERT INTO findings_raw FORMAT JSONEachRow" < "$ROWS/findings.json"
cat "$ROWS"/records/*.json | ch 1 -q "INSERT INTO records_raw FORMAT JSONEachRow"
SYNC=(--insert_distributed_sync=1)
# "YYYY-MM-DD hh:mm:ss.mmm" (UTC) or NULL -> DateTime: 18.16 evaluates a function on NULL rows too, so they are
# given a parsable stand-in first.
utc() { echo "if(isNull($1), NULL, toDateTime(substring(ifNull($1, '1970-01-01 00:00:00'), 1, 19)))"; }
ch 1 "${SYNC[@]}" -q "INSERT INTO machines SELECT machine, source, path, bias_minutes, logs, bytes, $(utc first_utc),
  $(utc last_utc), records, errors, warnings, findings, not_complete, name_from, problems, status, error FROM machines_raw"
ch 1 "${SYNC[@]}" -q "INSERT INTO findings SELECT machine, flow, key, status, failed_step, code, code_name, heading, summary, evidence_file,
  evidence_line, $(utc evidence_utc) FROM findings_raw"
ch 1 "${SYNC[@]}" -q "INSERT INTO records SELECT machine, toDate(ifNull(day, '1970-01-01')), file, line, if(isNull(utc_ms), NULL, toDateTime(intDiv(ifNull(utc_ms, 0), 1000))), utc_ms,
  local, bias, severity, component, thread, code, code_name, message FROM records_raw"

# ---- The same questions, both engines ------------------------------------------------------------------
duck() { node "$CLI" fleet query "$WORK/out" "$1" --json 2>/dev/null | node -e '
  const rows = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const r of rows) console.log(Object.values(r).map((v) => (v === null ? "\\N" : String(v))).join("\t"));'; }

SUMMARY="SELECT flow, status, count(*) AS n FROM findings GROUP BY flow, status ORDER BY flow, status"
check "summary query: findings per flow and status, DuckDB over Parquet = ClickHouse Distributed (2 shards)" "$(duck "$SUMMARY")" "$(ch 1 -q "$SUMMARY")"
expected_summary="$(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const flow of Object.keys(s.flows).sort()) for (const st of Object.keys(s.flows[flow]).sort()) console.log([flow, st, s.flows[flow][st]].join("\t"));' "$WORK/summary.json")"
check "summary query: ClickHouse = cmlogs fleet --json summary" "$expected_summary" "$(ch 1 -q "$SUMMARY")"

WEEK="SELECT machine, count(*) AS scans FROM findings WHERE flow = 'scan' AND status = 'broken' AND code = '0x80244021'
  AND evidence_utc >= '2014-01-20 00:00:00' AND evidence_utc < '2014-01-27 00:00:00' GROUP BY machine ORDER BY machine"
check "README query (scans broken with 0x80244021 that week): DuckDB" "PC-SCAN-03	1" "$(duck "$WEEK")"
check "README query: ClickHouse" "PC-SCAN-03	1" "$(ch 1 -q "$WEEK")"

PER_MACHINE="SELECT machine, count(*) AS n, sum(severity = 'error') AS errors FROM records GROUP BY machine ORDER BY machine"
check "records per machine and their errors: DuckDB = ClickHouse" "$(duck "SELECT machine, count(*) AS n, count(*) FILTER (WHERE severity = 'error') AS errors FROM records GROUP BY machine ORDER BY machine")" "$(ch 1 -q "$PER_MACHINE")"
MACHINES="SELECT machine, records, findings, not_complete FROM machines ORDER BY machine"
check "machines table: DuckDB = ClickHouse" "$(duck "$MACHINES")" "$(ch 1 -q "$MACHINES")"

s1="$(ch 1 -q "SELECT count() FROM findings_local")"
s2="$(ch 2 -q "SELECT count() FROM findings_local")"
total="$(ch 1 -q "SELECT count() FROM findings")"
check "both shards hold findings, and the Distributed table all of them" "yes $total" "$([ "$s1" -gt 0 ] && [ "$s2" -gt 0 ] && echo yes || echo "no ($s1/$s2)") $((s1 + s2))"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
