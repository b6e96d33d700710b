// Findings of several machines collected side by side are named by machine (common/machines.ts) in the CLI
// report, the diagnosis markdown and the Diagnosis view; one machine's findings carry no name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderOf, machineNames } from '../../common/machines';
import { diagnosisTree } from '../../client/src/diagnosisModel';
import type { Finding } from '../../server/src/core/diagnose/index';

const finding = (file: string, key = 'a7a0c1de-0000-4000-8000-000000000001'): Finding => ({
  flow: 'deployment',
  title: 'Software update deployment',
  key,
  status: 'complete',
  summary: 'Every required step seen.',
  steps: [],
  advice: [],
  evidence: [{ file, line: 3, text: 'Starting install for assignment' }],
});

test('one folder: no machine names', () => {
  const fs = [finding('/logs/PC1/UpdatesDeployment.log'), finding('/logs/PC1/CAS.log')];
  assert.equal(machineNames(fs).size, 0);
  assert.equal(folderOf(fs[0]), '/logs/PC1');
  assert.equal(folderOf(finding('C:\\Collect\\PC1\\CAS.log')), 'C:\\Collect\\PC1');
});

test('two machines: the folder name tells them apart; Windows paths too', () => {
  const a = finding('C:\\Collect\\client-a\\UpdatesDeployment.log');
  const b = finding('C:\\Collect\\client-b\\UpdatesDeployment.log');
  const names = machineNames([a, b]);
  assert.equal(names.get(a), 'client-a');
  assert.equal(names.get(b), 'client-b');
});

test('the same folder name on two PCs: as many trailing folders as it takes', () => {
  const a = finding('/c/PC-A/client/UpdatesDeployment.log');
  const b = finding('/c/PC-B/client/UpdatesDeployment.log');
  const server = finding('/c/PC-A/siteserver/wsyncmgr.log');
  const names = machineNames([a, b, server]);
  assert.deepEqual([names.get(a), names.get(b), names.get(server)], ['PC-A/client', 'PC-B/client', 'PC-A/siteserver']);
});

test('Diagnosis view: two clients of one deployment are two labelled instances, not two identical keys', () => {
  const a = { ...finding('/c/client-a/UpdatesDeployment.log'), status: 'broken' as const };
  const b = finding('/c/client-b/UpdatesDeployment.log');
  const [flow] = diagnosisTree([a, b], []);
  assert.deepEqual(
    flow.children.map((c) => c.label),
    ['client-a · a7a0c1de-0000-4000-8000-000000000001', 'client-b · a7a0c1de-0000-4000-8000-000000000001'],
  );
  const [single] = diagnosisTree([b], []);
  assert.equal(single.children[0].label, 'a7a0c1de-0000-4000-8000-000000000001');
});
