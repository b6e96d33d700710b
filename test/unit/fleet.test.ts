// `cmlogs fleet` as an admin runs it (the built CLI) on a fleet made here from samples/ (test/fleet/makeFleet.ts):
// six machines, one of them with a broken scan, one in another time zone, one in a .zip, one named by its logs.
// Expected counts come from `diagnose` run on each machine's own logs (the same engine), and the facts the
// variations were made for are checked by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { diagnose } from '../../server/src/core/diagnose/index';
import { listLogFiles } from '../../server/src/core/files';
import { RecordCsvWriter } from '../../server/src/core/fleet/recordsCsv';
import { parseFile } from '../../server/src/core/parse';
import type { LogRecord } from '../../server/src/core/record';
import { RecordTable } from '../../server/src/core/table';
import { FleetDuckDb } from '../../server/src/cli/fleetDuckdb';
import { cabBytes, makeFleet, zipBytes } from '../fleet/makeFleet';

const CLI = resolve(__dirname, '../../server/out/cli.js');
const WORK = join(tmpdir(), `cmlogs-fleet-test-${process.pid}`);
const ROOT = join(WORK, 'fleet');
const OUT = join(WORK, 'out');

let machines: Record<string, string>;
let summary: { machines: number; flows: Record<string, Record<string, number>>; top: Array<Record<string, unknown>> };
let stderr = '';

