// The Software Updates client agent switched off (UpdatesDeployment.log), in the client's own wording (a real
// client of corpus configmgr__iOS-CMLogTracer writes these lines at every start of its service). Healthy starts
// stay silent; an agent enabled again at the newest start is not broken; machines are told apart by folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseText, type ParseResult } from '../../server/src/core/parse';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const BASE = Date.UTC(2013, 9, 3, 14, 17, 0);

/** UpdatesDeployment.log in CMTrace, written at UTC-5 (bias +300): [seconds after BASE, message]. */
function updatesDeployment(file: string, entries: Array<[number, string]>): ParseResult {
  const lines = entries.map(([s, m]) => {
    const local = new Date(BASE + s * 1000 - 300 * 60_000);
    const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}+300`;
    const date = `${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}-${local.getUTCFullYear()}`;
    return `<![LOG[${m}]LOG]!><time="${time}" date="${date}" component="UpdatesDeploymentAgent" context="" type="1" thread="3644" file="systemtasks.cpp:30">`;
  });
  return parseText(lines.join('\r\n'), file);
}

const START = 'Service startup system task';
const NOT_RECEIVED = 'Software Updates client configuration policy has not been received.';
const NOT_ENABLED =
  'Software updates functionality will not be enabled until the configuration policy has been received. If this issue persists please check client/server policy communication.';
const DISABLED = 'Software Updates feature is disabled';
const PENDING = 'CTargetedUpdatesManager::DetectRebootPendingUpdates - Total Pending reboot updates = 0';
const NO_WINDOW = 'No current service window available to run updates assignment with time required = 1';
const DONE = 'Startup task completed';

/** One start of the client service as the agent logs it, `at` seconds after BASE. */
const startOf = (at: number, ...state: string[]): Array<[number, string]> => [
  [at, START],
  ...state.map((m, i): [number, string] => [at + 0.03 + i * 0.001, m]),
  [at + 0.05, PENDING],
  [at + 0.06, NO_WINDOW],
  [at + 0.07, DONE],
];

const agentFindings = (logs: ParseResult[]): Finding[] => diagnose(logs).filter((f) => f.flow === 'updatesAgent');

test('policy never received: broken at every start, the cause and the evidence lines said', () => {
  const log = updatesDeployment('/c1/UpdatesDeployment.log', [
    ...startOf(0, NOT_RECEIVED, NOT_ENABLED, DISABLED),
    [17, 'User logon system task'],
    [29, 'EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = 0'],
    ...startOf(4 * 3600, DISABLED),
    ...startOf(26 * 3600, DISABLED),
  ]);
  const [finding, ...rest] = agentFindings([log]);
  assert.equal(rest.length, 0);
  assert.equal(finding.status, 'broken');
  // As the real client writes it: "not received" once, at the start it noticed; later starts say "disabled" only.
  assert.match(
    finding.summary,
    /^Software updates are disabled on this client \(3 times\): its Software Updates client configuration policy had not been received at 2013-10-03T14:17:00\.030Z, and the newest start still finds the agent disabled/,
  );
  assert.equal(finding.error?.heading, 'Software updates are disabled on this client');
  // The newest start's "disabled" line: the first start is 7 lines, 2 others follow, the next starts are 5 lines each.
  assert.equal(finding.error?.line, 16);
  assert.equal(finding.nextLog, 'PolicyAgent.log');
  assert.ok(finding.advice.some((a) => a.includes('Enable software updates on clients')));
  assert.ok(finding.advice.some((a) => a.includes('CCM_SoftwareUpdatesClientConfig')));
  // Not the seeds' advice, and the report says so.
  assert.match(finding.adviceFrom ?? '', /Microsoft's documentation of client settings/);
  assert.deepEqual(
    finding.evidence.map((e) => [e.line, e.note]),
    [
      [2, 'configuration policy missing'],
      [16, 'agent disabled at the newest start'],
    ],
  );
  // Times are UTC: the log writes local time at bias +300.
  assert.equal(finding.steps[0].utc, new Date(BASE + 26 * 3600 * 1000).toISOString());
});

test('the newest start itself says the policy has not been received: that is the cause', () => {
  const log = updatesDeployment('/c1/UpdatesDeployment.log', [
    ...startOf(0),
    ...startOf(3600, NOT_RECEIVED, NOT_ENABLED, DISABLED),
  ]);
  const [finding] = agentFindings([log]);
  assert.equal(finding.status, 'broken');
  assert.match(finding.summary, /: its Software Updates client configuration policy has not been received \(/);
  assert.deepEqual(
    finding.steps.map((s) => [s.name, s.failed ?? false]),
    [
      ['The client service starts the Software Updates client agent', false],
      ['The agent has its Software Updates client configuration policy', true],
      ['The Software Updates feature is enabled', true],
    ],
  );
});

test('disabled by client settings (no "policy has not been received"): broken, the settings named as the cause', () => {
  const log = updatesDeployment('/c1/UpdatesDeployment.log', startOf(0, DISABLED));
  const [finding] = agentFindings([log]);
  assert.equal(finding.status, 'broken');
  assert.match(finding.summary, /"Enable software updates on clients" = No/);
  assert.equal(finding.steps.length, 2, 'no policy step claimed when the log does not say the policy is missing');
});

test('healthy client: starts without "disabled" make no finding (no false alarm)', () => {
  const log = updatesDeployment('/c1/UpdatesDeployment.log', [
    ...startOf(0),
    [60, 'EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = 2'],
    ...startOf(3600),
  ]);
  assert.deepEqual(agentFindings([log]), []);
});

test('disabled until a policy arrived, enabled at the newest start: complete, not broken', () => {
  const log = updatesDeployment('/c1/UpdatesDeployment.log', [
    ...startOf(0, NOT_RECEIVED, NOT_ENABLED, DISABLED),
    ...startOf(2 * 3600),
  ]);
  const [finding] = agentFindings([log]);
  assert.equal(finding.status, 'complete');
  assert.match(finding.summary, /enabled since/);
  assert.equal(finding.error, undefined);
});

test('rolled-over log: disabled in the old file, enabled at the newest start in the current one', () => {
  const old = updatesDeployment('/c1/UpdatesDeployment-20131010-060001.log', startOf(0, DISABLED));
  const current = updatesDeployment('/c1/UpdatesDeployment.log', startOf(5 * 86400));
  // Given in either order: the files are put in time order.
  for (const logs of [
    [old, current],
    [current, old],
  ])
    assert.equal(agentFindings(logs)[0].status, 'complete');
  // And the other way round: enabled in the old file, disabled now.
  const oldOk = updatesDeployment('/c1/UpdatesDeployment-20131010-060001.log', startOf(0));
  const nowOff = updatesDeployment('/c1/UpdatesDeployment.log', startOf(5 * 86400, DISABLED));
  assert.equal(agentFindings([nowOff, oldOk])[0].status, 'broken');
});

test('the log ends inside the newest start after an earlier "disabled": incomplete, not complete', () => {
  const log = updatesDeployment('/c1/UpdatesDeployment.log', [...startOf(0, DISABLED), [3600, START]]);
  assert.equal(agentFindings([log])[0].status, 'incomplete');
});

test('two machines: the disabled one is broken, the healthy one has no finding', () => {
  const off = updatesDeployment('/fleet/PC-OFF/UpdatesDeployment.log', startOf(0, NOT_RECEIVED, NOT_ENABLED, DISABLED));
  const on = updatesDeployment('/fleet/PC-ON/UpdatesDeployment.log', startOf(10));
  const findings = agentFindings([on, off]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].error?.file, '/fleet/PC-OFF/UpdatesDeployment.log');
  assert.equal(findings[0].status, 'broken');
});
