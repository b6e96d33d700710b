// The flows next to software updates: deployment replication on the site server (ObjReplMgr 5800/5802) with the
// SMS Provider audit trail, client installation (ccmsetup.log, two processes writing at once), and Windows
// Update for its other callers. Each with a healthy case beside the failing one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseText, type ParseResult } from '../../server/src/core/parse';
import { wu10Log, type WuEntry } from '../support/wuLog';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const BASE = Date.UTC(2024, 2, 12, 14, 0, 0);

/** [seconds, message, thread, type] in CMTrace (bias 0). */
function cmtrace(file: string, component: string, entries: Array<[number, string, number?, number?]>): ParseResult {
  return parseText(
    entries
      .map(([s, m, thread = 1000, type = 1]) => {
        const d = new Date(BASE + s * 1000);
        return `<![LOG[${m}]LOG]!><time="${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+000" date="${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${d.getUTCFullYear()}" component="${component}" context="" type="${type}" thread="${thread}" file="">`;
      })
      .join('\r\n'),
    file,
  );
}

/** SMS trace, bias 0. */
function sms(file: string, component: string, entries: Array<[number, string]>): ParseResult {
  return parseText(
    entries
      .map(([s, m]) => {
        const d = new Date(BASE + s * 1000);
        return `${m}  $$<${component}><${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.000+000><thread=3380 (0xD34)>`;
      })
      .join('\r\n'),
    file,
  );
}

/** Windows 10 WindowsUpdate.log (Get-WindowsUpdateLog): [seconds, pid, tid, component, text]. */
const wu10 = (file: string, entries: WuEntry[]): ParseResult => wu10Log(file, BASE, entries);

const of = (findings: Finding[], flow: string) => findings.filter((f) => f.flow === flow);

// ---------------------------------------------------------------------------------------------------
// ObjReplMgr: CI assignment replication, 5800 / 5802, and the audit trail

const A1 = '{3ACE84D4-7B2A-4D86-81AF-07E2AC255745}';
const A2 = '{2BA787B6-4EE9-4B33-B0FF-8663D181C84D}';
const statmsg = (id: number, name: string, guid: string) =>
  `STATMSG: ID=${id} SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_OBJECT_REPLICATION_MANAGER" SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=5404 TID=3380 GMTDATE=Tue Mar 12 14:00:00.000 2024 ISTR0="${name}" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=1 AID0=414 AVAL0="${guid}"`;

test('ObjReplMgr: one assignment processed (5800) next to one whose policy could not be created', () => {
  const logs = [
    sms('/site/objreplmgr.log', 'SMS_OBJECT_REPLICATION_MANAGER', [
      [0, '+++Begin processing changed CIA objects'],
      [1, `**** Processing Update Group Assignment ${A1} ****`],
      [2, `CI Assignment ${A1} has 3 Targeted CI(s)`],
      [3, `Successfully created policy for CI Assignment ${A1}`],
      [4, `Successfully updated Policy Targeting for CI Assignment ${A1}`],
      [5, statmsg(5800, 'Microsoft Software Updates - 2024-03-12 02:00:00 PM', A1)],
      [6, `Successfully processed Update Group Assignment ${A1}`],
      [60, `**** Processing Update Group Assignment ${A2} ****`],
      [61, `CI Assignment ${A2} has 1 Targeted CI(s)`],
      [62, `Failed to create policy for CI Assignment ${A2}, error 0x80004005`],
    ]),
    sms('/site/smsprov.log', 'SMS Provider', [
      [
        -30,
        `STATMSG: ID=30197 SEV=I LEV=M SOURCE="SMS Provider" COMP="Microsoft.ConfigurationManagement.exe" SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=1 TID=2 GMTDATE=Tue Mar 12 13:59:30.000 2024 ISTR0="CONTOSO\\admin" ISTR1="16777228" ISTR2="${A1}" NUMATTRS=0`,
      ],
    ]),
  ];
  const findings = of(diagnose(logs), 'assignmentReplication');
  assert.deepEqual(
    findings.map((f) => f.status),
    ['complete', 'broken'],
  );
  assert.match(findings[0].steps.at(-1)!.detail!, /^5800: processed/);
  const audit = findings[0].evidence.find((e) => e.note?.startsWith('audit'));
  assert.ok(audit, 'the audit message about A1 is shown with its finding');
  assert.match(audit.text, /30197: User "CONTOSO\\admin" modified updates assignment 16777228/);
  assert.ok(!findings[1].evidence.some((e) => e.note?.startsWith('audit')), 'A2 has no audit line');
  assert.equal(
    findings[1].error!.heading,
    'Object Replication Manager failed to process the deployment (CI assignment)',
  );
});

