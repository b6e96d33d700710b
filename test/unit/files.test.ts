import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { groupRollovers, listLogFiles, rolloverBase } from '../../server/src/core/files';

const CLI = resolve(__dirname, '../../server/out/cli.js');
const SAMPLES = resolve(__dirname, '../../samples');

test('rolled-over siblings belong to their log, oldest first', () => {
  assert.equal(rolloverBase('/l/CcmExec-20131009-083840.log'), '/l/CcmExec.log');
  assert.equal(rolloverBase('/l/WUAHandler.lo_'), '/l/WUAHandler.log');
  const groups = groupRollovers([
    '/l/CcmExec.log',
    '/l/CcmExec.lo_',
    '/l/CcmExec-20131009-083840.log',
    '/l/CcmExec-20131001-000000.log',
    '/l/CAS.log',
  ]);
  assert.deepEqual(groups.get('/l/CcmExec.log'), [
    '/l/CcmExec-20131001-000000.log',
    '/l/CcmExec-20131009-083840.log',
    '/l/CcmExec.lo_',
    '/l/CcmExec.log',
  ]);
  assert.deepEqual(groups.get('/l/CAS.log'), ['/l/CAS.log']);
});

test('folders are walked for *.log, *.lo_ and *.txt; missing paths are reported', () => {
  const { files, missing } = listLogFiles([resolve(SAMPLES, 'client'), '/no/such/file.log']);
  assert.ok(files.some((f) => f.endsWith('WUAHandler.lo_')));
  assert.equal(files.length, 16);
  assert.deepEqual(missing, ['/no/such/file.log']);
});

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('cmlogs parse --rollover reads WUAHandler.lo_ then WUAHandler.log; with --json the first record after the boundary carries it', () => {
  const run = cli(
    'parse',
    resolve(SAMPLES, 'client/WUAHandler.lo_'),
    resolve(SAMPLES, 'client/WUAHandler.log'),
    '--rollover',
    '--json',
  );
  assert.equal(run.status, 0);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const marker = lines.findIndex((l) => l.rollover);
  assert.equal(marker, 22);
  assert.match(lines[marker].rollover.from, /WUAHandler\.lo_$/);
  assert.match(lines[marker].rollover.to, /WUAHandler\.log$/);
  assert.match(lines[marker].file, /WUAHandler\.log$/);
  assert.equal(lines[marker].line, 1);
  assert.equal(lines.length, 22 + 60);
  assert.equal(lines.filter((l) => l.rollover).length, 1);
  // Every NDJSON line is a record.
  for (const l of lines)
    assert.ok(typeof l.file === 'string' && Number.isInteger(l.line) && typeof l.message === 'string');
  assert.ok(lines[21].utc < lines[22].utc);
});

test('cmlogs parse --json: one record per line with utc in ISO 8601; a missing file exits 2 with a message', () => {
  const run = cli('parse', resolve(SAMPLES, 'siteserver/WSyncMgr.log'), '--json');
  const first = JSON.parse(run.stdout.split('\n')[0]);
  assert.equal(first.utc, '2014-01-16T18:53:47.118Z');
  assert.equal(first.component, 'SMS_WSUS_SYNC_MANAGER');
  assert.equal(first.biasMinutes, -60);
  const missing = cli('parse', '/no/such.log');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file or folder: \/no\/such\.log/);
});

test('cmlogs lookup: JSON shape and exit code 2 for unknown input', () => {
  const run = cli('lookup', '0x80244021', '--json');
  assert.equal(run.status, 0);
  const [result] = JSON.parse(run.stdout);
  assert.equal(result.kind, 'hresult');
  assert.deepEqual(result.names, ['WU_E_PT_HTTP_STATUS_BAD_GATEWAY']);
  assert.equal(cli('lookup', 'nonsense').status, 2);
});

test('cmlogs stats: first line is the record count', () => {
  const run = cli('stats', SAMPLES);
  assert.equal(run.stdout.split('\n')[0], 'records: 973'); // 854 ConfigMgr sample records + 119 in samples/windows
});

test('cmlogs stats: a top error code the tables do not name still shows its facility (not a blank)', async () => {
  const { computeStats } = await import('../../server/src/cli/stats');
  const { parseText } = await import('../../server/src/core/parse');
  const log =
    '<![LOG[WMI query failed, error 0x80041FFF]LOG]!><time="08:00:00.000+000" date="01-02-2024" component="CcmExec" context="" type="3" thread="1" file="">';
  const [top] = computeStats([parseText(log, 'CcmExec.log')]).topErrorCodes;
  assert.deepEqual(
    [top.code, top.names, top.message],
    ['0x80041FFF', [], 'not in the reference tables; facility FACILITY_ITF (4), code 0x1FFF (8191)'],
  );
});
