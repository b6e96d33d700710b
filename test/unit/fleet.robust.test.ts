// A fleet of thousands always has a broken machine: each kind of failure is listed with its reason, the other
// machines are read as if it were not there, and the run ends with exit code 3 (tables written, some machines not
// read). The kinds, as they come in real collections: a link to a folder that is gone, a .zip that is not one, a
// .zip damaged after its directory, a .cab without cabextract, a machine whose records DuckDB cannot write (a
// Japanese folder name too long for a partition folder once percent-encoded), a damaged CSV, and a reader thread
// that dies.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { FleetDuckDb } from '../../server/src/cli/fleetDuckdb';
import { listMachines } from '../../server/src/core/fleet/machines';
import { readFleet, type MachineDone } from '../../server/src/core/fleet/pool';
import { SAMPLES, zipBytes } from '../fleet/makeFleet';

const CLI = resolve(__dirname, '../../server/out/cli.js');
const WORK = join(tmpdir(), `cmlogs-fleet-robust-${process.pid}`);
const ROOT = join(WORK, 'fleet');
const OUT = join(WORK, 'out');
/** 30 characters, 90 bytes in UTF-8, 270 once DuckDB percent-encodes them in "machine=…": over NAME_MAX (255). */
const LONG_NAME = '経理部ノートパソコン山田太郎様ログ収集二〇二六年十二月七日分です';

const scanAgent = readFileSync(join(SAMPLES, 'client/ScanAgent.log'));
const cas = readFileSync(join(SAMPLES, 'client/CAS.log'));