test('ObjReplMgr: 5802 (assignment removed) completes the replication', () => {
  const logs = [
    sms('/site/objreplmgr.log', 'SMS_OBJECT_REPLICATION_MANAGER', [
      [1, `**** Processing Update Group Assignment ${A2} ****`],
      [2, statmsg(5802, 'Old deployment', A2)],
    ]),
  ];
  const [f] = of(diagnose(logs), 'assignmentReplication');
  assert.equal(f.status, 'complete');
  assert.match(f.steps.at(-1)!.detail!, /^5802: assignment removed/);
});

test('audit: the Status Message Viewer wording of 30197 is context for the client deployment of that assignment', () => {
  const assignment = '{BAFB1BDB-7A6C-4DCF-9866-6C22DF92346A}';
  const logs = [
    cmtrace('/pc/UpdatesDeployment.log', 'UpdatesDeploymentAgent', [[0, `Assignment ${assignment} has total CI = 1`]]),
    parseText(
      `Information\tAudit PR1\t2/9/2014 11:57:49 PM\tPR1SITE.CONTOSO.COM Microsoft.ConfigurationManagement.exe\t30197\tUser "DOMAIN\\User" modified updates assignment 4 ({ ${assignment.slice(1, -1)} }).`,
      '/site/statusmessages.log',
    ),
  ];
  const f = diagnose(logs).find((x) => x.flow === 'deployment')!;
  const audit = f.evidence.find((e) => e.note?.startsWith('audit'));
  assert.ok(audit, JSON.stringify(f.evidence));
  assert.match(audit.text, /30197: User "DOMAIN\\User" modified updates assignment 4/);
});

// ---------------------------------------------------------------------------------------------------
// Client installation: the bootstrap and the service write ccmsetup.log at once

test('ccmsetup: the bootstrap run that hands over is complete, the service run that fails to download is broken', () => {
  const log = cmtrace('/pc/ccmsetup.log', 'ccmsetup', [
    [0, '==========[ ccmsetup started in process 476 ]==========', 3396],
    [1, 'Ccmsetup command line: ccmsetup.exe  /mp:server.dmz SMSSITECODE=abc', 3396],
    [6, 'Download complete.', 3396],
    [6, 'Successfully created the ccmsetup service', 3396],
    [7, '==========[ ccmsetup started in process 3324 ]==========', 3672],
    [7, 'Successfully started the ccmsetup service', 3396],
    [7, 'In ServiceMain', 3912],
    [7, 'Ccmsetup command line: "C:\\Windows\\ccmsetup\\ccmsetup.exe" /runservice "/mp:server.dmz"', 3912],
    [8, 'CcmSetup is exiting with return code 0', 3396],
    [20, "Retrived site version '5.00.8692.1000' from MP 'server.dmz'.", 3912],
    [
      40,
      'Failed to download files through BITS. Error: 0x80190194, Description HTTP status 404: The requested URL does not exist on the server.',
      3912,
      3,
    ],
    [40, 'Failed to download client files by BITS. Error 0x80190194', 3912, 3],
    [40, 'CcmSetup failed with error code 0x80190194', 3912, 3],
  ]);
  const runs = of(diagnose([log]), 'clientInstall');
  assert.deepEqual(
    runs.map((f) => `${f.key} ${f.status}`),
    ['process 476 complete', 'process 3324 broken'],
  );
  assert.equal(runs[1].error!.code, '0x80190194');
  assert.equal(runs[1].error!.heading, 'Client installation: the client files could not be downloaded');
  assert.equal(
    runs[1].steps.find((s) => s.name.startsWith('A management point'))!.detail,
    'site 5.00.8692.1000 from server.dmz',
  );
});

