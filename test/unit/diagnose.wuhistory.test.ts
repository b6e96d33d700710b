// Windows Update installs outside ConfigMgr, read from the Windows 10+ install history ("LogHistory called …"):
// the line shapes are those of real logs in ../shared/corpus/real (Appostarsi__WinErros: a driver that failed
// twice, for two callers, then installed; findingsanity__Logs: 0x80242014 for an update waiting for a restart).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseText, type ParseResult } from '../../server/src/core/parse';
import { wu10Log, type WuEntry } from '../support/wuLog';

const BASE = Date.UTC(2023, 4, 22, 8, 0, 0);
type Entry = WuEntry;
const wu10 = (file: string, entries: Entry[]): ParseResult => wu10Log(file, BASE, entries);
const wuFindings = (files: ParseResult[]): Finding[] => diagnose(files).filter((f) => f.flow === 'windowsUpdate');

const DRIVER = '4E95DCBD-E67C-46AF-985B-F29D655C3480';
const OTHER = '5BF7CC19-A5C4-4D20-9477-9024B92F9546';
const DRIVERS = 'EBFC1FC5-71A4-4F7B-9ACA-3B9A503104A0';

/** One deployment job of one update, ending in its history line (the shapes of a real Windows 10 22H2 log). */
function install(at: number, job: string, caller: string, update: string, title: string, code: string): Entry[] {
  return [
    [at, 8292, 1632, 'UDP', `Deployment job Id ${job} : Beginning Installing of updates, CallerId = ${caller}.`],
    [at, 8292, 1632, 'UDP', `  Title = ${title}`],
    [at, 8292, 1632, 'UDP', `  UpdateId = ${update}.1`],
    [
      at + 1,
      8292,
      1632,
      'UDP',
      `Deployment job Id ${job} : Installing starting for update ${update}.1, deployable update count = 1`,
    ],
    [
      at + 5,
      6868,
      6776,
      'Agent',
      `LogHistory called. idUpdate={${update}}.1, resultMapped=${code}, resultUnMapped=${code}`,
    ],
    [
      at + 5,
      6868,
      2916,
      'Agent',
      `WU client logged Install deloyment history, caller = ${caller}, update ${update}.1, classification ${DRIVERS}`,
    ],
    [
      at + 6,
      8292,
      1632,
      'UDP',
      `Deployment job Id ${job} : Ending Installing updates, CallerId = ${caller}, Exit code = 0x00000000`,
    ],
  ];
}
const job = (n: number) => `9277A626-8759-47CC-A307-10D3CFDF30E${n}`;

test('a driver that failed for two callers and then installed is recovered for both, not broken', () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    ...install(0, job(1), 'Device Driver Retrieval Client', DRIVER, 'NVIDIA - Display - 31.0.15.1694', '80240009'),
    ...install(10, job(2), 'MoUpdateOrchestrator', DRIVER, 'NVIDIA - Display - 31.0.15.1694', '800F024B'),
    ...install(60, job(3), 'MoUpdateOrchestrator', DRIVER, 'NVIDIA - Display - 31.0.15.1694', '0'),
  ]);
  const findings = wuFindings([log]);
  assert.deepEqual(findings.map((f) => `${f.key} ${f.status}`).sort(), [
    'Device Driver Retrieval Client install complete',
    'MoUpdateOrchestrator install complete',
  ]);
  for (const f of findings) assert.equal(f.error?.recovered, true, f.summary);
});

test("an update that failed for good is charged to its last attempt's caller, named by title, with the setupapi log for a driver", () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    ...install(0, job(1), 'Device Driver Retrieval Client', DRIVER, 'NVIDIA - Display - 31.0.15.1694', '80240009'),
    ...install(10, job(2), 'MoUpdateOrchestrator', DRIVER, 'NVIDIA - Display - 31.0.15.1694', '800F024B'),
    ...install(30, job(4), 'MoUpdateOrchestrator', OTHER, 'Update for Windows 10 (KB4023057)', '0'),
  ]);
  const findings = wuFindings([log]);
  const orchestrator = findings.find((f) => f.key === 'MoUpdateOrchestrator install')!;
  assert.equal(orchestrator.status, 'broken');
  assert.equal(orchestrator.error!.code, '0x800F024B');
  assert.match(orchestrator.summary, /"NVIDIA - Display - 31\.0\.15\.1694" \(4E95DCBD/);
  assert.match(orchestrator.summary, /no later install of it succeeded/);
  assert.match(orchestrator.nextLog!, /^setupapi\.dev\.log/);
  const retrieval = findings.find((f) => f.key === 'Device Driver Retrieval Client install')!;
  assert.equal(retrieval.status, 'complete', 'its failed attempt was retried by another caller');
  assert.match(retrieval.summary, /retried later by MoUpdateOrchestrator/);
});