function cmlogs(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

function query(out: string, sql: string): Array<Record<string, unknown>> {
  const run = cmlogs('fleet', 'query', out, sql, '--json');
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

function machineFolder(path: string, files: Record<string, Buffer>): void {
  mkdirSync(path, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(path, name), data);
}

before(() => {
  rmSync(WORK, { recursive: true, force: true });
  machineFolder(join(ROOT, 'PC-GOOD-01'), { 'ScanAgent.log': scanAgent, 'CAS.log': cas });
  machineFolder(join(ROOT, 'PC-GOOD-02'), { 'CAS.log': cas });
  symlinkSync(join(WORK, 'share-that-is-gone'), join(ROOT, 'PC-GONE-03'));
  writeFileSync(join(ROOT, 'PC-NOTZIP-04.zip'), Buffer.from('PK\x03\x04 half a download'));
  // The directory is whole, the data is not (copied while the collection was still writing it).
  const damaged = zipBytes([{ name: 'Logs/CAS.log', data: cas }]);
  damaged.fill(0, 0, 4);
  writeFileSync(join(ROOT, 'PC-DAMAGED-05.zip'), damaged);
  machineFolder(join(ROOT, LONG_NAME), { 'CAS.log': cas });
});

after(() => rmSync(WORK, { recursive: true, force: true }));

test('every kind of unreadable machine is listed with its reason; the others are read; exit code 3', () => {
  const run = cmlogs('fleet', ROOT, '--out', OUT, '--json');
  assert.equal(run.status, 3, run.stderr);
  const summary = JSON.parse(run.stdout);
  assert.equal(summary.machines, 6);
  const reasons = Object.fromEntries(
    (summary.unreadable as Array<{ machine: string; error: string }>).map((u) => [u.machine, u.error]),
  );
  assert.deepEqual(Object.keys(reasons).sort(), ['PC-DAMAGED-05', 'PC-GONE-03', 'PC-NOTZIP-04', LONG_NAME].sort());
  assert.match(reasons['PC-GONE-03'], /^no such folder: .*PC-GONE-03$/);
  assert.match(reasons['PC-NOTZIP-04'], /not a zip file/);
  assert.match(reasons['PC-DAMAGED-05'], /^Logs\/CAS\.log: bad local header$/);
  assert.match(reasons[LONG_NAME], /^its records could not be written: IO Error: Failed to create directory/);

  const machines = query(OUT, 'SELECT machine, status, error, records, findings FROM machines ORDER BY machine');
  const by = Object.fromEntries(machines.map((m) => [m.machine, m]));
  assert.equal(machines.length, 6, 'every machine has its row');
  for (const name of ['PC-GOOD-01', 'PC-GOOD-02']) {
    assert.equal(by[name].status, 'read', name);
    assert.equal(by[name].error, null, name);
  }
  for (const name of Object.keys(reasons)) {
    assert.equal(by[name].status, 'failed', name);
    assert.equal(by[name].error, reasons[name], name);
    assert.equal(by[name].records, 0, name);
  }
  // Nothing of a failed machine is in the other tables, even the one that was read before DuckDB refused it.
  const inRecords = query(OUT, 'SELECT DISTINCT machine FROM records ORDER BY machine').map((r) => r.machine);
  assert.deepEqual(inRecords, ['PC-GOOD-01', 'PC-GOOD-02']);
  const inFindings = query(OUT, 'SELECT DISTINCT machine FROM findings ORDER BY machine').map((r) => r.machine);
  assert.ok(!inFindings.includes(LONG_NAME));
  assert.ok(!existsSync(join(OUT, 'records.staging')), 'the staging folder of the refused COPY is gone');
});

test('the good machines read next to broken ones give the rows they give alone', () => {
  const alone = join(WORK, 'alone');
  machineFolder(join(alone, 'PC-GOOD-01'), { 'ScanAgent.log': scanAgent, 'CAS.log': cas });
  machineFolder(join(alone, 'PC-GOOD-02'), { 'CAS.log': cas });
  const out = join(WORK, 'alone-out');
  const run = cmlogs('fleet', alone, '--out', out, '--json');
  assert.equal(run.status, 0, run.stderr);
  const aloneSummary = JSON.parse(run.stdout);
  assert.deepEqual(aloneSummary.unreadable, []);
  const hash = `SELECT machine, count(*) AS n, bit_xor(hash(file, line, utc, local, severity, component, thread, code, message))::VARCHAR AS h
    FROM records GROUP BY machine ORDER BY machine`;
  assert.deepEqual(query(OUT, hash), query(out, hash));
  const findings = 'SELECT machine, flow, key, status, failed_step, code FROM findings ORDER BY ALL';
  assert.deepEqual(query(OUT, findings), query(out, findings));
  const mixed = JSON.parse(cmlogs('fleet', ROOT, '--out', join(WORK, 'again'), '--json').stdout);
  assert.deepEqual(mixed.flows, aloneSummary.flows, 'the unreadable machines add nothing to the counts');
});

test('the table says "N machines could not be read" with each reason, and how to list them past 20', () => {
  const run = cmlogs('fleet', ROOT, '--out', join(WORK, 'table-out'));
  assert.equal(run.status, 3, run.stderr);
  assert.match(
    run.stdout,
    /^6 machines\n4 machines could not be read \(not in the counts below\):\n {2}PC-DAMAGED-05: Logs\/CAS\.log: bad local header\n/,
  );
  assert.match(run.stdout, /\n {2}PC-GONE-03: no such folder: /);
  const many = join(WORK, 'many');
  mkdirSync(many, { recursive: true });
  for (let i = 0; i < 23; i++) writeFileSync(join(many, `PC-${String(i).padStart(2, '0')}.zip`), 'not a zip');
  machineFolder(join(many, 'PC-OK'), { 'CAS.log': cas });
  const table = cmlogs('fleet', many, '--out', join(WORK, 'many-out'));
  assert.equal(table.status, 3, table.stderr);
  assert.match(table.stdout, /^24 machines\n23 machines could not be read/);
  assert.equal(table.stdout.match(/^ {2}PC-\d\d: /gm)?.length, 20);
  assert.match(
    table.stdout,
    /… and 3 more: cmlogs fleet query DIR "SELECT machine, error FROM machines WHERE status = 'failed'"/,
  );
});

test('--jsoneachrow: a machine whose records DuckDB refused leaves no JSON lines for ClickHouse either', () => {
  const out = join(WORK, 'json-out');
  const run = cmlogs('fleet', ROOT, '--out', out, '--json', '--jsoneachrow');
  assert.equal(run.status, 3, run.stderr);
  const recordFiles = readdirSync(join(out, 'jsoneachrow', 'records'));
  const named = new Set(
    recordFiles.map(
      (f) => JSON.parse(readFileSync(join(out, 'jsoneachrow', 'records', f), 'utf8').split('\n')[0]).machine,
    ),
  );
  assert.deepEqual([...named].sort(), ['PC-GOOD-01', 'PC-GOOD-02']);
  const rows = readFileSync(join(out, 'jsoneachrow', 'machines.json'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.find((r) => r.machine === LONG_NAME).status, 'failed');
  const findings = readFileSync(join(out, 'jsoneachrow', 'findings.json'), 'utf8');
  assert.ok(!findings.includes(LONG_NAME));
  // --no-parquet: nothing refuses the records, so the long name is read like any other.
  const plain = cmlogs('fleet', ROOT, '--out', join(WORK, 'json-only'), '--json', '--jsoneachrow', '--no-parquet');
  assert.equal(plain.status, 3, plain.stderr);
  assert.ok(!JSON.parse(plain.stdout).unreadable.some((u: { machine: string }) => u.machine === LONG_NAME));
});

test('a damaged CSV: DuckDB refuses it, and the Parquet already written for other machines stays whole', async () => {
  const dir = join(WORK, 'csv');
  mkdirSync(dir, { recursive: true });
  const good = join(dir, 'good.csv');
  const bad = join(dir, 'bad.csv');
  writeFileSync(good, '"CAS.log",1,1700000000000,2023-11-14T22:13:20.000,0,info,"CAS",1,,,"hello"\n');
  writeFileSync(bad, readFileSync(good, 'utf8').replace('"hello"', '"hello')); // cut before its closing quote
  const duck = await FleetDuckDb.open(1);
  try {
    await duck.appendRecords(good, 'csv', join(dir, 'records'), 'PC-A');
    await assert.rejects(duck.appendRecords(bad, 'csv', join(dir, 'records'), 'PC-B'), /unterminated quote/);
    assert.deepEqual(readdirSync(join(dir, 'records')), ['machine=PC-A']);
    assert.ok(!existsSync(join(dir, 'records.staging')));
    const rows = await duck.query(
      `SELECT machine, message FROM read_parquet('${join(dir, 'records')}/*/*/*.parquet', hive_partitioning = true)`,
    );
    assert.deepEqual(rows.rows, [['PC-A', 'hello']]);
  } finally {
    duck.close();
  }
});

test('a reader thread that dies takes only its machine: listed with the reason, the thread replaced, the rest read', async () => {
  const root = join(WORK, 'crash');
  for (const name of ['PC-1', 'PC-2', 'PC-CRASH-3', 'PC-4', 'PC-5'])
    machineFolder(join(root, name), { 'CAS.log': cas });
  const { machines } = listMachines(root);
  const staged = join(WORK, 'crash-rows');
  mkdirSync(staged, { recursive: true });
  const done: MachineDone[] = [];
  await readFleet(machines, {
    workers: 2,
    workerEntry: resolve(__dirname, '../fleet/crashingWorker.ts'),
    recordsPath: (i) => join(staged, `${i}.csv`),
    recordsFormat: 'csv',
    onMachine: (d) => void done.push(d),
  });
  const by = Object.fromEntries(done.map((d) => [d.machine.machine, d.machine]));
  assert.deepEqual(Object.keys(by).sort(), ['PC-1', 'PC-2', 'PC-4', 'PC-5', 'PC-CRASH-3']);
  assert.equal(by['PC-CRASH-3'].status, 'failed');
  assert.equal(by['PC-CRASH-3'].error, 'the thread reading it stopped: exit code 7');
  for (const name of ['PC-1', 'PC-2', 'PC-4', 'PC-5']) {
    assert.equal(by[name].status, 'read', name);
    assert.ok(by[name].records > 0, name);
  }
});

test('cmlogs fleet unpack: the logs of a bundle written out, none outside the folder whatever the names say', () => {
  const zip = join(WORK, 'slip.zip');
  writeFileSync(
    zip,
    zipBytes([
      { name: '../../escape.log', data: Buffer.from('a') },
      { name: '/etc/cmlogs-abs.log', data: Buffer.from('b') },
      { name: 'C:\\Windows\\CCM\\Logs\\CAS.log', data: cas },
      { name: 'Logs/./../ScanAgent.log', data: scanAgent },
      { name: 'Logs/notes.xml', data: Buffer.from('<x/>') },
    ]),
  );
  const to = join(WORK, 'slip', 'PC-SLIP');
  const run = cmlogs('fleet', 'unpack', zip, '--to', to);
  assert.equal(run.status, 0, run.stderr);
  const { files, problems } = JSON.parse(run.stdout);
  assert.deepEqual(files, ['escape.log', 'etc/cmlogs-abs.log', 'Windows/CCM/Logs/CAS.log', 'Logs/ScanAgent.log']);
  assert.deepEqual(problems, []);
  assert.ok(readFileSync(join(to, 'Windows/CCM/Logs/CAS.log')).equals(cas));
  assert.ok(!existsSync(join(WORK, 'escape.log')) && !existsSync('/etc/cmlogs-abs.log'));
  assert.ok(!existsSync(join(to, 'Logs/notes.xml')), 'only logs');
  const bad = cmlogs('fleet', 'unpack', join(ROOT, 'PC-NOTZIP-04.zip'), '--to', join(WORK, 'slip', 'bad'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /PC-NOTZIP-04\.zip: not a zip file/);
});

test('VS Code report: unreadable machines listed below the table with their reasons; a click on one says why', async () => {
  const { fakeVscode, useFake } = await import('../support/fakeVscode');
  const fake = useFake(fakeVscode());
  const { openFleetReport } = require('../../client/src/fleetReport') as typeof import('../../client/src/fleetReport');
  const context = { ...fake.context, asAbsolutePath: (p: string) => resolve(__dirname, '../..', p) };
  const opened: string[] = [];
  await openFleetReport(
    context as never,
    async (m) => void opened.push(m.folder.fsPath),
    fake.vscode.Uri.file(ROOT) as never,
  );
  const html = fake.panel.webview.html;
  // The extension reads JSON lines (no DuckDB): the long name is read there; three machines are not.
  assert.match(html, /^<p>6 machines, 3 of them could not be read \(listed below the table\)\./m);
  assert.match(html, /<h3 id="unreadable">3 machines could not be read<\/h3>/);
  assert.match(html, /<li><b>PC-GONE-03<\/b>: no such folder: /);
  assert.match(html, /<li><b>PC-DAMAGED-05<\/b>: Logs\/CAS\.log: bad local header/);
  assert.ok(!/<a href="#" data-row="\d+">PC-GONE-03</.test(html), 'not a row of the table');
  const good = Number(/<tr data-row="(\d+)"><td><a href="#" data-row="\d+">PC-GOOD-02</.exec(html)![1]);
  await fake.send({ row: good });
  assert.deepEqual(opened, [join(ROOT, 'PC-GOOD-02')]);
  // A failed machine's index (the page offers no link to it; a stale or forged message is answered in words).
  for (let row = 0; row < 6; row++) await fake.send({ row });
  assert.equal(opened.length, 1 + 3, 'the three readable machines open; the three others do not');
  assert.equal(fake.calls.warnings.filter((w) => / could not be read: /.test(w)).length, 3);
  for (const d of fake.context.subscriptions) (d as { dispose(): void }).dispose();
});
