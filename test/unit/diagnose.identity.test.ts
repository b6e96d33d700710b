// Diagnosis on logs written the way real ones are, not the seed's excerpts: several instances at once, one
// failing next to one succeeding, syncs that take hours, rolled-over files, other Windows Update callers,
// Group Policy that matches. Each test pairs a failing instance with a healthy one: neither may take the
// other's verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseText, type ParseResult } from '../../server/src/core/parse';

/** [seconds after the base time, message, CMTrace type (1 info, 2 warning, 3 error), thread]. */
type Entry = [number, string, number?, number?];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time of the log (UTC + bias minutes... CMTrace writes local time and `+bias` = UTC - local in minutes). */
function local(baseUtc: number, seconds: number, biasMinutes: number) {
  const d = new Date(baseUtc + seconds * 1000 - biasMinutes * 60_000);
  return {
    date: `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${d.getUTCFullYear()}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`,
    wu: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}\t${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}:${pad(d.getUTCMilliseconds(), 3)}`,
  };
}

const BASE = Date.UTC(2024, 2, 12, 14, 0, 0);
const CLIENT_BIAS = 300;

/** A client CMTrace log (bias +300: the client is UTC-5). */
function client(file: string, component: string, entries: Entry[], base = BASE): ParseResult {
  const text = entries
    .map(([s, message, type = 1, thread = 1800]) => {
      const t = local(base, s, CLIENT_BIAS);
      return `<![LOG[${message}]LOG]!><time="${t.time}+${CLIENT_BIAS}" date="${t.date}" component="${component}" context="" type="${type}" thread="${thread}" file="">`;
    })
    .join('\r\n');
  return parseText(text, file);
}

/** A site server SMS trace log (bias -60). */
function server(file: string, component: string, entries: Entry[], base = BASE): ParseResult {
  const text = entries
    .map(([s, message, , thread = 3404]) => {
      const t = local(base, s, -60);
      return `${message}  $$<${component}><${t.date} ${t.time}-60><thread=${thread} (0x${thread.toString(16).toUpperCase()})>`;
    })
    .join('\r\n');
  return parseText(text, file);
}

/** A classic WindowsUpdate.log (local time of the client, no zone): [seconds, pid, thread hex, component, text]. */
function windowsUpdate(file: string, entries: Array<[number, number, string, string, string]>): ParseResult {
  return parseText(
    entries
      .map(
        ([s, pid, thread, comp, text]) =>
          `${local(BASE, s, CLIENT_BIAS).wu}\t${String(pid).padStart(4)}\t${thread}\t${comp}\t${text}`,
      )
      .join('\r\n'),
    file,
  );
}

function findingOf(findings: Finding[], flow: string, key: string): Finding {
  const found = findings.find((f) => f.flow === flow && f.key.toLowerCase().includes(key.toLowerCase()));
  assert.ok(
    found,
    `no ${flow} finding for ${key}; have ${findings.map((f) => `${f.flow}:${f.key}:${f.status}`).join(', ')}`,
  );
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Scan jobs: sequential, linked to WUAHandler by their own time only

const JOB1 = '{11111111-AAAA-4BBB-8CCC-000000000001}';
const JOB2 = '{22222222-AAAA-4BBB-8CCC-000000000002}';
const DIR = '/logs/PC1';

function scanAgent(jobs: Array<[number, string, 'ok' | 'failed' | 'silent', number]>): ParseResult {
  return client(
    `${DIR}/ScanAgent.log`,
    'ScanAgent',
    jobs.flatMap(([at, job, end, endAt]): Entry[] => [
      [at, `ScanJob(${job}): CScanJob::Initialize- entered`],
      [at + 1, `ScanJob(${job}): CScanJob::Execute - successfully requested Scan, ScanType=1`],
      ...(end === 'ok'
        ? [[endAt, `ScanJob(${job}): CScanJob::OnScanComplete -Scan completed successfully, ScanType=1`] as Entry]
        : []),
      ...(end === 'failed'
        ? [[endAt, `ScanJob(${job}): CScanJob::OnScanComplete -Scan Failed with Error=0x80244021`, 3] as Entry]
        : []),
    ]),
  );
}

const searchStarted = (at: number): Entry[] => [
  [at, 'Its a WSUS Update Source type ({C2D17964-BBDD-4339-B9F3-12D7205B39CC}), adding it.'],
  [at + 1, 'Async searching of updates using WUAgent started.'],
];
const searchOk = (at: number): Entry[] => [
  [at, 'Async searching completed.'],
  [at + 1, 'Successfully completed scan.'],
];
const searchFailed = (at: number): Entry[] => [
  [at, 'OnSearchComplete - Failed to end search job. Error = 0x80244021.', 3],
  [at + 1, 'Scan failed with error = 0x80244021.', 3],
];

test("scan: a job that completed is not broken by the next job's error minutes later (time-linked WUAHandler lines)", () => {
  const logs = [
    scanAgent([
      [0, JOB1, 'ok', 70],
      [120, JOB2, 'silent', 0],
    ]),
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [
      ...searchStarted(2),
      ...searchOk(68),
      ...searchStarted(122),
      ...searchFailed(180),
    ]),
  ];
  const findings = diagnose(logs);
  const first = findingOf(findings, 'scan', JOB1.slice(1, 9));
  assert.equal(first.status, 'complete', first.summary);
  assert.equal(first.error, undefined, "no recovered error either: the failure is the next job's");
  const second = findingOf(findings, 'scan', JOB2.slice(1, 9));
  assert.equal(second.status, 'broken', second.summary);
  assert.equal(second.error!.code, '0x80244021');
});

test('scan: a failing job next to a succeeding one — each keeps its own verdict, the later success does not complete the failure', () => {
  const logs = [
    scanAgent([
      [0, JOB1, 'failed', 30],
      [180, JOB2, 'ok', 240],
    ]),
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [
      ...searchStarted(2),
      ...searchFailed(28),
      ...searchStarted(182),
      ...searchOk(238),
    ]),
  ];
  const findings = diagnose(logs);
  assert.equal(findingOf(findings, 'scan', JOB1.slice(1, 9)).status, 'broken');
  const second = findingOf(findings, 'scan', JOB2.slice(1, 9));
  assert.equal(second.status, 'complete', second.summary);
  assert.equal(second.error, undefined);
});

test("scan: a WindowsUpdate.log failure of Defender's search is not the ConfigMgr scan's; CcmExec's is", () => {
  const wu = (caller: string) =>
    windowsUpdate(`${DIR}/WindowsUpdate.log`, [
      [3, 924, 'b70', 'Agent', `** START **  Agent: Finding updates [CallerId = ${caller}]`],
      [4, 924, 'c1c', 'Agent', '** START **  Agent: Finding updates [CallerId = CcmExec]'],
      [20, 924, 'b70', 'Agent', '  * WARNING: Exit code = 0x8024402C'],
      [21, 924, 'b70', 'Agent', `**  END  **  Agent: Finding updates [CallerId = ${caller}]`],
      [60, 924, 'c1c', 'Agent', '**  END  **  Agent: Finding updates [CallerId = CcmExec]'],
    ]);
  const base = [
    scanAgent([[0, JOB1, 'ok', 70]]),
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [...searchStarted(2), ...searchOk(68)]),
  ];
  const defender = findingOf(diagnose([...base, wu('Windows Defender')]), 'scan', JOB1.slice(1, 9));
  assert.equal(defender.status, 'complete');
  assert.equal(defender.error, undefined, "Defender's exit code is not charged to the ConfigMgr scan");
  const own = findingOf(diagnose([...base, wu('CcmExec')]), 'scan', JOB1.slice(1, 9));
  assert.equal(own.error?.code, '0x8024402C', 'the ConfigMgr search failed on its own thread');
});

// ---------------------------------------------------------------------------------------------------
// Synchronization: real durations, rolled-over files

const SITE_SERVER = '/logs/CS1';
const statmsg = (id: number, sev = 'I') =>
  `STATMSG: ID=${id} SEV=${sev} LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=CS1SITE.CONTOSO.COM SITE=CS1 PID=432 TID=3404 GMTDATE=Tue Mar 12 14:00:00.000 2024 ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="" ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="" NUMATTRS=0`;

function healthySync(at: number, hours: number): Entry[] {
  const done = at + hours * 3600;
  return [
    [at, 'Wakeup for scheduled regular sync'],
    [at + 1, 'Starting Sync'],
    [at + 2, 'Performing sync on regular schedule'],
    [at + 3, statmsg(6701)],
    [at + 5, statmsg(6704)],
    [at + 6, 'sync: Starting WSUS synchronization'],
    [at + 600, 'sync: WSUS synchronizing categories'],
    [done, 'Done synchronizing WSUS Server CS1SITE.CONTOSO.COM'],
    [done + 2, statmsg(6705)],
    [done + 60, 'Done synchronizing SMS with WSUS Server CS1SITE.CONTOSO.COM'],
    [done + 61, 'Set content version of update source {C2D17964-BBDD-4339-B9F3-12D7205B39CC} for site CS1 to 41'],
    [done + 62, statmsg(6702)],
    [done + 63, 'Sync succeeded. Setting sync alert to canceled state on site CS1'],
    [done + 64, 'Sync time: 0d02h31m04s'],
  ];
}

function failedSync(at: number, failure: string): Entry[] {
  return [
    [at, 'Wakeup for scheduled regular sync'],
    [at + 1, 'Starting Sync'],
    [at + 2, 'Performing sync on regular schedule'],
    [at + 3, statmsg(6701)],
    [at + 5, statmsg(6704)],
    [at + 300, `Sync failed: ${failure}. Source: CWSyncMgr::DoSync`],
    [at + 301, statmsg(6703, 'E')],
    [at + 302, 'Sync failed. Will retry in 60 minutes'],
  ];
}

test('sync: a sync that takes two and a half hours between 6704 and "Done synchronizing" is complete', () => {
  const findings = diagnose([server(`${SITE_SERVER}/WSyncMgr.log`, 'SMS_WSUS_SYNC_MANAGER', healthySync(0, 2.5))]);
  const sync = findings.filter((f) => f.flow === 'sync');
  assert.equal(sync.length, 1);
  assert.equal(sync[0].status, 'complete', sync[0].summary);
});

test('sync: a sync whose log writes no "Sync time:" line is bounded by its own 6702, not by a minute after its start', () => {
  const entries = healthySync(0, 1.5).filter(([, m]) => !m.startsWith('Sync time'));
  const sync = diagnose([server(`${SITE_SERVER}/WSyncMgr.log`, 'SMS_WSUS_SYNC_MANAGER', entries)]).find(
    (f) => f.flow === 'sync',
  )!;
  assert.equal(sync.status, 'complete', sync.summary);
});

test('sync: a failed sync right after a healthy one does not break it, and the healthy one does not heal the failure', () => {
  const entries = [
    ...healthySync(0, 1),
    ...failedSync(
      1 * 3600 + 600,
      'Microsoft Software License Terms have not been completely downloaded and cannot be accepted',
    ),
  ];
  const findings = diagnose([server(`${SITE_SERVER}/WSyncMgr.log`, 'SMS_WSUS_SYNC_MANAGER', entries)]).filter(
    (f) => f.flow === 'sync',
  );
  assert.deepEqual(
    findings.map((f) => f.status),
    ['complete', 'broken'],
  );
  assert.equal(findings[0].error, undefined);
  assert.equal(
    findings[1].error!.heading,
    'Synchronization fails because of issues with the EULA',
    "WSyncMgr's own wording of the EULA failure",
  );
});

test("sync: a WCM.log error while a sync is still running is context, not the sync's failure", () => {
  const logs = [
    server(`${SITE_SERVER}/WSyncMgr.log`, 'SMS_WSUS_SYNC_MANAGER', healthySync(0, 2)),
    server(`${SITE_SERVER}/WCM.log`, 'SMS_WSUS_CONFIGURATION_MANAGER', [
      [1800, 'System.Net.WebException: The request failed with HTTP status 503: Service Unavailable.'],
    ]),
  ];
  const sync = diagnose(logs).find((f) => f.flow === 'sync')!;
  assert.equal(sync.status, 'complete', sync.summary);
  assert.equal(sync.error, undefined);
});

test('sync: a sync that starts in WSyncMgr.lo_ and ends in WSyncMgr.log is one complete sync', () => {
  const all = healthySync(0, 1);
  const cut = all.findIndex(([, m]) => m.startsWith('sync: WSUS synchronizing categories'));
  const logs = [
    server(`${SITE_SERVER}/WSyncMgr.log`, 'SMS_WSUS_SYNC_MANAGER', all.slice(cut)),
    server(`${SITE_SERVER}/WSyncMgr.lo_`, 'SMS_WSUS_SYNC_MANAGER', all.slice(0, cut)),
  ];
  const sync = diagnose(logs).filter((f) => f.flow === 'sync');
  assert.equal(sync.length, 1, sync.map((f) => `${f.key} ${f.status}`).join('; '));
  assert.equal(sync[0].status, 'complete', sync[0].summary);
  assert.ok(sync[0].steps.find((s) => s.name.startsWith('Status message 6701'))!.file!.endsWith('.lo_'));
  assert.ok(sync[0].steps.find((s) => s.name.startsWith('Status message 6702'))!.file!.endsWith('WSyncMgr.log'));
});

test('sync: the same with a dated rolled-over file (WSyncMgr-20240312-160000.log)', () => {
  const all = healthySync(0, 1);
  const cut = all.findIndex(([, m]) => m.startsWith('Done synchronizing WSUS Server'));
  const logs = [
    server(`${SITE_SERVER}/WSyncMgr-20240312-160000.log`, 'SMS_WSUS_SYNC_MANAGER', all.slice(0, cut)),
    server(`${SITE_SERVER}/WSyncMgr.log`, 'SMS_WSUS_SYNC_MANAGER', all.slice(cut)),
  ];
  const sync = diagnose(logs).filter((f) => f.flow === 'sync');
  assert.deepEqual(
    sync.map((f) => f.status),
    ['complete'],
  );
});

test('sync: a sync whose log simply ends mid-way is incomplete, not broken, even hours later', () => {
  const all = healthySync(0, 3);
  const sync = diagnose([server(`${SITE_SERVER}/WSyncMgr.log`, 'SMS_WSUS_SYNC_MANAGER', all.slice(0, 7))]).find(
    (f) => f.flow === 'sync',
  )!;
  assert.equal(sync.status, 'incomplete', sync.summary);
});

// ---------------------------------------------------------------------------------------------------
// Deployments installing at the same time: linked by assignment and update IDs

const ASSIGN_A = '{AAAAAAAA-1111-4222-8333-000000000001}';
const ASSIGN_B = '{BBBBBBBB-1111-4222-8333-000000000002}';
const UPDATE_A = '3cbcf577-5139-49b8-afe8-620af5c52f95';
const UPDATE_B = 'ada7cf51-66b0-4a00-b37b-68d569d6ff8b';
const SITE = 'Site_D3A5F7EA-25D4-4C6B-B47C-C74997522A76';

function assignmentLines(assignment: string, update: string, at: number, outcome: 'success' | 'failed'): Entry[] {
  return [
    [at, `Assignment ${assignment} has total CI = 1`],
    [
      at + 1,
      `Detection job ({99ADA372-0738-44E4-9C4D-EBA30F23E9F${assignment[1]}}) started for assignment (${assignment})`,
    ],
    [
      at + 5,
      `Update (${SITE}/SUM_${update}) Name (Security Update) ArticleID (2705219) added to the targeted list of deployment (${assignment})`,
    ],
    [at + 6, `DetectJob completion received for assignment (${assignment})`],
    [
      at + 7,
      `DownloadCIContents Job ({C531FD04-FADA-4F75-A399-EEA2D3EDB56${assignment[1]}}) started for assignment (${assignment})`,
    ],
    [at + 30, `Starting install for assignment (${assignment})`],
    outcome === 'success'
      ? [
          at + 90,
          `Raised assignment (${assignment}) state message successfully. TopicType = Enforce, StateId = 3, StateName = ASSIGNMENT_ENFORCE_SUCCESS`,
        ]
      : [
          at + 90,
          `Raised assignment (${assignment}) state message successfully. TopicType = Enforce, StateId = 4, StateName = ASSIGNMENT_ENFORCE_FAILED`,
          3,
        ],
  ];
}

test('deployment: of two assignments installing at once, the installed one is neither broken nor "recovered" by the other\'s install error', () => {
  const logs = [
    client(
      `${DIR}/UpdatesDeployment.log`,
      'UpdatesDeploymentAgent',
      [...assignmentLines(ASSIGN_A, UPDATE_A, 0, 'success'), ...assignmentLines(ASSIGN_B, UPDATE_B, 2, 'failed')].sort(
        (a, b) => a[0] - b[0],
      ),
    ),
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [
      [35, 'Async installation of updates started.'],
      [60, `Update 1 (${UPDATE_B}) finished installing (0x80070643), Reboot Required? No`, 3],
      [70, `Update 2 (${UPDATE_A}) finished installing (0x00000000), Reboot Required? No`],
      [71, 'Async install completed.'],
      [72, 'Installation of updates completed.'],
    ]),
  ];
  const findings = diagnose(logs);
  const a = findingOf(findings, 'deployment', ASSIGN_A.slice(1, 9));
  assert.equal(a.error, undefined, `A carries no error: ${a.summary}`);
  assert.notEqual(a.status, 'broken');
  const b = findingOf(findings, 'deployment', ASSIGN_B.slice(1, 9));
  assert.equal(b.status, 'broken');
  assert.equal(b.error!.code, '0x80070643', "the install error of B's own update (not only its enforcement state)");
});

// ---------------------------------------------------------------------------------------------------
// Honest status: unproven when the logs that would prove required steps are not given

test('deployment: success seen in UpdatesDeployment.log alone is unproven, and the finding lists the logs not given', () => {
  const f = findingOf(
    diagnose([
      client(
        `${DIR}/UpdatesDeployment.log`,
        'UpdatesDeploymentAgent',
        assignmentLines(ASSIGN_A, UPDATE_A, 0, 'success'),
      ),
    ]),
    'deployment',
    ASSIGN_A.slice(1, 9),
  );
  assert.equal(f.status, 'unproven', f.summary);
  assert.equal(f.error, undefined);
  for (const log of ['UpdatesHandler.log', 'CAS.log', 'WUAHandler.log'])
    assert.ok(
      f.missingLogs!.some((m) => m.startsWith(log)),
      `${log} listed: ${f.missingLogs}`,
    );
  assert.match(f.summary, /unproven/);
});

test('scan: ScanAgent.log alone (WUAHandler.log not given) is unproven, not complete and not broken', () => {
  const f = findingOf(diagnose([scanAgent([[0, JOB1, 'ok', 70]])]), 'scan', JOB1.slice(1, 9));
  assert.equal(f.status, 'unproven', f.summary);
  assert.deepEqual(f.missingLogs, ['WUAHandler.log']);
});

// ---------------------------------------------------------------------------------------------------
// Group Policy: a failure only when the server or port differs from the source given

const given = (url: string): Entry[] => [
  [0, 'Its a WSUS Update Source type ({C2D17964-BBDD-4339-B9F3-12D7205B39CC}), adding it.'],
  [1, `Enabling WUA Managed server policy to use server: ${url}`],
  [2, 'Waiting for 30 secs for policy to take effect on WU Agent.'],
];
const gpoLine = (url: string): Entry => [
  3,
  `Group policy settings were overwritten by a higher authority (Domain Controller) to: Server ${url} and Policy ENABLED`,
  2,
];

test('group policy: the same server and port as the update source is no failure', () => {
  const logs = [
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [
      ...given('http://PS1SITE.CONTOSO.COM:8530'),
      gpoLine('http://ps1site.contoso.com:8530'),
      [33, 'Added Update Source ({C2D17964-BBDD-4339-B9F3-12D7205B39CC}) of content type: 2'],
    ]),
  ];
  const findings = diagnose(logs);
  assert.ok(
    !findings.some((f) => f.status === 'broken'),
    findings.map((f) => `${f.flow} ${f.status} ${f.summary}`).join('\n'),
  );
  const gpo = findingOf(findings, 'groupPolicy', 'ps1site');
  assert.equal(gpo.status, 'complete');
});

test('group policy: another port is a failure, and the finding says both values', () => {
  const logs = [
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [
      ...given('http://PS1SITE.CONTOSO.COM:8530'),
      gpoLine('http://PS1SITE.CONTOSO.COM:80'),
    ]),
  ];
  const gpo = findingOf(diagnose(logs), 'groupPolicy', 'PS1SITE');
  assert.equal(gpo.status, 'broken');
  assert.equal(gpo.error!.heading, 'Group Policy overrides WSUS Server');
  assert.match(gpo.summary, /http:\/\/PS1SITE\.CONTOSO\.COM:80\b/);
  assert.match(gpo.summary, /http:\/\/PS1SITE\.CONTOSO\.COM:8530/);
});

test('group policy: reported even when ScanAgent.log is there and no location request was made', () => {
  const logs = [
    scanAgent([[0, JOB1, 'ok', 70]]),
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [
      ...given('http://PS1SITE.CONTOSO.COM:8530'),
      gpoLine('http://wsus.corp.example:8530'),
      ...searchStarted(4),
      ...searchOk(60),
    ]),
  ];
  const gpo = findingOf(diagnose(logs), 'groupPolicy', 'wsus.corp.example');
  assert.equal(gpo.status, 'broken');
});

test('group policy: with no update source in the logs, the override is unproven (not broken)', () => {
  const logs = [client(`${DIR}/WUAHandler.log`, 'WUAHandler', [gpoLine('http://wsus.corp.example:8530')])];
  assert.equal(findingOf(diagnose(logs), 'groupPolicy', 'wsus.corp.example').status, 'unproven');
});

// ---------------------------------------------------------------------------------------------------
// Machines: a time-linked line of another machine's log is no evidence

test("scan: another machine's WUAHandler error at the same minute is not charged", () => {
  const logs = [
    scanAgent([[0, JOB1, 'silent', 0]]),
    client(`${DIR}/WUAHandler.log`, 'WUAHandler', [...searchStarted(2)]),
    client('/logs/PC2/WUAHandler.log', 'WUAHandler', [...searchStarted(2), ...searchFailed(20)]),
  ];
  const f = findingOf(diagnose(logs), 'scan', JOB1.slice(1, 9));
  assert.notEqual(f.status, 'broken', f.summary);
});

// ---------------------------------------------------------------------------------------------------
// Service windows: a schedule the client could not read is not a healthy window

test('service windows: a window whose schedule failed to initialise is failed; the one beside it stays healthy', () => {
  const log = client(`${DIR}/ServiceWindowManager.log`, 'ServiceWindowManager', [
    [0, 'Refreshing Service Windows.....'],
    [
      1,
      '    Populating instance of ServiceWindow with ID=7cb56688-692f-4fae-b398-0e3ff4413adb, ScheduleString=02C159C0381A200002C159C0381B2000, Type=6',
    ],
    [
      1,
      'CServiceWindow::CServiceWindow: Failed to initialize ServiceWindowSchedule instance from schedule string (02C159C0381A200002C159C0381B2000)',
      3,
    ],
    [1, '        This is a one shot Service Window that has already finished.'],
    [
      2,
      '    Populating instance of ServiceWindow with ID={1E957DDD-0A26-434C-952A-586F3E31E319}, ScheduleString=00302B0018192000, Type=1',
    ],
    [2, '        StartTime is 02/16/14 01:00:00'],
  ]);
  const f = diagnose([log]).find((x) => x.flow === 'serviceWindows')!;
  assert.equal(f.status, 'broken');
  assert.deepEqual(
    f.steps.map((s) => !!s.failed),
    [true, false],
  );
  assert.match(f.steps[0].detail!, /failed to initialise/);
  const healthy = diagnose([
    client(`${DIR}/ServiceWindowManager.log`, 'ServiceWindowManager', [
      [
        2,
        '    Populating instance of ServiceWindow with ID={1E957DDD-0A26-434C-952A-586F3E31E319}, ScheduleString=00302B0018192000, Type=1',
      ],
    ]),
  ]);
  assert.equal(healthy.find((x) => x.flow === 'serviceWindows')!.status, 'complete');
});