test('ccmsetup: a run that installs client.msi and exits 0 is complete; client.msi 1603 is broken and points to client.msi.log', () => {
  const ok = cmtrace('/pc/ccmsetup.log', 'ccmsetup', [
    [0, '==========[ ccmsetup started in process 100 ]==========', 1],
    [5, 'Successfully loaded ccmsetup manifest file.', 1],
    [60, 'Installation succeeded. Windows Installer ProductCode: {8864FB91-94EE-4F16-A144-0D82A232049D}', 1],
    [61, 'CcmSetup is exiting with return code 0', 1],
  ]);
  assert.equal(of(diagnose([ok]), 'clientInstall')[0].status, 'complete');
  const failed = cmtrace('/pc2/ccmsetup.log', 'ccmsetup', [
    [0, '==========[ ccmsetup started in process 200 ]==========', 1],
    [60, 'Installation failed with error code 1603', 1, 3],
    [61, 'CcmSetup failed with error code 0x80070643', 1, 3],
  ]);
  const f = of(diagnose([failed]), 'clientInstall')[0];
  assert.equal(f.status, 'broken');
  assert.equal(f.error!.heading, 'Client installation: client.msi failed');
  assert.match(f.nextLog!, /^client\.msi\.log/);
  // The seeds do not describe client installation: the steps to try say they are Microsoft's.
  assert.match(f.adviceFrom!, /^Microsoft's documentation of client installation/);
});

// ---------------------------------------------------------------------------------------------------
// Windows Update outside Configuration Manager

test("Windows Update on a machine without ConfigMgr: Defender's failing scan is broken, the Orchestrator's healthy scans complete", () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    [0, 3304, 9020, 'Agent', '* START * Finding updates CallerId = UpdateOrchestrator  Id = 1'],
    [5, 3304, 9020, 'Agent', '* END * Finding updates CallerId = UpdateOrchestrator, Id = 1, Exit code = 0x00000000'],
    [10, 3304, 9021, 'Agent', '* START * Finding updates CallerId = Windows Defender  Id = 2'],
    [12, 3304, 9021, 'Agent', '* END * Finding updates CallerId = Windows Defender, Id = 2, Exit code = 0x8024402C'],
    [30, 3304, 9023, 'Agent', '* END * Finding updates CallerId = UpdateOrchestrator, Id = 4, Exit code = 0x00240010'],
  ]);
  const findings = of(diagnose([log]), 'windowsUpdate');
  assert.deepEqual(findings.map((f) => `${f.key} ${f.status}`).sort(), [
    'UpdateOrchestrator scan complete',
    'Windows Defender scan broken',
  ]);
  const defender = findings.find((f) => f.key.startsWith('Windows Defender'))!;
  assert.equal(defender.error!.code, '0x8024402C');
  // No log of the machine says its zone: the steps keep the log's local time, and no UTC is made up
  for (const step of findings.flatMap((f) => f.steps.filter((x) => x.seen))) {
    assert.equal(step.utc, undefined, step.name);
    assert.match(step.local!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/, step.name);
  }
  assert.ok(
    defender.advice.some((a) => a.includes('netsh winhttp show proxy')),
    "proxy error: the seed's proxy steps",
  );
});

test("Windows Update on a ConfigMgr client: other callers' searches are not diagnosed (ConfigMgr's scan is), their installs are", () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    [0, 3304, 9021, 'Agent', '* START * Finding updates CallerId = Windows Defender  Id = 2'],
    [2, 3304, 9021, 'Agent', '* END * Finding updates CallerId = Windows Defender, Id = 2, Exit code = 0x8024402C'],
    [20, 3304, 9022, 'Agent', '* START * Finding updates CallerId = CcmExec  Id = 3'],
    [22, 3304, 9022, 'Agent', '* END * Finding updates CallerId = CcmExec, Id = 3, Exit code = 0x00000000'],
    [30, 2288, 2488, 'Handler', '* START *   CBS  Install'],
    [33, 2288, 2488, 'Handler', 'Exit code = 0x800F0922'],
  ]);
  const findings = of(diagnose([log]), 'windowsUpdate');
  // Defender's failing search is not diagnosed; ConfigMgr's own search is unproven (ScanAgent.log and
  // WUAHandler.log are not here); the CBS install failure is.
  assert.deepEqual(findings.map((f) => `${f.key} ${f.status}`).sort(), [
    'CcmExec scan unproven',
    'Windows Update install broken',
  ]);
});

test('Windows Update: a failed driver install points to setupapi.dev.log, a failed CBS install to CBS.log', () => {
  const log = wu10('/pc/WindowsUpdate.log', [
    [0, 2288, 2488, 'Handler', '* START *   Driver Install'],
    [3, 2288, 2488, 'Handler', 'Exit code = 0x8024200B'],
    [3, 2288, 2488, 'Handler', '* END *   Driver Install'],
  ]);
  const driver = of(diagnose([log]), 'windowsUpdate')[0];
  assert.equal(driver.status, 'broken');
  assert.match(driver.nextLog!, /^setupapi\.dev\.log/);
  const cbs = wu10('/pc2/WindowsUpdate.log', [
    [0, 2288, 2488, 'Handler', '* START *   CBS  Install'],
    [1, 2288, 2488, 'Handler', 'Starting install of CBS update 6F3FE9DD-7BCD-4A69-844F-2CF4766E5B0B'],
    [3, 2288, 2488, 'Handler', 'Exit code = 0x800F0922'],
  ]);
  const f = of(diagnose([cbs]), 'windowsUpdate')[0];
  assert.equal(f.status, 'broken');
  assert.match(f.nextLog!, /^CBS\.log/);
});