test('0x80242014 in the history is an update installed that waits for a restart, not a failure', () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    ...install(0, job(1), 'UpdateOrchestrator', OTHER, 'Update for Windows 10 (KB4023057)', '80242014'),
  ]);
  const [f] = wuFindings([log]);
  assert.equal(f.status, 'complete');
  assert.match(f.summary, /1 of them wait/);
});

test('Windows 10 1809: the caller of a history line is the install call of its thread (CcmExec: ConfigMgr, not diagnosed here)', () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    [0, 3736, 9756, 'Agent', '* START *  Installing updates CallerId = CcmExec'],
    [0, 3736, 9756, 'Agent', '  Title = The new Microsoft Edge (KB4584642)'],
    [0, 3736, 9756, 'Agent', '  UpdateId = 11367B68-91E2-4EFB-8E2E-ABD9B063B689.204'],
    [
      9,
      3736,
      9756,
      'Agent',
      'LogHistory called. idUpdate={11367B68-91E2-4EFB-8E2E-ABD9B063B689}.204, resultMapped=80070643, resultUnMapped=0',
    ],
    [20, 3736, 9757, 'Agent', '* START *  Installing updates CallerId = UpdateOrchestrator'],
    [29, 3736, 9757, 'Agent', `LogHistory called. idUpdate={${OTHER}}.1, resultMapped=0, resultUnMapped=0`],
  ]);
  assert.deepEqual(
    wuFindings([log]).map((f) => `${f.key} ${f.status}`),
    ['UpdateOrchestrator install complete'],
  );
});

test("a ConfigMgr client's WindowsUpdate.log alone: CcmExec's searches are unproven on ConfigMgr's side, or broken when the last failed", () => {
  const search = (at: number, id: number, code: string): Entry[] => [
    [at, 5384, 14960, 'Agent', `* START * Finding updates CallerId = CcmExec  Id = ${id}`],
    [at + 3, 5384, 14960, 'Agent', `* END * Finding updates CallerId = CcmExec, Id = ${id}, Exit code = ${code}`],
  ];
  const healthy = wuFindings([
    wu10('/a/WindowsUpdate.log', [...search(0, 1, '0x8024402C'), ...search(60, 2, '0x00000000')]),
  ]);
  assert.deepEqual(
    healthy.map((f) => `${f.key} ${f.status}`),
    ['CcmExec scan unproven'],
  );
  assert.deepEqual(healthy[0].missingLogs, ['ScanAgent.log', 'WUAHandler.log']);
  const broken = wuFindings([wu10('/b/WindowsUpdate.log', search(0, 1, '0x8024402C'))]);
  assert.deepEqual(
    broken.map((f) => `${f.key} ${f.status} ${f.error?.code}`),
    ['CcmExec scan broken 0x8024402C'],
  );
});

test('a caller the agent names "<<PROCESS>>: taskhostw.exe" is shown as the process', () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    [
      0,
      3896,
      11096,
      'Agent',
      '* END * Finding updates CallerId = <<PROCESS>>: taskhostw.exe, Id = 10, Exit code = 0x00000000 (cV = 7+w7LZI6eEKNHBXc.1.0.0.1)',
    ],
  ]);
  assert.deepEqual(
    wuFindings([log]).map((f) => f.key),
    ['taskhostw.exe scan'],
  );
});

test('a classic WindowsUpdate.log search with "[CallerId = ]" is still diagnosed, as a caller with no name', () => {
  const classic = [
    '2021-08-29\t14:00:23:101\t 576\t19d4\tAgent\t** START **  Agent: Finding updates [CallerId = ]',
    '2021-08-29\t14:00:25:001\t 576\t19d4\tAgent\t  * WARNING: Exit code = 0x8024402C',
    '2021-08-29\t14:00:26:072\t 576\t19d4\tAgent\t**  END  **  Agent: Finding updates [CallerId = ]',
  ].join('\r\n');
  const [f] = wuFindings([parseText(classic, '/pc/WindowsUpdate.log')]);
  assert.equal(f.key, 'a caller with no name scan');
  assert.equal(f.status, 'broken');
  assert.equal(f.error!.code, '0x8024402C');
});

test('Windows 11 names the caller on the history line ("LogHistory called for Caller=…, operation = Install")', () => {
  const history = (at: number, caller: string, update: string, code: string): Entry => [
    at,
    1980,
    11048,
    'Agent',
    `LogHistory called for Caller=${caller}, idUpdate=${update}.200, operation = Install, resultMapped=${code}, resultUnMapped=${code}`,
  ];
  const log = wu10('/pc/WindowsUpdate.log', [
    history(0, 'MoUpdateOrchestrator', OTHER, '0'),
    history(10, 'Update;ScanForUpdates', DRIVER, '80070643'),
  ]);
  const findings = wuFindings([log]);
  assert.deepEqual(findings.map((f) => `${f.key} ${f.status}`).sort(), [
    'MoUpdateOrchestrator install complete',
    'Update;ScanForUpdates install broken',
  ]);
});
