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
import { writeFleet } from '../../server/src/cli/fleet';
import { FleetDuckDb } from '../../server/src/cli/fleetDuckdb';
import { machineKeyOf } from '../../server/src/core/fleet/rows';
import { listMachines } from '../../server/src/core/fleet/machines';
import { readFleet, type MachineDone } from '../../server/src/core/fleet/pool';
import { SAMPLES, zipBytes } from '../fleet/makeFleet';

const CLI = resolve(__dirname, '../../server/out/cli.js');
const WORK = join(tmpdir(), `cmlogs-fleet-robust-${process.pid}`);
const ROOT = join(WORK, 'fleet');
const OUT = join(WORK, 'out');
/**
 * 30 characters, 90 bytes in UTF-8, 270 once percent-encoded in a partition folder "machine=…": over NAME_MAX (255).
 * It was a machine DuckDB refused; its partition key is now short (machineKeyOf) and it is read like any other.
 */
const LONG_NAME = '経理部ノートパソコン山田太郎様ログ収集二〇二六年十二月七日分です';
/** The machine whose records the DuckDB of `refusingDuck` refuses (as a full disk would). */
const REFUSED = 'PC-REFUSED-06';

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
  machineFolder(join(ROOT, LONG_NAME), { 'ScanAgent.log': scanAgent, 'CAS.log': cas });
  machineFolder(join(ROOT, REFUSED), { 'CAS.log': cas });
});

/** A DuckDB that refuses REFUSED's records the way DuckDB refuses a COPY it cannot finish. */
async function refusingDuck(): Promise<FleetDuckDb> {
  const duck = await FleetDuckDb.open(1);
  const append = duck.appendRecords.bind(duck);
  duck.appendRecords = (path, format, recordsDir, machine) =>
    machine === REFUSED
      ? Promise.reject(new Error('IO Error: Could not write file "part_1.parquet": No space left on device'))
      : append(path, format, recordsDir, machine);
  return duck;
}

/** writeFleet over ROOT with refusingDuck, as `cmlogs fleet ROOT --out OUT --json` would run it. */
async function writeWithRefusal(out: string, jsonEachRow = false) {
  return writeFleet(ROOT, out, { jsonEachRow, parquet: true, openDuck: refusingDuck, progress: () => {} });
}

after(() => rmSync(WORK, { recursive: true, force: true }));