// ---------------------------------------------------------------------------------------------------
// Client installation over HTTPS / CMG: the certificate failures in Microsoft's documented wording (KB 4503442)

const SSL_FAILURE: Array<[number, string, number?, number?]> = [
  [10, '[CCMHTTP] AsyncCallback(): WINHTTP_CALLBACK_STATUS_SECURE_FAILURE Encountered', 1, 3],
  [10, '[CCMHTTP]                : dwStatusInformationLength is 4', 1],
  [10, '[CCMHTTP]                : lpvStatusInformation is 0x9', 1],
  [10, '[CCMHTTP]                : WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED is set', 1],
  [10, '[CCMHTTP]                : WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA is set', 1],
  [
    10,
    '[CCMHTTP] ERROR: URL=https://CMG.CONTOSO.COM/CCM_Proxy_ServerAuth/72057594037928017/CCM_STS, Port=443, Options=63, Code=12175, Text=ERROR_WINHTTP_SECURE_FAILURE',
    1,
    3,
  ],
];

test('ccmsetup: an SSL failure the run never got past is broken and says what each WinHTTP flag means', () => {
  const log = cmtrace('/pc/ccmsetup.log', 'ccmsetup', [
    [0, '==========[ ccmsetup started in process 300 ]==========', 1],
    [1, 'Ccmsetup command line: ccmsetup.exe /mp:https://CMG.CONTOSO.COM/CCM_Proxy_MutualAuth/72057594037928017', 1],
    ...SSL_FAILURE,
    [11, 'Next retry in 10 minute(s)...', 1],
  ]);
  const f = of(diagnose([log]), 'clientInstall')[0];
  assert.equal(f.status, 'broken');
  assert.match(f.error!.heading ?? '', /server certificate is not trusted/);
  assert.match(f.error!.message ?? '', /CERT_REV_FAILED: the certificate revocation list/);
  assert.match(f.error!.message ?? '', /INVALID_CA: the root certificate/);
  assert.equal(f.error!.line, 8);
});

test('ccmsetup: an SSL failure at one management point followed by the manifest from another is not the cause', () => {
  const log = cmtrace('/pc/ccmsetup.log', 'ccmsetup', [
    [0, '==========[ ccmsetup started in process 301 ]==========', 1],
    ...SSL_FAILURE,
    [40, 'Successfully loaded ccmsetup manifest file.', 1],
    [41, 'Downloading file https://mp2.contoso.com/CCM_Client/ccmsetup.msi', 1],
  ]);
  const f = of(diagnose([log]), 'clientInstall')[0];
  assert.equal(f.status, 'incomplete');
  const done = cmtrace('/pc2/ccmsetup.log', 'ccmsetup', [
    [0, '==========[ ccmsetup started in process 302 ]==========', 1],
    ...SSL_FAILURE,
    [40, 'Successfully loaded ccmsetup manifest file.', 1],
    [41, 'Unable to find PKI Certificate matching SCCM certificate selection criteria. 0x87d00280', 1, 2],
    [90, 'Installation succeeded. Windows Installer ProductCode: {8864FB91-94EE-4F16-A144-0D82A232049D}', 1],
    [91, 'CcmSetup is exiting with return code 0', 1],
  ]);
  assert.equal(of(diagnose([done]), 'clientInstall')[0].status, 'complete');
});

test('ccmsetup: the CMG refusing an expired registration token is broken with the documented cause', () => {
  const log = cmtrace('/pc/ccmsetup.log', 'ccmsetup', [
    [0, '==========[ ccmsetup started in process 303 ]==========', 1],
    [
      5,
      '[CCMHTTP] ERROR: URL=https://CMGSERVER.CLOUDAPP.NET/CCM_Proxy_ServerAuth/ServiceMetadata , Port=443, Options=224, Code=0, Text=CCM_E_BAD_HTTP_STATUS_CODE',
      1,
      3,
    ],
    [5, '[CCMHTTP] ERROR INFO: StatusCode=401 StatusText=CMGService_Invalid_Token', 1, 3],
    [6, 'Next retry in 10 minute(s)...', 1],
  ]);
  const f = of(diagnose([log]), 'clientInstall')[0];
  assert.equal(f.status, 'broken');
  assert.match(f.error!.heading ?? '', /cloud management gateway refused/);
  assert.match(f.error!.message ?? '', /bulk registration token/);
});
