// Where an inferred UTC came from, told apart between machines: a case folder with PC01 (ccmsetup.log at bias -60)
// and PC02 (ccmsetup.log at bias +300), each with an Intune Management Extension log that writes no zone. The hover
// (through the real server, the case folder as workspace), the timeline's row clocks and `cmlogs parse --json`'s
// utcSource name "PC01/ccmsetup.log" and "PC02/ccmsetup.log", relative to the folder; a log outside any folder
// the server was given names its source by its full path.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { commonFolder, sourceLogPath } from '../../server/src/core/clock';
import { Requests } from '../../server/src/protocol';
import { positionOf, TestClient, uri } from './lspClient';

interface Hover {
  contents: { kind: string; value: string };
}

const cm = (text: string, time: string, component: string) =>
  `<![LOG[${text}]LOG]!><time="${time}" date="05-19-2025" component="${component}" context="" type="1" thread="4" file="">\r\n`;

const CASE = mkdtempSync(join(tmpdir(), 'cmlogs-case-'));
const OUTSIDE = mkdtempSync(join(tmpdir(), 'cmlogs-outside-'));
const ime = (pc: string) => join(CASE, pc, 'IntuneManagementExtension.log');
const BIAS: Record<string, string> = { PC01: '-60', PC02: '+300' };

let lsp: TestClient;
before(async () => {
  for (const pc of ['PC01', 'PC02']) {
    mkdirSync(join(CASE, pc));
    writeFileSync(ime(pc), cm('[PowerShell] Launching ccmsetup.exe', '09:13:00.1234567', 'IntuneManagementExtension'));
    writeFileSync(join(CASE, pc, 'ccmsetup.log'), cm('ccmsetup started', `09:14:00.000${BIAS[pc]}`, 'ccmsetup'));
  }
  writeFileSync(join(OUTSIDE, 'IntuneManagementExtension.log'), cm('x', '09:13:00.1234567', 'IME'));
  writeFileSync(join(OUTSIDE, 'ccmsetup.log'), cm('ccmsetup started', '09:14:00.000-60', 'ccmsetup'));
  lsp = new TestClient();
  await lsp.initialize(CASE);
  for (const folder of [join(CASE, 'PC01'), join(CASE, 'PC02'), OUTSIDE]) {
    await lsp.open(join(folder, 'IntuneManagementExtension.log'));
    await lsp.ask(Requests.indexFolder, { path: folder });
  }
});
after(async () => {
  await lsp.stop();
  rmSync(CASE, { recursive: true, force: true });
  rmSync(OUTSIDE, { recursive: true, force: true });
});

async function timeHover(file: string): Promise<string> {
  const hover = await lsp.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: uri(file) },
    position: positionOf(file, 'time="09:13', 8),
  });
  assert.ok(hover);
  return hover.contents.value;
}

test('hover: each machine names its own source log, relative to the workspace folder', async () => {
  const pc01 = await timeHover(ime('PC01'));
  assert.match(pc01, /2025-05-19T08:13:00\.123Z/);
  assert.ok(pc01.includes(`inferred from \`${join('PC01', 'ccmsetup.log')}\``), pc01);
  const pc02 = await timeHover(ime('PC02'));
  assert.match(pc02, /2025-05-19T14:13:00\.123Z/);
  assert.ok(pc02.includes(`inferred from \`${join('PC02', 'ccmsetup.log')}\``), pc02);
  const outside = await timeHover(join(OUTSIDE, 'IntuneManagementExtension.log'));
  assert.ok(outside.includes(`inferred from \`${join(OUTSIDE, 'ccmsetup.log')}\``), outside);
});

test('timeline details: the row clocks of both machines, relative to the folder of the timeline', async () => {
  const page = await lsp.ask(Requests.timeline, { folders: [uri(join(CASE, 'PC01')), uri(join(CASE, 'PC02'))] });
  const clocks = page.rows.filter((r) => r.clock).map((r) => [page.files[r.f].file, r.clock]);
  assert.deepEqual(clocks, [
    [ime('PC01'), { kind: 'inferred', from: join('PC01', 'ccmsetup.log'), bias: -60 }],
    [ime('PC02'), { kind: 'inferred', from: join('PC02', 'ccmsetup.log'), bias: 300 }],
  ]);
});

test('cmlogs parse --json: utcSource.from relative to the folder given', () => {
  const cli = resolve(__dirname, '../../server/out/cli.js');
  const run = spawnSync(process.execPath, [cli, 'parse', CASE, '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const records = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { file: string; utcSource: { kind: string; from?: string } });
  const inferred = records.filter((r) => r.utcSource.kind === 'inferred').map((r) => r.utcSource.from);
  assert.deepEqual(inferred, [join('PC01', 'ccmsetup.log'), join('PC02', 'ccmsetup.log')]);
  // The text form's note on stderr says the same.
  const text = spawnSync(process.execPath, [cli, 'parse', CASE], { encoding: 'utf8' });
  assert.ok(text.stderr.includes(`inferred from ${join('PC02', 'ccmsetup.log')} (`), text.stderr);
});

test('commonFolder and sourceLogPath: the deepest shared folder, else null; relative inside a folder, else full', () => {
  assert.equal(commonFolder([join(CASE, 'PC01', 'a.log'), join(CASE, 'PC02', 'b.log')]), CASE);
  assert.equal(commonFolder([join(CASE, 'PC01', 'a.log')]), join(CASE, 'PC01'));
  assert.equal(commonFolder([join(CASE, 'PC01x', 'a.log'), join(CASE, 'PC01', 'b.log')]), CASE);
  assert.equal(commonFolder(['/a/x.log', '/b/y.log']), null);
  assert.equal(commonFolder([]), null);
  assert.equal(sourceLogPath(join(CASE, 'PC01', 'ccmsetup.log'), [CASE]), join('PC01', 'ccmsetup.log'));
  // The deepest folder that holds it wins; a sibling whose name starts the same is not a parent.
  assert.equal(sourceLogPath(join(CASE, 'PC01', 'ccmsetup.log'), [CASE, join(CASE, 'PC01')]), 'ccmsetup.log');
  assert.equal(sourceLogPath(join(CASE, 'PC01x', 'c.log'), [join(CASE, 'PC01')]), join(CASE, 'PC01x', 'c.log'));
  assert.equal(sourceLogPath('/elsewhere/ccmsetup.log', [CASE]), '/elsewhere/ccmsetup.log');
});