test('every kind of unreadable machine is listed with its reason; the others are read; exit code 3', async () => {
  const run = cmlogs('fleet', ROOT, '--out', join(WORK, 'cli-out'), '--json');
  assert.equal(run.status, 3, run.stderr);
  assert.deepEqual(
    JSON.parse(run.stdout)
      .unreadable.map((u: { machine: string }) => u.machine)
      .sort(),
    ['PC-DAMAGED-05', 'PC-GONE-03', 'PC-NOTZIP-04'],
    'the CLI: the three machines that cannot be read; the long name is read',
  );
  const summary = await writeWithRefusal(OUT);
  assert.equal(summary.machines, 7);
  const reasons = Object.fromEntries(summary.unreadable.map((u) => [u.machine, u.error]));
  assert.deepEqual(Object.keys(reasons).sort(), ['PC-DAMAGED-05', 'PC-GONE-03', 'PC-NOTZIP-04', REFUSED].sort());
  assert.match(reasons['PC-GONE-03'], /^no such folder: .*PC-GONE-03$/);
  assert.match(reasons['PC-NOTZIP-04'], /not a zip file/);
  assert.match(reasons['PC-DAMAGED-05'], /^Logs\/CAS\.log: bad local header$/);
  assert.match(reasons[REFUSED], /^its records could not be written: IO Error: .*No space left on device/);

  const machines = query(OUT, 'SELECT machine, status, error, records, findings FROM machines ORDER BY machine');
  const by = Object.fromEntries(machines.map((m) => [m.machine, m]));
  assert.equal(machines.length, 7, 'every machine has its row');
  for (const name of ['PC-GOOD-01', 'PC-GOOD-02', LONG_NAME]) {
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
  assert.deepEqual(inRecords, ['PC-GOOD-01', 'PC-GOOD-02', LONG_NAME]);
  const inFindings = query(OUT, 'SELECT DISTINCT machine FROM findings ORDER BY machine').map((r) => r.machine);
  assert.ok(!inFindings.includes(REFUSED));
  assert.ok(inFindings.includes(LONG_NAME));
  assert.ok(!existsSync(join(OUT, 'records.staging')), 'the staging folder of the refused COPY is gone');
});

test('the good machines read next to broken ones give the rows they give alone', () => {
  const alone = join(WORK, 'alone');
  machineFolder(join(alone, 'PC-GOOD-01'), { 'ScanAgent.log': scanAgent, 'CAS.log': cas });
  machineFolder(join(alone, 'PC-GOOD-02'), { 'CAS.log': cas });
  machineFolder(join(alone, LONG_NAME), { 'ScanAgent.log': scanAgent, 'CAS.log': cas });
  machineFolder(join(alone, REFUSED), { 'CAS.log': cas });
  const out = join(WORK, 'alone-out');
  const run = cmlogs('fleet', alone, '--out', out, '--json');
  assert.equal(run.status, 0, run.stderr);
  const aloneSummary = JSON.parse(run.stdout);
  assert.deepEqual(aloneSummary.unreadable, []);
  const hash = `SELECT machine, count(*) AS n, bit_xor(hash(file, line, utc, local, severity, component, thread, code, message))::VARCHAR AS h
    FROM records WHERE machine <> '${REFUSED}' GROUP BY machine ORDER BY machine`;
  assert.deepEqual(query(OUT, hash), query(out, hash));
  const findings = `SELECT machine, flow, key, status, failed_step, code FROM findings WHERE machine <> '${REFUSED}' ORDER BY ALL`;
  assert.deepEqual(query(OUT, findings), query(out, findings));
  const mixed = JSON.parse(cmlogs('fleet', ROOT, '--out', join(WORK, 'again'), '--json').stdout);
  assert.deepEqual(mixed.flows, aloneSummary.flows, 'the unreadable machines add nothing to the counts');
});

test('the table says "N machines could not be read" with each reason, and how to list them past 20', () => {
  const run = cmlogs('fleet', ROOT, '--out', join(WORK, 'table-out'));
  assert.equal(run.status, 3, run.stderr);
  assert.match(
    run.stdout,
    /^7 machines\n3 machines could not be read \(not in the counts below\):\n {2}PC-DAMAGED-05: Logs\/CAS\.log: bad local header\n/,
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

test('--jsoneachrow: a machine whose records DuckDB refused leaves no JSON lines for ClickHouse either', async () => {
  const out = join(WORK, 'json-out');
  const summary = await writeWithRefusal(out, true);
  assert.ok(summary.unreadable.some((u) => u.machine === REFUSED));
  const recordFiles = readdirSync(join(out, 'jsoneachrow', 'records'));
  const named = new Set(
    recordFiles.map(
      (f) => JSON.parse(readFileSync(join(out, 'jsoneachrow', 'records', f), 'utf8').split('\n')[0]).machine,
    ),
  );
  assert.deepEqual([...named].sort(), ['PC-GOOD-01', 'PC-GOOD-02', LONG_NAME].sort());
  const rows = readFileSync(join(out, 'jsoneachrow', 'machines.json'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.find((r) => r.machine === REFUSED).status, 'failed');
  const findings = readFileSync(join(out, 'jsoneachrow', 'findings.json'), 'utf8');
  assert.ok(!findings.includes(REFUSED));
  // --no-parquet: nothing can refuse the records, so that machine is read like any other.
  const plain = cmlogs('fleet', ROOT, '--out', join(WORK, 'json-only'), '--json', '--jsoneachrow', '--no-parquet');
  assert.equal(plain.status, 3, plain.stderr);
  assert.ok(!JSON.parse(plain.stdout).unreadable.some((u: { machine: string }) => u.machine === REFUSED));
});

test('a machine name of 30 Japanese characters: its records under a short partition key, queried by its name', () => {
  const out = join(WORK, 'cli-out'); // written by the first test's CLI run
  const key = machineKeyOf(LONG_NAME);
  assert.match(key, /^_{24}~[0-9a-f]{16}$/);
  assert.ok(existsSync(join(out, 'records', `machine_key=${key}`)));
  assert.ok(existsSync(join(out, 'records', 'machine_key=PC-GOOD-01')), 'an ordinary name is its own key');
  const byName = (sql: string) => query(out, sql.replace('NAME', `'${LONG_NAME}'`));
  const records = byName('SELECT count(*) AS n, min(machine_key) AS k FROM records WHERE machine = NAME')[0];
  assert.equal(records.k, key);
  assert.equal(records.n, byName('SELECT records FROM machines WHERE machine = NAME')[0].records);
  assert.ok((records.n as number) > 0);
  assert.equal(byName('SELECT status FROM machines WHERE machine = NAME')[0].status, 'read');
  assert.ok((byName('SELECT count(*) AS n FROM findings WHERE machine = NAME')[0].n as number) > 0);
  // The same rows as an ordinary machine with the same logs, and pruning by the key finds them.
  const hash = (name: string) =>
    query(
      out,
      `SELECT count(*) AS n, bit_xor(hash(file, line, utc, local, severity, component, message))::VARCHAR AS h FROM records WHERE machine = '${name}'`,
    );
  assert.deepEqual(hash(LONG_NAME), hash('PC-GOOD-01'));
  assert.deepEqual(
    query(out, `SELECT DISTINCT machine FROM records WHERE machine_key = '${key}'`).map((r) => r.machine),
    [LONG_NAME],
  );
});

test('machineKeyOf: ordinary host names are their own key; any other name gets one that fits a folder, never shared', () => {
  for (const name of ['PC01', 'pc-01', 'WKS_0042', 'host.contoso.com', 'A'.repeat(64)])
    assert.equal(machineKeyOf(name), name);
  const odd = [
    'A'.repeat(65),
    'NULL',
    'null',
    'PC 01',
    'PC/01',
    '../x',
    'machine=x',
    '😀'.repeat(200),
    '',
    '-x',
    '.hidden',
    'PC01~0123456789abcdef',
  ];
  const keys = odd.map(machineKeyOf);
  for (const [i, key] of keys.entries()) {
    assert.match(key, /^[A-Za-z0-9._-]{0,24}~[0-9a-f]{16}$/, odd[i]);
    assert.ok(Buffer.byteLength(`machine_key=${key}`) <= 64, odd[i]);
    assert.equal(machineKeyOf(odd[i]), key, 'the same name, the same key');
  }
  assert.equal(new Set(keys).size, keys.length, 'no two names share a key');
  assert.notEqual(machineKeyOf('PC01'), machineKeyOf('pc01'), 'names that differ in case only: two keys');
});

test('fleet query over a DIR written before machine_key (records/machine=NAME/day=…): the same views', async () => {
  const dir = join(WORK, 'old-layout');
  mkdirSync(join(dir, 'records'), { recursive: true });
  const duck = await FleetDuckDb.open(1);
  try {
    await duck.connection.run(
      `COPY (SELECT 'PC-OLD' AS machine, DATE '2026-12-07' AS day, 'CAS.log' AS file, 1 AS line, 'hello' AS message)
       TO '${join(dir, 'records')}' (FORMAT parquet, PARTITION_BY (machine, day), OVERWRITE_OR_IGNORE)`,
    );
    for (const table of ['machines', 'findings'])
      await duck.connection.run(
        `COPY (SELECT 'PC-OLD' AS machine) TO '${join(dir, `${table}.parquet`)}' (FORMAT parquet)`,
      );
  } finally {
    duck.close();
  }
  assert.ok(readdirSync(join(dir, 'records')).includes('machine=PC-OLD'));
  assert.deepEqual(query(dir, "SELECT machine, machine_key, day, message FROM records WHERE machine = 'PC-OLD'"), [
    { machine: 'PC-OLD', machine_key: 'PC-OLD', day: '2026-12-07', message: 'hello' },
  ]);
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
    assert.deepEqual(readdirSync(join(dir, 'records')), ['machine_key=PC-A']);
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
  // The extension reads JSON lines (no DuckDB); three machines cannot be read.
  assert.match(html, /^<p>7 machines, 3 of them could not be read \(listed below the table\)\./m);
  assert.match(html, /<h3 id="unreadable">3 machines could not be read<\/h3>/);
  assert.match(html, /<li><b>PC-GONE-03<\/b>: no such folder: /);
  assert.match(html, /<li><b>PC-DAMAGED-05<\/b>: Logs\/CAS\.log: bad local header/);
  assert.ok(!/<a href="#" data-row="\d+">PC-GONE-03</.test(html), 'not a row of the table');
  const good = Number(/<tr data-row="(\d+)"><td><a href="#" data-row="\d+">PC-GOOD-02</.exec(html)![1]);
  await fake.send({ row: good });
  assert.deepEqual(opened, [join(ROOT, 'PC-GOOD-02')]);
  // A failed machine's index (the page offers no link to it; a stale or forged message is answered in words).
  for (let row = 0; row < 7; row++) await fake.send({ row });
  assert.equal(opened.length, 1 + 4, 'the four readable machines open; the three others do not');
  assert.equal(fake.calls.warnings.filter((w) => / could not be read: /.test(w)).length, 3);
  for (const d of fake.context.subscriptions) (d as { dispose(): void }).dispose();
});