function cmlogs(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

function query(sql: string): Array<Record<string, unknown>> {
  const run = cmlogs('fleet', 'query', OUT, sql, '--json');
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

before(() => {
  machines = makeFleet(ROOT);
  const run = cmlogs('fleet', ROOT, '--out', OUT, '--json', '--jsoneachrow');
  assert.equal(run.status, 0, run.stderr);
  summary = JSON.parse(run.stdout);
  stderr = run.stderr;
});

after(() => rmSync(WORK, { recursive: true, force: true }));

/** What `cmlogs diagnose` finds in a machine folder: flow → status → count. */
async function diagnosedCounts(folder: string): Promise<Record<string, Record<string, number>>> {
  const results = [];
  for (const file of listLogFiles([folder]).files) results.push(await parseFile(file));
  const counts: Record<string, Record<string, number>> = {};
  for (const f of diagnose(results)) {
    counts[f.flow] ??= {};
    counts[f.flow][f.status] = (counts[f.flow][f.status] ?? 0) + 1;
  }
  return counts;
}

test('fleet --json: six machines, per flow the findings of each status, as diagnose counts them machine by machine', async () => {
  assert.equal(summary.machines, 6);
  const expected: Record<string, Record<string, number>> = {};
  // The zip holds PC-OK-01's logs: the same counts.
  const folders = [
    machines['PC-OK-01'],
    machines['PC-OK-01'],
    machines['PC-SCAN-03'],
    machines['PC-TZ-04'],
    machines['PC-NAMED-05'],
    machines['PC-QUIET-06'],
  ];
  for (const folder of folders) {
    for (const [flow, statuses] of Object.entries(await diagnosedCounts(folder))) {
      expected[flow] ??= {};
      for (const [status, n] of Object.entries(statuses)) expected[flow][status] = (expected[flow][status] ?? 0) + n;
    }
  }
  assert.deepEqual(summary.flows, expected);
  // The one broken scan, and nothing else broken: PC-OK-01's recovered 0x80244021 stays a complete scan.
  assert.equal(summary.flows.scan.broken, 1);
  const broken = Object.entries(summary.flows)
    .filter(([, s]) => s.broken)
    .map(([flow]) => flow);
  assert.deepEqual(broken, ['scan']);
});

test('fleet --json: the top breakage is the scan step that failed, with its code, count and example machine', () => {
  assert.equal(summary.top.length, 1);
  assert.deepEqual(summary.top[0], {
    flow: 'scan',
    step: summary.top[0].step,
    code: '0x80244021',
    code_name: 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY',
    count: 1,
    machines: 1,
    examples: ['PC-SCAN-03'],
  });
  assert.match(String(summary.top[0].step), /WUAHandler receives the results/);
});

test('fleet: a loose file is skipped with a reason on stderr, not taken for a machine', () => {
  assert.match(stderr, /skipped .*inventory\.csv: a loose file/);
});

test('.cab bundles: read through cabextract without unpacking (same rows as the folder); a bad one, or any without cabextract, is listed as unreadable saying why', () => {
  const root = join(WORK, 'cabs');
  const out = join(WORK, 'cabs-out');
  mkdirSync(root, { recursive: true });
  const client = machines['PC-OK-01'];
  const logs = readdirSync(client).map((name) => ({
    name: `Windows/CCM/Logs/${name}`,
    data: readFileSync(join(client, name)),
  }));
  writeFileSync(join(root, 'PC-CAB-07.cab'), cabBytes([...logs, { name: 'inventory.xml', data: Buffer.from('<x/>') }]));
  writeFileSync(join(root, 'PC-BADCAB-08.cab'), Buffer.from('MSCF\0\0\0\0 not a cabinet'));
  // Without cabextract (nothing on PATH): both listed as machines that could not be read, saying what to do.
  const without = spawnSync(process.execPath, [CLI, 'fleet', root, '--out', out, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: join(WORK, 'no-such-bin') },
  });
  assert.equal(without.status, 3, without.stderr);
  const unread = JSON.parse(without.stdout);
  assert.equal(unread.machines, 2);
  assert.deepEqual(
    unread.unreadable.map((u: { machine: string }) => u.machine),
    ['PC-BADCAB-08', 'PC-CAB-07'],
  );
  assert.match(
    unread.unreadable[1].error,
    /^a \.cab bundle, and cabextract is not installed: install it \(apt-get install cabextract/,
  );
  if (spawnSync('cabextract', ['--version']).status !== 0) {
    // .ci/run installs it; a developer machine without it has shown the message above.
    process.stderr.write('note: cabextract is not installed here: .cab reading was not exercised\n');
    return;
  }
  const run = cmlogs('fleet', root, '--out', out, '--json');
  assert.equal(run.status, 3, run.stderr);
  assert.equal(JSON.parse(run.stdout).machines, 2);
  const q = (sql: string) =>
    JSON.parse(cmlogs('fleet', 'query', out, sql, '--json').stdout) as Array<Record<string, unknown>>;
  const [cab, bad] = q(
    'SELECT machine, source, logs, records, findings, problems, status, error FROM machines ORDER BY machine DESC',
  );
  const [ok] = query("SELECT logs, records, findings FROM machines WHERE machine = 'PC-OK-01'");
  assert.deepEqual(cab, {
    machine: 'PC-CAB-07',
    source: 'cab',
    logs: ok.logs,
    records: ok.records,
    findings: ok.findings,
    problems: null,
    status: 'read',
    error: null,
  });
  assert.equal(bad.machine, 'PC-BADCAB-08');
  assert.equal(bad.logs, 0);
  assert.equal(bad.status, 'failed');
  assert.match(String(bad.error), /^cabextract: /);
  // Record by record, the rows of the folder (file names are their paths inside the cabinet).
  const hash = (where: string, dir: string) =>
    JSON.parse(
      cmlogs(
        'fleet',
        'query',
        dir,
        `SELECT count(*) AS n, bit_xor(hash(regexp_replace(file, '^Windows/CCM/Logs/', ''), line, utc, local, severity, component, thread, code, message))::VARCHAR AS h FROM records WHERE ${where}`,
        '--json',
      ).stdout,
    );
  assert.deepEqual(hash("machine = 'PC-CAB-07'", out), hash("machine = 'PC-OK-01'", OUT));
});

test('machines.parquet: names (one from its logs, not from a server it mentions), sources, time zones, counts', async () => {
  const rows = query(
    'SELECT machine, source, bias_minutes, logs, records, errors, findings, not_complete, name_from, problems, status, error FROM machines ORDER BY machine',
  );
  assert.deepEqual(
    rows.map((r) => r.machine),
    ['PC-NAMED-05', 'PC-OK-01', 'PC-QUIET-06', 'PC-SCAN-03', 'PC-TZ-04', 'PC-ZIP-02'],
  );
  const by = Object.fromEntries(rows.map((r) => [r.machine, r]));
  assert.equal(by['PC-NAMED-05'].name_from, 'logs');
  assert.equal(by['PC-OK-01'].name_from, 'entry');
  assert.equal(by['PC-ZIP-02'].source, 'zip');
  assert.equal(by['PC-OK-01'].bias_minutes, 300, 'the samples are written in UTC-05:00');
  assert.equal(by['PC-TZ-04'].bias_minutes, -60);
  let records = 0;
  for (const file of listLogFiles([machines['PC-OK-01']]).files) records += (await parseFile(file)).records.length;
  for (const name of ['PC-OK-01', 'PC-ZIP-02', 'PC-TZ-04']) {
    assert.equal(by[name].records, records, name);
    assert.equal(by[name].logs, 16, name);
    assert.equal(by[name].not_complete, 0, name);
  }
  assert.equal(by['PC-SCAN-03'].not_complete, 1);
  assert.equal(by['PC-SCAN-03'].errors, (by['PC-OK-01'].errors as number) + 2, 'the two WUAHandler error lines');
  assert.equal(by['PC-QUIET-06'].findings, 0);
  assert.ok(rows.every((r) => r.problems === null && r.status === 'read' && r.error === null));
});

test('findings.parquet: the broken scan with its failed step, code, heading and the evidence line with its UTC', () => {
  const rows = query("SELECT * FROM findings WHERE status = 'broken'");
  assert.equal(rows.length, 1);
  const f = rows[0];
  assert.equal(f.machine, 'PC-SCAN-03');
  assert.equal(f.flow, 'scan');
  assert.equal(f.key, '4cd06388-d509-46e4-8c00-75909edd9ee8');
  assert.equal(f.code, '0x80244021');
  assert.match(String(f.heading), /Proxy related errors/);
  assert.equal(f.evidence_file, 'WUAHandler.lo_');
  // 12:18:53.x at bias +300 is 17:18:53.x UTC.
  assert.match(String(f.evidence_utc), /^2014-01-20[ T]17:18:53\.[12]/);
  // The zip's findings are the folder's, evidence named by the path inside the archive.
  const zip = query(
    "SELECT flow, key, status, code, evidence_file FROM findings WHERE machine = 'PC-ZIP-02' ORDER BY flow, key",
  );
  const folder = query(
    "SELECT flow, key, status, code, evidence_file FROM findings WHERE machine = 'PC-OK-01' ORDER BY flow, key",
  );
  assert.deepEqual(
    zip.map((r) => ({ ...r, evidence_file: String(r.evidence_file).replace(/^Logs\//, '') })),
    folder,
  );
});

test('records: partitioned by machine and UTC day; another time zone gives other local times and the same UTC', () => {
  const days = readdirSync(join(OUT, 'records', 'machine_key=PC-OK-01')).sort();
  const utcDays = query(
    "SELECT DISTINCT strftime(utc, '%Y-%m-%d') AS d FROM records WHERE machine = 'PC-OK-01' ORDER BY d",
  ).map((r) => `day=${r.d}`);
  assert.deepEqual(days, utcDays);
  assert.equal(days[0], 'day=2014-01-20', 'the samples begin on 01-20 (UTC)');
  assert.equal(
    query("SELECT count(*) AS n FROM records WHERE machine = 'PC-OK-01' AND day = DATE '2014-01-27'")[0].n,
    query(
      "SELECT count(*) AS n FROM records WHERE machine = 'PC-OK-01' AND utc >= TIMESTAMP '2014-01-27' AND utc < TIMESTAMP '2014-01-28'",
    )[0].n,
  );
  const sameUtc =
    query(`SELECT count(*) AS n FROM records a JOIN records b ON a.file = b.file AND a.line = b.line AND a.utc = b.utc
    WHERE a.machine = 'PC-OK-01' AND b.machine = 'PC-TZ-04'`);
  const all = query("SELECT count(*) AS n, count(DISTINCT local) AS locals FROM records WHERE machine = 'PC-OK-01'");
  assert.equal(sameUtc[0].n, all[0].n, 'every record of PC-TZ-04 at the UTC of its twin');
  const local = query(
    "SELECT a.local AS ok, b.local AS tz FROM records a JOIN records b USING (file, line) WHERE a.machine = 'PC-OK-01' AND b.machine = 'PC-TZ-04' AND a.file = 'ScanAgent.log' AND a.line = 1",
  );
  assert.deepEqual(local, [{ ok: '2014-01-20T11:57:42.188', tz: '2014-01-20T17:57:42.188' }]);
  const codes = query(
    "SELECT machine, count(*) AS n FROM records WHERE code = '0x80244021' GROUP BY machine ORDER BY machine",
  );
  assert.deepEqual(
    codes.map((r) => r.machine),
    ['PC-OK-01', 'PC-SCAN-03', 'PC-TZ-04', 'PC-ZIP-02'],
  );
  assert.equal(
    query("SELECT code_name FROM records WHERE code = '0x80244021' LIMIT 1")[0].code_name,
    'WU_E_PT_HTTP_STATUS_BAD_GATEWAY',
  );
  // ScanAgent writes "Scan Failed ... with Error=0x80244021" as information (type 1): its code is decoded too.
  assert.deepEqual(
    query("SELECT severity, code FROM records WHERE machine = 'PC-OK-01' AND file = 'ScanAgent.log' AND line = 37"),
    [{ severity: 'info', code: '0x80244021' }],
  );
});

test('fleet query: "machines whose scan broke with 0x80244021 that week" (the README\'s query, dates fixed)', () => {
  const rows = query(`SELECT DISTINCT machine FROM findings
    WHERE flow = 'scan' AND status = 'broken' AND code = '0x80244021'
      AND evidence_utc >= TIMESTAMP '2014-01-20' AND evidence_utc < TIMESTAMP '2014-01-20' + INTERVAL 7 DAY`);
  assert.deepEqual(rows, [{ machine: 'PC-SCAN-03' }]);
  const table = cmlogs(
    'fleet',
    'query',
    OUT,
    "SELECT machine, status FROM findings WHERE flow = 'scan' AND status = 'broken'",
  );
  assert.equal(table.status, 0);
  assert.match(table.stdout, /^machine\s+status\nPC-SCAN-03\s+broken\n$/);
});

test('fleet query: bad SQL is an error message and exit 1; a folder with no tables is a usage error', () => {
  const bad = cmlogs('fleet', 'query', OUT, 'SELECT nope FROM findings');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /nope/);
  const empty = cmlogs('fleet', 'query', WORK, 'SELECT 1');
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /no fleet tables/);
});

test('--jsoneachrow: the same rows as JSON lines for ClickHouse (machines, findings, records per machine)', () => {
  const dir = join(OUT, 'jsoneachrow');
  const lines = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  assert.equal(lines(join(dir, 'machines.json')).length, 6);
  const findings = lines(join(dir, 'findings.json'));
  assert.equal(findings.length, query('SELECT count(*) AS n FROM findings')[0].n);
  let records = 0;
  for (const file of readdirSync(join(dir, 'records'))) records += lines(join(dir, 'records', file)).length;
  assert.equal(records, query('SELECT count(*) AS n FROM records')[0].n);
  assert.ok(!existsSync(join(OUT, '.staging')), 'the staging folder is gone');
});

test('fleet without --json: a readable table of flows by status and the top breakage', () => {
  const out2 = join(WORK, 'out2');
  const run = cmlogs('fleet', ROOT, '--out', out2, '--workers', '1');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^6 machines\n/);
  assert.match(run.stdout, /\nscan\s+1\s+15\n|\nscan\s+1\s+\d+\n/);
  assert.match(run.stdout, /0x80244021 WU_E_PT_HTTP_STATUS_BAD_GATEWAY\s+\(PC-SCAN-03\)/);
});

test('bad bundles do not stop the fleet: a corrupt .zip and an encrypted entry are reported on their machine', () => {
  const root = join(WORK, 'bad');
  mkdirSync(join(root, 'PC-A'), { recursive: true });
  writeFileSync(
    join(root, 'PC-A', 'ScanAgent.log'),
    readFileSync(resolve(__dirname, '../../samples/client/ScanAgent.log')),
  );
  writeFileSync(join(root, 'PC-B.zip'), Buffer.from('PK\x03\x04 this is not really a zip'));
  const zip = zipBytes([
    { name: 'CAS.log', data: readFileSync(resolve(__dirname, '../../samples/client/CAS.log')) },
    { name: 'Secret.log', data: Buffer.from('x') },
  ]);
  // Mark the second entry encrypted in the central directory (general purpose flag bit 0).
  const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt16LE(zip.readUInt16LE(central + 8) | 1, central + 8);
  writeFileSync(join(root, 'PC-C.zip'), zip);
  const out = join(WORK, 'badout');
  const run = cmlogs('fleet', root, '--out', out, '--json');
  assert.equal(run.status, 3, run.stderr);
  const summary = JSON.parse(run.stdout);
  assert.equal(summary.machines, 3);
  assert.deepEqual(
    summary.unreadable.map((u: { machine: string }) => u.machine),
    ['PC-B'],
    'a bundle with one readable log is partly read, not unreadable',
  );
  const rows = spawnSync(
    process.execPath,
    [
      CLI,
      'fleet',
      'query',
      out,
      'SELECT machine, records, problems, status, error FROM machines ORDER BY machine',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  const by = Object.fromEntries((JSON.parse(rows.stdout) as Array<Record<string, unknown>>).map((r) => [r.machine, r]));
  assert.ok((by['PC-A'].records as number) > 0);
  assert.equal(by['PC-A'].status, 'read');
  assert.equal(by['PC-B'].records, 0);
  assert.equal(by['PC-B'].status, 'failed');
  assert.match(String(by['PC-B'].error), /not a zip file/);
  assert.ok((by['PC-C'].records as number) > 0, 'CAS.log is read');
  assert.equal(by['PC-C'].status, 'partial');
  assert.match(String(by['PC-C'].problems), /Secret\.log: encrypted/);
});

test('one name, two entries: PC-A/ beside PC-A.zip and a folder whose logs say PC-A stay three machines', () => {
  const root = join(WORK, 'twins');
  const scanAgent = readFileSync(resolve(__dirname, '../../samples/client/ScanAgent.log'));
  mkdirSync(join(root, 'PC-A'), { recursive: true });
  writeFileSync(join(root, 'PC-A', 'ScanAgent.log'), scanAgent);
  writeFileSync(join(root, 'PC-A.zip'), zipBytes([{ name: 'ScanAgent.log', data: scanAgent }]));
  mkdirSync(join(root, 'upload-17'), { recursive: true });
  writeFileSync(join(root, 'upload-17', 'ScanAgent.log'), scanAgent);
  const dump =
    'Raising event:\r\ninstance of CCM_ServiceHost_CertRetrieval_Status\r\n{\r\n\tMachineName = "PC-A";\r\n};\r\n';
  writeFileSync(
    join(root, 'upload-17', 'ClientIDManagerStartup.log'),
    `<![LOG[${dump}]LOG]!><time="08:00:01.000+000" date="03-02-2014" component="ClientIDManagerStartup" context="" type="1" thread="512" file="">\r\n`,
  );
  const out = join(WORK, 'twinsout');
  const run = cmlogs('fleet', root, '--out', out, '--json', '--jsoneachrow');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /upload-17 is also called PC-A: its rows say PC-A \(upload-17\)/);
  const rows = spawnSync(
    process.execPath,
    [
      CLI,
      'fleet',
      'query',
      out,
      'SELECT machine, count(*) AS n FROM records GROUP BY machine ORDER BY machine',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  const counts = JSON.parse(rows.stdout) as Array<{ machine: string; n: number }>;
  assert.deepEqual(
    counts.map((r) => r.machine),
    ['PC-A', 'PC-A (PC-A.zip)', 'PC-A (upload-17)'],
  );
  assert.equal(counts[0].n, counts[1].n);
  assert.equal(counts[2].n, counts[0].n + 1, 'its own records plus the ClientIDManagerStartup record');
  const findings = spawnSync(
    process.execPath,
    [CLI, 'fleet', 'query', out, 'SELECT DISTINCT machine FROM findings ORDER BY machine', '--json'],
    { encoding: 'utf8' },
  );
  assert.deepEqual(
    JSON.parse(findings.stdout).map((r: { machine: string }) => r.machine),
    ['PC-A', 'PC-A (PC-A.zip)', 'PC-A (upload-17)'],
  );
  const jsonRecords = readdirSync(join(out, 'jsoneachrow', 'records')).flatMap((f) =>
    readFileSync(join(out, 'jsoneachrow', 'records', f), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).machine),
  );
  assert.deepEqual(
    [...new Set(jsonRecords)].sort(),
    ['PC-A', 'PC-A (PC-A.zip)', 'PC-A (upload-17)'],
    'the JSON lines carry the same names',
  );
});

test('an empty fleet folder: 0 machines, empty tables that still answer queries', () => {
  const root = join(WORK, 'empty');
  mkdirSync(root, { recursive: true });
  const out = join(WORK, 'emptyout');
  const run = cmlogs('fleet', root, '--out', out, '--json');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { machines: 0, unreadable: [], flows: {}, top: [] });
  const counts = spawnSync(
    process.execPath,
    [
      CLI,
      'fleet',
      'query',
      out,
      'SELECT (SELECT count(*) FROM machines) AS m, (SELECT count(*) FROM findings) AS f, (SELECT count(*) FROM records) AS r',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(counts.status, 0, counts.stderr);
  assert.deepEqual(JSON.parse(counts.stdout), [{ m: 0, f: 0, r: 0 }]);
});

test('VS Code "Open Fleet Report": machines x flows from a DIR written before; a click opens that machine; names are escaped', async () => {
  const { fakeVscode, useFake } = await import('../support/fakeVscode');
  const fake = useFake(fakeVscode());
  const { openFleetReport, fleetReportHtml } =
    require('../../client/src/fleetReport') as typeof import('../../client/src/fleetReport');
  const opened: string[] = [];
  const clicks: Array<{ label: string; logs: string[] }> = [];
  const context = { ...fake.context, asAbsolutePath: (p: string) => resolve(__dirname, '../..', p) };
  await openFleetReport(
    context as never,
    async (m) => {
      opened.push(m.folder.fsPath);
      clicks.push({ label: m.label, logs: m.logs.map((l) => l.fsPath) });
    },
    fake.vscode.Uri.file(OUT) as never,
  );
  const html = fake.panel.webview.html;
  assert.match(
    html,
    /Content-Security-Policy" content="default-src 'none'; style-src [^"]*; script-src 'nonce-[^']+';"/,
  );
  assert.match(html, /^<p>6 machines\./m);
  // Flow columns headed in words, the flow's id in the title.
  assert.match(html, /<th title="contentDownload">Content download<\/th>/);
  assert.match(html, /<th title="stateMessages">State messages<\/th>/);
  // The machine whose scan broke comes first, its scan cell says so.
  const firstRow = /<tr data-row="0"[^]*?<\/tr>/.exec(html)![0];
  assert.match(firstRow, />PC-SCAN-03</);
  assert.match(firstRow, /<td class="broken"><span>1 broken<\/span> · <span>3 complete<\/span><\/td>/);
  await fake.send({ row: 0 });
  assert.deepEqual(opened, [machines['PC-SCAN-03']]);
  // A .zip machine: its logs unpacked (by the CLI) into a folder named after it, which the extension removes.
  await fake.send({ row: Number(/<tr data-row="(\d+)"><td><a href="#" data-row="\d+">PC-ZIP-02</.exec(html)![1]) });
  assert.equal(opened.length, 2, fake.calls.warnings.join('\n'));
  const unpacked = opened[1];
  assert.equal(basename(unpacked), 'PC-ZIP-02');
  assert.ok(!unpacked.startsWith(machines['PC-OK-01']));
  const clientLogs = readdirSync(machines['PC-OK-01']).sort();
  assert.deepEqual(readdirSync(join(unpacked, 'Logs')).sort(), clientLogs, 'every log of the zip, under its own path');
  for (const name of clientLogs)
    assert.ok(readFileSync(join(unpacked, 'Logs', name)).equals(readFileSync(join(machines['PC-OK-01'], name))), name);
  // Exactly its logs, subfolder included (the server's folder diagnosis reads only a folder's own files).
  assert.deepEqual(clicks[1], { label: 'PC-ZIP-02', logs: clientLogs.map((n) => join(unpacked, 'Logs', n)).sort() });
  assert.equal(clicks[0].label, 'PC-SCAN-03');
  assert.equal(clicks[0].logs.length, 16);
  await fake.send({ row: Number(/<tr data-row="(\d+)"><td><a href="#" data-row="\d+">PC-ZIP-02</.exec(html)![1]) });
  assert.equal(opened[2], unpacked, 'a second click opens the same folder, not a second copy');
  for (const d of fake.context.subscriptions) (d as { dispose(): void }).dispose();
  assert.ok(!existsSync(unpacked), 'the unpacked logs are removed with the extension');
  const hostile = fleetReportHtml(
    {
      machines: [
        {
          machine: '<img src=x onerror=alert(1)>',
          source: 'folder',
          path: '/x',
          records: 1,
          errors: 0,
          findings: 0,
          not_complete: 0,
          problems: '"><script>',
        },
      ],
      counts: new Map(),
      flows: [],
    },
    'n',
    'csp:',
  );
  assert.ok(!hostile.includes('<img') && !hostile.includes('"><script>'), 'log-derived names and problems are escaped');
});

test('VS Code "Open Fleet Report" on a folder of machines runs the bundled CLI (JSON lines, no DuckDB) and shows the same counts', async () => {
  const { fakeVscode, useFake } = await import('../support/fakeVscode');
  const fake = useFake(fakeVscode());
  const { openFleetReport } = require('../../client/src/fleetReport') as typeof import('../../client/src/fleetReport');
  const context = { ...fake.context, asAbsolutePath: (p: string) => resolve(__dirname, '../..', p) };
  await openFleetReport(context as never, async () => undefined, fake.vscode.Uri.file(ROOT) as never);
  const html = fake.panel.webview.html;
  assert.match(html, /^<p>6 machines\./m);
  assert.match(
    /<tr data-row="0"[^]*?<\/tr>/.exec(html)![0],
    /PC-SCAN-03[^]*<td class="broken"><span>1 broken<\/span> · <span>3 complete<\/span><\/td>/,
  );
});

/** Every record column of every machine, hashed per machine (the same rows give the same hash, in any order). */
const RECORD_HASH = `SELECT machine, count(*) AS n, count(code) AS codes,
  bit_xor(hash(machine, day, file, line, utc, utc_ms, local, bias, severity, component, thread, code, code_name, message))::VARCHAR AS h
  FROM records GROUP BY machine ORDER BY machine`;

test('records through CSV (the default, for DuckDB) are the rows the JSON lines give (--jsoneachrow), column by column', () => {
  const csvOut = join(WORK, 'out-csv');
  const run = cmlogs('fleet', ROOT, '--out', csvOut, '--json');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), summary);
  assert.ok(!existsSync(join(csvOut, '.staging')), 'the CSV files are removed once DuckDB has read them');
  const viaCsv = JSON.parse(cmlogs('fleet', 'query', csvOut, RECORD_HASH, '--json').stdout);
  assert.equal(viaCsv.length, 6);
  assert.deepEqual(viaCsv, query(RECORD_HASH));
});

test('records: messages with quotes, commas, line breaks, NUL, tabs, Windows-1252 bytes, none at all, or 3 MB reach Parquet as parsed', async () => {
  const root = join(WORK, 'hostile');
  const out = join(WORK, 'hostile-out');
  const logs = join(root, 'PC-HOSTILE');
  mkdirSync(logs, { recursive: true });
  const cm = (message: string, line: number) =>
    `<![LOG[${message}]LOG]!><time="10:00:${String(line % 60).padStart(2, '0')}.000-60" date="03-01-2026" component="Comp, \"q\"" context="" type="${line % 3 === 0 ? 3 : 1}" thread="${line}" file="x.cpp">`;
  const messages = [
    'plain',
    'a "quoted" word, and a comma',
    '""',
    '',
    'first line\r\nsecond line, "with" quote\r\nthird',
    'tab\there and a NUL \u0000 in it',
    'Scan failed with error = 0x80244021',
    'x'.repeat(3 * 1024 * 1024),
    'ends with a quote"',
    '"',
  ];
  const cmtrace = Buffer.from(messages.map((m, i) => cm(m, i + 1)).join('\r\n') + '\r\n', 'utf8');
  // A CMTrace line whose message holds a Windows-1252 byte (é as 0xE9) in an otherwise UTF-8 file.
  const cp1252 = Buffer.concat([
    cmtrace,
    Buffer.from(cm('caf\u00e9 menu', 99).replace('\u00e9', '\u0000'), 'latin1').map((b) => (b === 0 ? 0xe9 : b)),
    Buffer.from('\r\n'),
  ]);
  writeFileSync(join(logs, 'Hostile.log'), cp1252);
  writeFileSync(
    join(logs, 'plain.log'),
    '2026-03-01 10:00:00 Error "x", y\n  continued, "z"\n2026-03-01 10:00:01 ok\n\n2026-03-01 10:00:02 "\n',
  );
  const run = cmlogs('fleet', root, '--out', out, '--json');
  assert.equal(run.status, 0, run.stderr);
  const rows = JSON.parse(
    cmlogs(
      'fleet',
      'query',
      out,
      'SELECT file, line, local, bias, severity, component, thread, code, message FROM records ORDER BY file, line',
      '--json',
    ).stdout,
  ) as Array<Record<string, unknown>>;
  const expected = [];
  for (const file of ['Hostile.log', 'plain.log']) {
    const table = (await parseFile(join(logs, file))).records;
    for (let i = 0; i < table.length; i++) {
      const r = table.get(i);
      expected.push({
        file,
        line: r.line,
        local: r.local,
        bias: r.biasMinutes,
        severity: r.severity,
        component: r.component,
        thread: r.thread,
        message: r.message,
      });
    }
  }
  assert.ok(expected.length >= messages.length + 3);
  assert.deepEqual(
    rows.map(({ code: _code, ...r }) => r),
    expected,
  );
  assert.ok(
    expected.some((r) => r.message === ''),
    'an empty message stays an empty string, not NULL',
  );
  assert.ok(
    expected.some((r) => String(r.message).includes('\n')),
    'a multi-line message',
  );
  assert.ok(
    expected.some((r) => String(r.message).includes('caf')),
    'the Windows-1252 line',
  );
  assert.equal(rows.find((r) => String(r.message).startsWith('Scan failed'))?.code, '0x80244021');
});

test('RecordCsvWriter → DuckDB: no field can shift a column (quotes, commas, line breaks in local times, components, file names); NULL stays NULL, "" stays ""', async () => {
  const table = new RecordTable('odd.log');
  const base: LogRecord = {
    file: 'odd.log',
    line: 1,
    endLine: 1,
    column: 0,
    format: 'plain',
    utc: null,
    local: null,
    biasMinutes: null,
    component: '',
    context: '',
    thread: null,
    severity: 'info',
    rawType: null,
    message: '',
    sourceFile: '',
  };
  const records: LogRecord[] = [
    { ...base, line: 1, local: '2026-03-01T10:00:00,5 "odd"\r\nclock', component: 'a,"b"\nc', message: 'x' },
    { ...base, line: 2, utc: Date.UTC(2026, 2, 1, 9), biasMinutes: -60, local: '2026-03-01T10:00:00.000', thread: 7 },
    { ...base, line: 3, message: '"', component: '"' },
  ];
  for (const r of records) table.push(r);
  const dir = join(WORK, 'csv-unit');
  mkdirSync(dir, { recursive: true });
  const csv = new RecordCsvWriter(join(dir, 'r.csv'));
  const file = 'Logs/we,ird "name"\n.log';
  for (let i = 0; i < table.length; i++) {
    const message = Buffer.from(table.message(i));
    csv.record(file, table, i, message, 0, message.length, null);
  }
  csv.close();
  const duck = await FleetDuckDb.open(1);
  try {
    await duck.appendRecords(join(dir, 'r.csv'), 'csv', join(dir, 'records'), 'PC,"1"');
    const { rows } = await duck.query(
      `SELECT machine, file, line, local, bias, component, thread, utc_ms, message FROM read_parquet('${join(dir, 'records')}/*/*/*.parquet', hive_partitioning = true) ORDER BY line`,
    );
    assert.deepEqual(rows, [
      ['PC,"1"', file, 1, records[0].local, null, 'a,"b"\nc', null, null, 'x'],
      ['PC,"1"', file, 2, '2026-03-01T10:00:00.000', -60, '', 7, Date.UTC(2026, 2, 1, 9), ''],
      ['PC,"1"', file, 3, null, null, '"', null, null, '"'],
    ]);
  } finally {
    duck.close();
  }
});
