// The flow diagnosis over real logs (../shared/corpus/real, read in place): it never throws, and a folder
// whose logs simply end or leave steps to logs that were not collected is never called broken.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { listLogFiles } from '../../server/src/core/files';
import { parseFile } from '../../server/src/core/parse';
import { CORPUS } from './corpusPath';

async function diagnoseFolder(...parts: string[]): Promise<Finding[]> {
  const { files } = listLogFiles([join(CORPUS, ...parts)]);
  return diagnose(await Promise.all(files.map((f) => parseFile(f))));
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.flow} ${f.status}`).sort();

test('findingsanity__Logs: three scans and two update sources added, nothing broken, unproven without ScanAgent.log', async () => {
  const findings = await diagnoseFolder('findingsanity__Logs');
  // WUAHandler.log holds three scans, each ending "Successfully completed scan"; ScanAgent.log is not in the
  // folder, so each scan is followed from WUAHandler. Two of them start with "Its a WSUS Update Source type",
  // followed by "Added Update Source": the location flow reaches its last required step. Both are unproven,
  // not complete: ScanAgent.log (and LocationServices.log, CcmMessaging.log) would prove required steps and are
  // not in the folder.
  // UpdatesStore.log's "Failed to refresh Resync state message. Error = 0x87d00310" is not a scan failure, and
  // WindowsUpdate.log's "*FAILED* [8024000C] LoadHistoryEventFromRegistry" lines belong to healthy scans.
  // WindowsUpdate.log's other callers (Update;ScanForUpdates, UpdateOrchestrator) are not diagnosed on a
  // ConfigMgr client: its scan is ConfigMgr's.
  assert.deepEqual(summary(findings), [
    'location unproven',
    'location unproven',
    'scan unproven',
    'scan unproven',
    'scan unproven',
  ]);
  for (const f of findings.filter((x) => x.flow !== 'windowsUpdate'))
    assert.ok(f.missingLogs!.includes('ScanAgent.log'), `${f.flow}: ${f.missingLogs}`);
  const scans = findings.filter((f) => f.flow === 'scan');
  // WindowsUpdate.log writes local time; the CMTrace logs beside it carry bias +240, which lines it up.
  assert.ok(
    scans.every((f) => f.steps.find((s) => s.log.startsWith('WindowsUpdate.log'))!.seen),
    'Finding updates found for each scan',
  );
  for (const f of findings.filter((x) => x.flow !== 'windowsUpdate'))
    assert.equal(f.steps[0].logPresent, false, 'ScanAgent.log is not in this folder');
});

test('configmgr__iOS-CMLogTracer: three complete content downloads; the disabled Software Updates agent and the service window whose schedule the client could not read are called out', async () => {
  const findings = await diagnoseFolder('configmgr__iOS-CMLogTracer');
  // CAS.log / ContentTransferManager.log / DataTransferService*.log: three application content downloads,
  // each CTM job → DTS job → "Hash verification succeeded"; CAS's type-3 "DeleteDirectory ... 0x00000002"
  // is benign. ServiceWindowManager-20131010-060001.log lists 9 service windows (the current
  // ServiceWindowManager.log has no "Populating instance" lines). UpdatesDeployment.log has no assignment:
  // at the first start of the client service (line 2) "Software Updates client configuration policy has not been
  // received", then "Software Updates feature is disabled" at each of its 5 starts, the last at line 166: the
  // agent is off, so WUAHandler.log never scans and StateMessage.log never forwards (no instance of those flows).
  // Right after "Populating instance of ServiceWindow with ID=7cb56688-..." the client writes "Failed to
  // initialize ServiceWindowSchedule instance from schedule string (...)": that window is not in effect.
  assert.deepEqual(summary(findings), [
    'contentDownload complete',
    'contentDownload complete',
    'contentDownload complete',
    'serviceWindows broken',
    'updatesAgent broken',
  ]);
  const agent = findings.find((f) => f.flow === 'updatesAgent')!;
  assert.match(
    agent.summary,
    /^Software updates are disabled on this client \(5 times\): its Software Updates client configuration policy had not been received at 2013-10-03T14:17:03\.630Z/,
  );
  assert.deepEqual(
    agent.evidence.map((e) => e.line),
    [2, 166],
  );
  const windows = findings.find((f) => f.flow === 'serviceWindows')!;
  assert.equal(windows.steps.length, 9);
  assert.deepEqual(
    windows.steps.filter((s) => s.failed).map((s) => s.name.split(' ')[2]),
    ['7cb56688-692f-4fae-b398-0e3ff4413adb'],
  );
  assert.match(windows.error!.message, /Failed to initialize ServiceWindowSchedule/);
  const collection = windows.steps.find((s) => s.name.includes('811D3CCB'))!;
  assert.equal(collection.detail, 'every day at 22:00, from 2013-08-22, for 8 hours (client local time)');
});

test('the whole corpus: no throw, broken only where the logs say so, in reasonable time', async () => {
  const started = Date.now();
  const findings = await diagnoseFolder();
  // The folders above are the only ones with documented software update flows; the other logs (MDT, task
  // sequences, Intune, WindowsUpdate.log on its own, setup logs) hold no anchor of any flow.
  assert.deepEqual(
    findings
      .filter((f) => f.status === 'broken')
      .map((f) => `${f.flow} ${f.key}`)
      .sort(),
    [
      // ServiceWindowManager: "Failed to initialize ServiceWindowSchedule instance from schedule string".
      'serviceWindows ServiceWindowManager-20131010-060001.log',
      // jimbocalvo__Reddit/ccmsetup.log: "CcmSetup failed with error code 0x80190194" (BITS: HTTP 404).
      'clientInstall process 3324',
      // configmgr__iOS-CMLogTracer/UpdatesDeployment.log: "Software Updates feature is disabled" at every start.
      'updatesAgent UpdatesDeployment.log',
    ].sort(),
  );
  // Appostarsi__WinErros/WindowsUpdate.log: the NVIDIA driver's "Driver Install" ends "Exit code = 0x8024200B"
  // (line 8157; history 0x800F024B), after Device Driver Retrieval Client's attempt failed with 0x80240009; the
  // same update is installed at 08:23:09 (line 8440, resultMapped=0): recovered, not broken.
  const orchestrator = findings.find(
    (f) => f.key === 'MoUpdateOrchestrator install' && !!f.steps[0]?.file?.includes('Appostarsi'),
  );
  assert.equal(orchestrator?.status, 'complete');
  assert.equal(orchestrator?.error?.recovered, true);
  // findingsanity__Logs: KB4584642's history says 0x80242014 (installed, restart pending) and the call it belongs
  // to is CcmExec's: neither a failure nor another caller's install.
  assert.ok(!findings.some((f) => f.flow === 'windowsUpdate' && f.key === 'Windows Update install'));
  assert.equal(findings.filter((f) => f.flow !== 'windowsUpdate').length, 12);
  assert.ok(Date.now() - started < 60_000);
});
