// The documented flows over the seed-based samples (samples/client, samples/siteserver): complete where the
// samples tell a complete story, and broken or incomplete at the right step in damaged copies made here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseBytes, parseText, type ParseResult } from '../../server/src/core/parse';

const SAMPLES = resolve(__dirname, '../../samples');
type Edit = (lines: string[]) => string[];

/** Every sample log of a folder, with a damaged copy of the files named in `edits` (edited line by line). */
function sampleLogs(folder: 'client' | 'siteserver', edits: Record<string, Edit> = {}): ParseResult[] {
  const dir = join(SAMPLES, folder);
  return readdirSync(dir)
    .filter((name) => /\.(?:log|lo_)$/i.test(name))
    .map((name) => {
      const path = join(dir, name);
      const bytes = readFileSync(path);
      if (!edits[name]) return parseBytes(bytes, path);
      const lines = bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n');
      return parseText(edits[name](lines).join('\r\n'), path);
    });
}

const only =
  (...names: string[]) =>
  (results: ParseResult[]) =>
    results.filter((r) => names.some((n) => r.file.endsWith(n)));
const removeLines =
  (...needles: string[]): Edit =>
  (lines) =>
    lines.filter((l) => !needles.some((n) => l.includes(n)));
const replaceLine =
  (needle: string, ...replacement: string[]): Edit =>
  (lines) =>
    lines.flatMap((l) => (l.includes(needle) ? replacement : [l]));
const insertAfter =
  (needle: string, ...inserted: string[]): Edit =>
  (lines) =>
    lines.flatMap((l) => (l.includes(needle) ? [l, ...inserted] : [l]));
/** Keeps the lines up to and including the first line containing `needle`: the log simply ends there. */
const endAfter =
  (needle: string): Edit =>
  (lines) =>
    lines.slice(0, lines.findIndex((l) => l.includes(needle)) + 1);

/** A CMTrace line as the client writes it (bias +300, like the samples). */
function cmtrace(message: string, time: string, date: string, component: string, type = 1): string {
  return `<![LOG[${message}]LOG]!><time="${time}+300" date="${date}" component="${component}" context="" type="${type}" thread="1800" file="">`;
}

function finding(findings: Finding[], flow: string, key: string): Finding {
  const found = findings.find((f) => f.flow === flow && f.key.toLowerCase().includes(key.toLowerCase()));
  assert.ok(found, `no ${flow} finding for ${key}; have ${findings.map((f) => `${f.flow}:${f.key}`).join(', ')}`);
  return found;
}

function step(f: Finding, namePart: string) {
  const s = f.steps.find((x) => x.name.includes(namePart));
  assert.ok(s, `no step "${namePart}" in ${f.flow}`);
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Synchronization (site server)

test('sync: the manual sync on CS1 completes 6701 → 6704 → 6705 → 6702, content version set, child sites notified', () => {
  const f = finding(diagnose(sampleLogs('siteserver')), 'sync', '2014-01-16T18:53');
  assert.equal(f.status, 'complete');
  assert.equal(f.key, 'CS1 2014-01-16T18:53:52.201Z');
  const lines = ['6701', '6704', '6705', '6702'].map((id) => step(f, `Status message ${id}`));
  for (const s of lines) assert.ok(s.seen && s.file!.endsWith('WSyncMgr.log'), s.name);
  assert.deepEqual(
    [...lines.map((s) => s.line!)].sort((a, b) => a - b),
    lines.map((s) => s.line!),
    'in time order',
  );
  assert.equal(step(f, 'SoftwareDistribution.log').file!.endsWith('SoftwareDistribution.log'), true);
  assert.match(step(f, 'Content version').detail!, /site CS1, content version 3[34]/);
  assert.equal(step(f, 'child sites').detail, 'PS1, PS2');
  assert.deepEqual(f.advice, []);
});

test('sync: "WSUS server not configured" is broken, points to WCM.log and adds its HTTP 503 (Web Service issues)', () => {
  const f = finding(diagnose(sampleLogs('siteserver')), 'sync', '2014-01-16T19:25');
  assert.equal(f.status, 'broken');
  assert.equal(f.error!.heading, 'Synchronization fails with "WSUS server not configured"');
  assert.match(f.nextLog!, /^WCM\.log/);
  assert.ok(step(f, '6704').failed, 'stops before 6704');
  assert.ok(f.advice.some((a) => a.includes('you have to review the WCM.log file for additional errors')));
  assert.ok(
    f.evidence.some((e) => e.file.endsWith('WCM.log') && /HTTP status 503/.test(e.text)),
    'WCM.log error shown',
  );
  assert.match(f.summary, /Web Service issues/);
  assert.ok(f.advice.includes('Verify that Update Services is running on the WSUS computer.'));
});

test("sync: a bare status message 6703 gives the seed's synchronization prerequisites", () => {
  const results = sampleLogs('siteserver', { 'WSyncMgr.log': removeLines('Sync failed: WSUS server not configured') });
  const f = finding(diagnose(results), 'sync', '2014-01-16T19:25');
  assert.equal(f.status, 'broken');
  assert.equal(f.error!.heading, 'Synchronization failed (status message 6703)');
  assert.ok(f.advice.includes('Verify that the Update Services service is running on the WSUS computer.'));
  assert.ok(f.advice.some((a) => a.includes('KB 2734608 must be installed on the WSUS server')));
});

test('sync: a proxy authentication error gives the authentication and proxy steps', () => {
  const results = sampleLogs('siteserver', {
    'WSyncMgr.log': replaceLine(
      'Sync failed: WSUS server not configured',
      'Sync failed: The request failed with HTTP status 407: Proxy Authentication Required. Source: CWSyncMgr::DoSync  $$<SMS_WSUS_SYNC_MANAGER><01-16-2014 20:25:00.500-60><thread=3404 (0xD4C)>',
    ),
  });
  const f = finding(diagnose(results), 'sync', '2014-01-16T19:25');
  assert.equal(f.status, 'broken');
  assert.equal(f.error!.heading, 'Synchronization fails because of authentication and proxy issues');
  assert.ok(
    f.advice.some((a) =>
      a.startsWith('Verify that the proxy configuration and account for the Software Update Point is correct.'),
    ),
  );
});

test('sync: a log that ends in the middle of a sync is incomplete, never broken', () => {
  const results = sampleLogs('siteserver', { 'WSyncMgr.log': endAfter('sync: WSUS synchronizing updates') });
  const f = finding(diagnose(results), 'sync', '2014-01-16T18:53');
  assert.equal(f.status, 'incomplete');
  assert.equal(f.error, undefined);
  assert.equal(f.nextLog, 'WSyncMgr.log');
});

// ---------------------------------------------------------------------------------------------------
// Update source policy and WSUS location

test('location: the 1/20 request {C2BB9710} goes ScanAgent → LocationServices → CcmMessaging → reply → WUAHandler', () => {
  const f = finding(diagnose(sampleLogs('client')), 'location', 'c2bb9710');
  assert.equal(f.status, 'complete');
  for (const name of [
    'requests the WSUS location',
    'sends the WSUS location request',
    'mp_locationmanager',
    'LS_ReplyLocations',
    'calls back with the WSUS locations',
    'receives the WSUS location',
    'WUAHandler adds the update source',
  ]) {
    assert.ok(step(f, name).seen, name);
  }
  assert.ok(step(f, 'WUAHandler adds').file!.endsWith('WUAHandler.lo_'), 'found in the rolled-over half');
  assert.equal(step(f, 'receives the WSUS location').detail, 'http://PS1SITE.CONTOSO.COM:8530, content version 34');
  assert.equal(step(f, 'MP_Location.log').logPresent, false);
});

test('location: no WSUS location reply while LocationServices.log goes on → broken at "calls back with the WSUS locations"', () => {
  const noReply = removeLines(
    'Processing Location reply message]LOG]!><time="12:18',
    'WSUSLocationReply : <WSUSLocationReply',
    'Calling back with the following WSUS locations]LOG]!><time="12:18',
    "Version='34']LOG]!><time=\"12:18",
    'Calling back with locations for WSUS request {C2BB9710',
  );
  const results = only(
    'ScanAgent.log',
    'LocationServices.log',
    'CcmMessaging.log',
  )(
    sampleLogs('client', {
      'LocationServices.log': noReply,
      'ScanAgent.log': removeLines(
        '{C2BB9710-C548-49D0-9DF8-5F9CFC5F3862}]LOG',
        'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::OnLocationUpdate',
        'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): Raised',
        'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Execute',
      ),
    }),
  );
  const f = finding(diagnose(results), 'location', 'c2bb9710');
  assert.equal(f.status, 'broken');
  assert.ok(step(f, 'calls back with the WSUS locations').failed);
  assert.ok(step(f, 'LS_ReplyLocations').seen, 'the reply did reach CcmMessaging');
  assert.match(f.error!.message, /goes on until/);
  assert.ok(f.advice.some((a) => a.startsWith('If the management point returns an empty WSUS location response')));
});

test('location: logs that end right after the request are incomplete, not broken', () => {
  const results = only(
    'ScanAgent.log',
    'LocationServices.log',
    'CcmMessaging.log',
  )(
    sampleLogs('client', {
      'LocationServices.log': endAfter("Created and Sent Location Request '{C2BB9710"),
      'CcmMessaging.log': endAfter("to outgoing queue 'mp:[http]mp_locationmanager'"),
      'ScanAgent.log': endAfter('Locations requested for ScanJobID={4CD06388'),
    }),
  );
  const f = finding(diagnose(results), 'location', 'c2bb9710');
  assert.equal(f.status, 'incomplete');
  assert.equal(f.error, undefined);
  assert.match(f.summary, /logs end/);
});

test('location: an empty WSUS location reply is broken with the seed\'s "unable to find the WSUS Source Location" steps', () => {
  const emptyReply = cmtrace(
    'WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/><LocationRecords/></Site></Sites></WSUSLocationReply>',
    '12:18:09.455',
    '01-20-2014',
    'LocationServices',
  );
  const locationServices: Edit = (lines) =>
    removeLines(
      "Version='34']LOG]!><time=\"12:18",
      'Calling back with locations for WSUS request {C2BB9710',
    )(replaceLine('WSUSLocationReply : <WSUSLocationReply', emptyReply)(lines));
  const scanAgent = removeLines(
    'WSUSLocationUpdate received for location request guid={C2BB9710',
    'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::OnLocationUpdate',
    'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): Raised',
    'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): CScanJob::Execute',
  );
  // The scan stops there: WUAHandler.lo_ (which would add the update source) is left out.
  const results = sampleLogs('client', { 'LocationServices.log': locationServices, 'ScanAgent.log': scanAgent }).filter(
    (r) => !r.file.endsWith('WUAHandler.lo_'),
  );
  const f = finding(diagnose(results), 'location', 'c2bb9710');
  assert.equal(f.status, 'broken');
  assert.match(f.error!.heading!, /empty WSUS location reply/);
  assert.ok(f.advice.some((a) => a.includes('mismatch in the Content Version of WSUS')));
});

test('location: "Group policy settings were overwritten by a higher authority" is broken with the seed\'s Group Policy solution', () => {
  const gpo = cmtrace(
    'Group policy settings were overwritten by a higher authority (Domain Controller) to: Server http://server and Policy ENABLED',
    '12:18:41.600',
    '01-20-2014',
    'WUAHandler',
    2,
  );
  const f = finding(
    diagnose(
      sampleLogs('client', { 'WUAHandler.lo_': insertAfter('Waiting for 30 secs for policy to take effect', gpo) }),
    ),
    'location',
    'c2bb9710',
  );
  assert.equal(f.status, 'broken', 'the override stands even though WUAHandler then adds the source');
  assert.equal(f.error!.heading, 'Group Policy overrides WSUS Server');
  assert.ok(step(f, 'WUAHandler adds').failed);
  assert.ok(
    f.advice.some((a) =>
      a.startsWith(
        'Solution: The Software Update Point for client installation and software updates must be the same server',
      ),
    ),
  );
});

// ---------------------------------------------------------------------------------------------------
// Scan

test('scan: ScanJob {4CD06388} completes: ScanAgent → WUAHandler → WindowsUpdate.log "Finding updates" → results → UpdatesStore → StateMessage', () => {
  const f = finding(diagnose(sampleLogs('client')), 'scan', '4cd06388-d509-46e4-8c00-75909edd9ee8');
  assert.equal(f.status, 'complete');
  for (const s of f.steps) assert.ok(s.seen, s.name);
  assert.ok(step(f, 'Finding updates').file!.endsWith('WindowsUpdate.log'));
  // WindowsUpdate.log writes local time without a zone: the client folder's +300 bias lines it up.
  assert.equal(step(f, 'Finding updates').utc!.slice(0, 16), '2014-01-20T17:18');
  assert.equal(step(f, 'Finding updates').local, undefined, 'the classic log says its zone (tz: -0500)');
});

test('scan: a step proven by the zone-less WindowsUpdate.log (Get-WindowsUpdateLog) says the time it shows and whose zone made it UTC', () => {
  const wua = (message: string, time: string) =>
    `<![LOG[${message}]LOG]!><time="${time}+240" date="07-14-2021" component="WUAHandler" context="" type="1" thread="10444" file="cwuahandler.cpp:1004">`;
  const handler = [
    wua('Async searching of updates using WUAgent started.', '08:53:25.968'),
    wua('Async searching completed.', '08:53:43.769'),
    wua('Successfully completed scan.', '08:53:44.520'),
  ].join('\r\n');
  const etw = [
    '2021/07/14 08:53:25.9284904 10980 10444 ComApi          * START *   Federated Search ClientId = CcmExec (cV: IR6wzMXBCEGYR+vL.1.0)',
    '2021/07/14 08:53:29.6288384 10980 8948  ComApi          * START *   Search ClientId = CcmExec, ServiceId = 3DA21691-E39D-4DA6-8A4B-B43877BCB1B7, Flags: 0X10050 (cV = IR6wzMXBCEGYR+vL.1.0.0)',
  ].join('\r\n');
  const findings = diagnose([
    parseText(handler, '/cases/PC01/WUAHandler.log'),
    parseText(etw, '/cases/PC01/WindowsUpdate.log'),
  ]);
  const scan = findings.find((f) => f.flow === 'scan')!;
  const wu = scan.steps.find((s) => s.file?.endsWith('WindowsUpdate.log'));
  assert.ok(wu, JSON.stringify(scan.steps));
  assert.equal(wu.utc, '2021-07-14T12:53:25.928Z');
  assert.equal(wu.local, '2021-07-14T08:53:25.9284904');
  assert.equal(wu.zoneFrom, 'WUAHandler.log');
  const own = scan.steps.find((s) => s.file?.endsWith('WUAHandler.log'))!;
  assert.equal(own.local, undefined, 'a CMTrace line says its own zone');
});

test('scan: the 1/27 scan failed with 0x80244021 and the retry succeeded: complete, the recovered error kept', () => {
  const f = finding(diagnose(sampleLogs('client')), 'scan', '488d6db5');
  assert.equal(f.status, 'complete');
  assert.equal(f.error!.code, '0x80244021');
  assert.equal(f.error!.recovered, true);
  assert.match(f.summary, /recovered/);
});

test("scan: a scan failure with 0x80244021 is broken with the seed's proxy advice", () => {
  const failed = [
    cmtrace(
      'OnSearchComplete - Failed to end search job. Error = 0x80244021.',
      '12:18:53.140',
      '01-20-2014',
      'WUAHandler',
      3,
    ),
    cmtrace('Scan failed with error = 0x80244021.', '12:18:53.200', '01-20-2014', 'WUAHandler', 3),
  ];
  const wuahandler: Edit = (lines) =>
    removeLines(
      'Finished searching',
      'Pruning',
      'Update (',
      'Successfully completed scan',
    )(replaceLine('Async searching completed.', ...failed)(lines));
  const f = finding(diagnose(sampleLogs('client', { 'WUAHandler.lo_': wuahandler })), 'scan', '4cd06388');
  assert.equal(f.status, 'broken');
  assert.equal(f.error!.code, '0x80244021');
  assert.equal(f.error!.name, 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY');
  assert.equal(
    f.error!.heading,
    'Scan fails with Proxy related errors: 0x80244021, 0x8024401B, 0x80240030, 0x8024402C',
  );
  assert.ok(step(f, 'WUAHandler receives the results').failed);
  assert.equal(
    f.advice[0],
    'Verify the proxy settings on the client, and make sure they are configured correctly. For more information, see the "How to check Proxy Settings on a Client" section.',
  );
  assert.ok(f.advice.some((a) => a.includes('netsh winhttp show proxy')));
});

test('scan: codes of the other seed groups get their own steps (0x80072EE2 timeout, 0x80072F0C certificate)', () => {
  for (const [code, heading] of [
    ['0x80072EE2', /HTTP timeout errors/],
    ['0x80072F0C', /Error 0x80072f0c/],
    ['0x80244017', /authentication errors/],
    ['0x80070424', /missing or corrupt components/],
  ] as const) {
    const failed = cmtrace(`Scan failed with error = ${code}.`, '12:18:53.200', '01-20-2014', 'WUAHandler', 3);
    const wuahandler: Edit = (lines) =>
      removeLines(
        'Finished searching',
        'Successfully completed scan',
      )(replaceLine('Async searching completed.', failed)(lines));
    const f = finding(diagnose(sampleLogs('client', { 'WUAHandler.lo_': wuahandler })), 'scan', '4cd06388');
    assert.equal(f.status, 'broken', code);
    assert.match(f.error!.heading!, heading, code);
  }
});

test('scan: without ScanAgent.log each scan is followed from WUAHandler; the 1/27 failure, followed by a scan that succeeded, is recovered', () => {
  const results = sampleLogs('client').filter((r) => !r.file.endsWith('ScanAgent.log'));
  const scans = diagnose(results).filter((f) => f.flow === 'scan');
  assert.ok(scans.length >= 4, scans.map((f) => f.key).join(', '));
  assert.deepEqual(
    scans.filter((f) => f.status === 'broken').map((f) => f.key),
    [],
  );
  const failed = scans.filter((f) => f.error);
  assert.deepEqual(
    failed.map((f) => [f.error!.code, f.error!.recovered, f.status]),
    [['0x80244021', true, 'complete']],
  );
  assert.match(failed[0].key, /^2014-01-27T14:12/);
  assert.match(failed[0].summary, /the next scan on this machine \(2014-01-27T14:4\d/);
  assert.ok(!failed[0].steps.some((s) => s.failed), 'no step is marked failed');
  for (const f of scans) assert.equal(f.steps[0].logPresent, false, 'ScanAgent.log not given');
});

// ---------------------------------------------------------------------------------------------------
// State messages

test('state messages: each upload goes StateMessage → CcmMessaging mp_relayendpoint → delivered; server logs are optional', () => {
  const uploads = diagnose(sampleLogs('client')).filter((f) => f.flow === 'stateMessages');
  assert.equal(uploads.length, 3);
  for (const f of uploads) {
    assert.equal(f.status, 'complete', f.key);
    assert.ok(step(f, 'MP_RelayEndpoint').seen);
    assert.ok(step(f, 'delivers it').seen);
    assert.equal(step(f, 'creates an SMX file').logPresent, false);
  }
});

test('state messages: a message CcmMessaging never delivers, while its log goes on, is broken', () => {
  const results = sampleLogs('client', {
    'CcmMessaging.log': removeLines(
      "'{95F79010-D0EB-49A6-8A1E-3897883105F2}' doesn't have reply",
      'ID={95F79010-D0EB-49A6-8A1E-3897883105F2}): Delivered',
    ),
  });
  const f = finding(diagnose(results), 'stateMessages', '2014-01-20T19:46');
  assert.equal(f.status, 'broken');
  assert.ok(step(f, 'delivers it').failed);
  assert.ok(f.advice.includes('Review PolicyAgent.log on the client to verify that the client is receiving policies.'));
});

// ---------------------------------------------------------------------------------------------------
// Deployment, downloads, restart

test('deployment {B040D195}: evaluation, download chain, install, restart and success all seen', () => {
  const f = finding(diagnose(sampleLogs('client')), 'deployment', 'b040d195-8fa8-48d3-953f-17e878dab23d');
  assert.equal(f.status, 'complete');
  for (const s of f.steps.filter((x) => !x.optional)) assert.ok(s.seen, s.name);
  assert.ok(step(f, 'Scheduler').logPresent === false, 'Scheduler.log is not among the samples');
  assert.match(step(f, 'starts a Data Transfer Service job').detail!, /SMS_DP_SMSPKG\$/);
});

test("deployment: an install that fails with 0x80070643 is broken with the seed's installation steps", () => {
  const results = sampleLogs('client', {
    'WUAHandler.log': replaceLine(
      'Update 1 (3cbcf577-5139-49b8-afe8-620af5c52f95) finished installing (0x00000000)',
      cmtrace(
        'Update 1 (3cbcf577-5139-49b8-afe8-620af5c52f95) finished installing (0x80070643), Reboot Required? No',
        '19:15:29.000',
        '02-09-2014',
        'WUAHandler',
        3,
      ),
    ),
    'UpdatesDeployment.log': removeLines('IsCompliant = True', 'ASSIGNMENT_ENFORCE_SUCCESS'),
  });
  const f = finding(diagnose(results), 'deployment', 'b040d195');
  assert.equal(f.status, 'broken');
  assert.equal(f.error!.code, '0x80070643');
  assert.equal(f.error!.heading, 'Update installation fails');
  assert.ok(step(f, 'WUAHandler copies the files').failed);
  assert.ok(f.advice.some((a) => a.includes('976982')));
});

test('content downloads: one per CTM job, CAS → CTM → DTS/BITS → hash check', () => {
  const downloads = diagnose(sampleLogs('client')).filter((f) => f.flow === 'contentDownload');
  assert.deepEqual(downloads.map((f) => f.key).sort(), [
    '418d4d8e-f87f-4bc1-ac71-6557671d14e9',
    'cca1b732-71a3-45c1-bd2f-282bb5c24448',
    'e0452cf4-5b04-4a1a-b8eb-10b11b063249',
  ]);
  for (const f of downloads) assert.equal(f.status, 'complete', f.key);
  // The benign type-3 "DeleteDirectory ... 0x00000002" line of CAS.log is not a download failure.
});

test('restart: "Ignore reboot Window = True" explains a restart outside the maintenance window, with the seed\'s review steps', () => {
  const f = diagnose(sampleLogs('client')).find((x) => x.flow === 'restart')!;
  assert.equal(f.status, 'complete');
  assert.match(f.summary, /Ignore reboot Window = True/);
  assert.ok(f.advice.some((a) => a.includes('swoverride')));
  assert.ok(f.advice.some((a) => a.includes('Message ID = 30197')));
});

test('restart: swoverride=1 in MaintenanceCoordinator.log and a user restart in SCNotify.log are named', () => {
  const client = sampleLogs('client');
  const folder = join(SAMPLES, 'client');
  const extra = [
    parseText(
      cmtrace(
        'RequestPersistence(id=Update download job, persist=1, swoverride=1, swType=4, pendingWFDisable=0, deadline=1)',
        '19:15:04.500',
        '02-09-2014',
        'MaintenanceCoordinator',
      ),
      join(folder, 'MaintenanceCoordinator.log'),
    ),
    parseText(
      cmtrace(
        'ConfirmRestartDialog: User chose to restart/logoff. (Microsoft.SoftwareCenter.Client.Pages.ConfirmRestartDialog at ButtonRestart_Click)',
        '19:16:40.000',
        '02-09-2014',
        'SCNotify',
      ),
      join(folder, 'SCNotify.log'),
    ),
  ];
  const f = diagnose([...client, ...extra]).find((x) => x.flow === 'restart')!;
  assert.match(f.summary, /swoverride=1/);
  assert.match(f.summary, /user chose to restart/);
});

test("service windows: the seed's list decoded, the collection window {1E957DDD} told apart from non-business hours", () => {
  const f = diagnose(sampleLogs('client')).find((x) => x.flow === 'serviceWindows')!;
  assert.equal(f.steps.length, 9);
  const collection = step(f, '1E957DDD-0A26-434C-952A-586F3E31E319');
  assert.match(collection.name, /collection maintenance window/);
  assert.equal(collection.detail, 'every week on Sunday at 01:00, from 2014-02-16, for 3 hours (client local time)');
  assert.match(step(f, '90a5f436').detail!, /every week on Sunday at 00:00, from 2013-04-08, for 1 day 5 hours/);
  assert.match(step(f, '90a5f436').name, /non-business hours/);
});

test('no flow, no finding: an unrelated log gives nothing, and nothing throws on empty input', () => {
  assert.deepEqual(diagnose([]), []);
  assert.deepEqual(diagnose([parseText('<01/16/14 13:53:52> hello\n', '/tmp/setup.log')]), []);
});

test('a diagnosis reads each message once to scan it, and makes records whole only to show them (a 200 MB folder took minutes)', () => {
  const results = [...sampleLogs('client'), ...sampleLogs('siteserver')];
  const { RecordTable } = require('../../server/src/core/table') as typeof import('../../server/src/core/table');
  const { message, get } = RecordTable.prototype;
  const scanReads = new Map<unknown, Map<number, number>>();
  let inGet = false;
  RecordTable.prototype.message = function (this: InstanceType<typeof RecordTable>, i: number) {
    if (!inGet) {
      const byTable = scanReads.get(this) ?? new Map<number, number>();
      scanReads.set(this, byTable.set(i, (byTable.get(i) ?? 0) + 1));
    }
    return message.call(this, i);
  };
  RecordTable.prototype.get = function (this: InstanceType<typeof RecordTable>, i: number) {
    inGet = true;
    try {
      return get.call(this, i);
    } finally {
      inGet = false;
    }
  };
  let findings: Finding[];
  try {
    findings = diagnose(results);
  } finally {
    Object.assign(RecordTable.prototype, { message, get });
  }
  assert.ok(findings.length > 5);
  const counts = [...scanReads.values()].flatMap((byTable) => [...byTable.values()]);
  assert.ok(counts.length > 500, `${counts.length} messages scanned`);
  assert.equal(Math.max(...counts), 1, 'a message scanned twice was read from its log twice');
});
