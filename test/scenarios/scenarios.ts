// The scenarios: each one a site server and/or client folder written the way a new user collects them, with
// the verdicts the diagnosis must reach. Healthy scenarios (healthy: true) must produce no broken finding at
// all; every scenario's broken findings must be ones it expects. The variations are the ones real logs have
// (issue #16): durations from seconds to hours, several instances of a flow interleaved, one instance failing
// next to a succeeding one, rolled-over files, machines in different time zones, other callers of Windows
// Update, records out of order across files, logs missing from the collection.
import { HOUR, MIN, SEC } from './gen/core';
import {
  contentJob,
  deployment,
  makeUpdates,
  restartAndDetect,
  serviceWindowCheck,
  serviceWindows,
  type ServiceWindow,
} from './gen/deploy';
import type { Built, Expectation, Scenario } from './gen/expect';
import { clientNoise, otherCaller, scanJob, wuStartup, type ScanResult } from './gen/scan';
import { stateCycle, stateUpload } from './gen/statemsg';
import { syncRun, wcmCheck, wcmHourly, type SyncResult } from './gen/sync';
import { World, type WorldOptions } from './gen/world';

/** A start time: a weekday between 2014 and 2024, at a local business hour of the client. */
function startOf(w: World, hourUtc?: number): number {
  const r = w.rng;
  const t = Date.UTC(
    r.int(2014, 2024),
    r.int(0, 11),
    r.int(1, 27),
    hourUtc ?? r.int(8, 20),
    r.int(0, 59),
    r.int(0, 39),
    r.int(0, 999),
  );
  wuStartup(w, t - r.int(1, 5) * HOUR);
  return t;
}

const lower = (s: string) => s.toLowerCase();
const iso = (utc: number) => new Date(utc).toISOString();
/** A sync finding: its site code and the UTC of its "Starting Sync" line. */
const syncAt = (s: SyncResult) => ({ key: s.site, at: iso(s.start) });
const scanOk = (r: ScanResult, why?: string): Expectation => ({
  flow: 'scan',
  key: lower(r.job),
  status: 'complete',
  ...(why ? { why } : {}),
});

function scenario(name: string, healthy: boolean, description: string, build: (seed: number) => Built): Scenario {
  return { name, healthy, description, build };
}

/** The seed's service windows (non-business hours and the collection window {1E957DDD…}). */
const SEED_WINDOWS: ServiceWindow[] = [
  { id: '90a5f436-364c-48c7-8dc7-c5014abcbea8', schedule: '00084AC028592000', type: 6 },
  { id: '45dca355-3249-4845-b8aa-72d0e604548e', schedule: '02C24AC0381C2000', type: 6 },
  { id: '{1E957DDD-0A26-434C-952A-586F3E31E319}', schedule: '00302B0018192000', type: 1 },
];

function world(seed: number, o: Omit<WorldOptions, 'seed'> = {}): World {
  return new World({ seed, ...o });
}

// ---------------------------------------------------------------------------------------------------
// Synchronization (site server)

/** A 3.5 GB feature update downloaded for `hours`, then installed: both complete, however long the download. */
function featureUpdateDownload(name: string, hours: number, description: string, why: string): Scenario {
  return scenario(name, true, description, (seed) => {
    const w = world(seed, { clientBias: 300 });
    const t = startOf(w);
    const [u] = makeUpdates(w, 1);
    u.size = 3_500_000_000;
    const d = deployment(w, t, {
      updates: [u],
      content: [{ downloadMs: hours * HOUR }],
      ignoreWindow: true,
      reboot: false,
    });
    return {
      machines: [w.client],
      findings: [
        { flow: 'contentDownload', key: lower(d.contentJobs[0].ctmJob), status: 'complete', why },
        { flow: 'deployment', key: lower(d.assignment), status: 'complete' },
      ],
    };
  });
}

const SYNC: Scenario[] = [
  scenario(
    'sync-manual-40s',
    true,
    'A console-requested sync on a quiet day: 6704 to "Done synchronizing" in 40 seconds, 3 new updates.',
    (seed) => {
      const w = world(seed, { serverBias: -60 });
      const t = startOf(w);
      wcmCheck(w, t - 20 * MIN);
      const s = syncRun(w, t, { trigger: 'manual', wsusMs: 40 * SEC, dbMs: 9 * SEC, items: 3 });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'complete' }],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-scheduled-2h',
    true,
    'A scheduled sync whose WSUS phase takes 2 h 10 min (Patch Tuesday), a replica SUP (6706), WCM checking every hour meanwhile.',
    (seed) => {
      const w = world(seed, { serverBias: 300 });
      const t = startOf(w);
      wcmHourly(w, t - 30 * MIN, t + 4 * HOUR);
      const s = syncRun(w, t, {
        trigger: 'schedule',
        wsusMs: 2 * HOUR + 10 * MIN,
        dbMs: 25 * MIN,
        replica: true,
        items: 412,
      });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'complete', why: 'a complete sync of 2.5 h is complete' }],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-initial-5h',
    true,
    'The first sync of a new SUP: 5 hours of WSUS metadata (2,900 updates), then 40 minutes of site database sync.',
    (seed) => {
      const w = world(seed, { serverBias: -120 });
      const t = startOf(w, 6);
      wcmHourly(w, t - 10 * MIN, t + 6 * HOUR);
      const s = syncRun(w, t, { trigger: 'manual', wsusMs: 5 * HOUR, dbMs: 40 * MIN, items: 2900 });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'complete' }],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-initial-16h',
    true,
    'The first sync of a new SUP over a slow link: 15 hours of WSUS metadata, then an hour of site database sync (longer than any sync the engine bounds without an end line: its end line is its end).',
    (seed) => {
      const w = world(seed, { serverBias: -120 });
      const t = startOf(w, 6);
      wcmHourly(w, t - 10 * MIN, t + 17 * HOUR);
      const s = syncRun(w, t, { trigger: 'manual', wsusMs: 15 * HOUR, dbMs: 60 * MIN, items: 9000 });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'complete' }],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-rollover-lo_',
    true,
    'A 1 h 40 min sync that starts in WSyncMgr.lo_ and ends in WSyncMgr.log (the log rolled over 50 minutes in): one instance, complete.',
    (seed) => {
      const w = world(seed, { serverBias: 0 });
      const t = startOf(w);
      w.configure({ rollovers: { 'WSyncMgr.log': { atUtc: t + 50 * MIN, style: 'lo_' } } });
      const s = syncRun(w, t, { trigger: 'schedule', wsusMs: 80 * MIN, dbMs: 12 * MIN, items: 260 });
      wcmHourly(w, t - 5 * MIN, t + 3 * HOUR);
      return {
        machines: [w.server],
        findings: [
          {
            flow: 'sync',
            ...syncAt(s),
            status: 'complete',
            why: 'an instance starting in WSyncMgr.lo_ and ending in WSyncMgr.log is one instance',
          },
        ],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-child-parent-request',
    true,
    "A child primary syncs on its parent's notification (no site database phase), then its replica SUP (6706).",
    (seed) => {
      const w = world(seed, { serverBias: 480 });
      const t = startOf(w);
      const s = syncRun(w, t, {
        trigger: 'parent',
        level: 'child',
        wsusMs: 3 * MIN + 12 * SEC,
        replica: true,
        items: 130,
      });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'complete' }],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-not-configured-then-retry',
    false,
    'WCM cannot reach WSUS (HTTP 503), the scheduled sync fails with "WSUS server not configured"; the retry an hour later succeeds after 25 minutes.',
    (seed) => {
      const w = world(seed, { serverBias: -60 });
      const t = startOf(w);
      wcmCheck(w, t - 4 * MIN, { fail503: true });
      const bad = syncRun(w, t, { trigger: 'schedule', wsusMs: 0, failure: 'notConfigured' });
      wcmCheck(w, t + 56 * MIN);
      const good = syncRun(w, bad.end + 60 * MIN, { trigger: 'retry', wsusMs: 25 * MIN, dbMs: 3 * MIN });
      return {
        machines: [w.server],
        findings: [
          { flow: 'sync', ...syncAt(bad), status: 'broken', heading: 'WSUS server not configured' },
          {
            flow: 'sync',
            ...syncAt(good),
            status: 'complete',
            noError: true,
            why: 'the retry is healthy; the failure an hour before belongs to the first sync',
          },
        ],
        counts: { sync: 2 },
      };
    },
  ),
  scenario(
    'sync-eula-not-downloaded',
    false,
    "The site database phase fails on one update whose EULA WSUS has not downloaded (WSyncMgr's real wording), so the sync fails (6703).",
    (seed) => {
      const w = world(seed, { serverBias: -60 });
      const t = startOf(w);
      const s = syncRun(w, t, { trigger: 'schedule', wsusMs: 6 * MIN, dbMs: 4 * MIN, items: 40, failure: 'eula' });
      return { machines: [w.server], findings: [{ flow: 'sync', ...syncAt(s), status: 'broken', heading: 'EULA' }] };
    },
  ),
  scenario(
    'sync-http-503',
    false,
    'WSUS answers HTTP 503 as WSyncMgr starts the WSUS sync: Web Service issues.',
    (seed) => {
      const w = world(seed, { serverBias: 0 });
      const t = startOf(w);
      const s = syncRun(w, t, { trigger: 'manual', wsusMs: 0, failure: 'http503' });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'broken', heading: 'Web Service' }],
      };
    },
  ),
  scenario(
    'sync-failure-then-long-success',
    false,
    'A sync fails (WSUS not configured); 12 minutes later an admin starts one by hand that runs 1 h 20 min and succeeds.',
    (seed) => {
      const w = world(seed, { serverBias: -180 });
      const t = startOf(w);
      const bad = syncRun(w, t, { trigger: 'schedule', wsusMs: 0, failure: 'notConfigured' });
      const good = syncRun(w, bad.end + 12 * MIN, { trigger: 'manual', wsusMs: 80 * MIN, dbMs: 6 * MIN, items: 190 });
      return {
        machines: [w.server],
        findings: [
          { flow: 'sync', ...syncAt(bad), status: 'broken' },
          { flow: 'sync', ...syncAt(good), status: 'complete', noError: true },
        ],
        counts: { sync: 2 },
      };
    },
  ),
  scenario(
    'sync-still-running',
    true,
    'The logs were collected 35 minutes into a sync whose WSUS phase is still running: not finished, not broken.',
    (seed) => {
      const w = world(seed, { serverBias: -60 });
      const t = startOf(w);
      const s = syncRun(w, t, { trigger: 'schedule', wsusMs: 2 * HOUR, cutAfterMs: 35 * MIN, items: 500 });
      return {
        machines: [w.server],
        findings: [
          {
            flow: 'sync',
            ...syncAt(s),
            status: 'incomplete',
            why: 'the logs end mid-sync: nothing failed, nothing finished',
          },
        ],
      };
    },
  ),
  scenario(
    'sync-long-wcm-503-meanwhile',
    true,
    "A 3-hour scheduled sync succeeds while one of WCM's hourly checks in the middle gets HTTP 503 from WSUS (and the next check succeeds).",
    (seed) => {
      const w = world(seed, { serverBias: -60 });
      const t = startOf(w);
      wcmHourly(w, t - 20 * MIN, t + 5 * HOUR, [2]);
      const s = syncRun(w, t, { trigger: 'schedule', wsusMs: 3 * HOUR, dbMs: 20 * MIN, items: 700 });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'complete', why: 'the sync itself never failed' }],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-across-dst',
    true,
    'A 90-minute night sync on a site server at US Eastern time during which daylight saving time starts: the lines switch from bias +300 to +240.',
    (seed) => {
      const w = world(seed, { serverBias: 300 });
      const t = startOf(w, 6);
      w.configure({ serverBiasChange: { atUtc: t + 40 * MIN, to: 240 } });
      const s = syncRun(w, t, { trigger: 'schedule', wsusMs: 70 * MIN, dbMs: 9 * MIN });
      return {
        machines: [w.server],
        findings: [{ flow: 'sync', ...syncAt(s), status: 'complete' }],
        counts: { sync: 1 },
      };
    },
  ),
  scenario(
    'sync-initial-collected-at-7h30',
    true,
    'The logs were collected 7 h 30 min into a first sync of every product (its WSUS phase runs 9 hours), progress lines still coming: not finished, not broken.',
    (seed) => {
      const w = world(seed, { serverBias: -60 });
      const t = startOf(w, 2);
      wcmHourly(w, t - 10 * MIN, t + 7 * HOUR);
      const s = syncRun(w, t, { trigger: 'manual', wsusMs: 9 * HOUR, cutAfterMs: 7.5 * HOUR, items: 4100 });
      return {
        machines: [w.server],
        findings: [
          { flow: 'sync', ...syncAt(s), status: 'incomplete', why: 'a sync still making progress has not stalled' },
        ],
      };
    },
  ),
  scenario(
    'sync-wsyncmgr-only',
    true,
    'Only WSyncMgr.log was collected (no WCM.log, no SoftwareDistribution.log from the SUP): two complete syncs.',
    (seed) => {
      const w = world(seed, { serverBias: 240 });
      const t = startOf(w);
      const a = syncRun(w, t, { trigger: 'schedule', wsusMs: 7 * MIN, dbMs: 2 * MIN });
      const b = syncRun(w, a.end + 7 * HOUR, { trigger: 'schedule', wsusMs: 18 * MIN, dbMs: 5 * MIN });
      wcmHourly(w, t, t + 9 * HOUR);
      w.missingServer('WCM.log', 'SoftwareDistribution.log');
      return {
        machines: [w.server],
        findings: [
          { flow: 'sync', ...syncAt(a), status: 'complete' },
          { flow: 'sync', ...syncAt(b), status: 'complete' },
        ],
        counts: { sync: 2 },
      };
    },
  ),
];

// ---------------------------------------------------------------------------------------------------
// WSUS location and scan (client)

const SCAN: Scenario[] = [
  scenario(
    'scan-new-source-first-scan',
    true,
    'First scan against a completely new update source: location request, GP refresh, WUA sees the changed server, statuses and state messages uploaded.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      clientNoise(w, t - HOUR, t + 2 * HOUR);
      const s = scanJob(w, t, { location: { replyMs: 400 }, newSource: true, statuses: true, searchMs: 14 * SEC });
      const up = stateUpload(w, s.end + 6 * MIN);
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(s.locationRequest!), status: 'complete' },
          scanOk(s),
          { flow: 'stateMessages', at: iso(up.forwarded), status: 'complete' },
        ],
        counts: { scan: 1, location: 1 },
      };
    },
  ),
  scenario(
    'scan-3-jobs-interleaved',
    true,
    'Three scan jobs at once: a scheduled scan waits 4 minutes for its WSUS location while two cached detection scans run and finish.',
    (seed) => {
      const w = world(seed, { clientBias: -60 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: { replyMs: 4 * MIN }, searchMs: 50 * SEC });
      const b = scanJob(w, t + 40 * SEC, { online: false, searchMs: 3 * SEC });
      const c = scanJob(w, t + 95 * SEC, { online: false, searchMs: 5 * SEC });
      clientNoise(w, t - HOUR, t + HOUR);
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(a.locationRequest!), status: 'complete' },
          scanOk(a),
          scanOk(b),
          scanOk(c),
        ],
        counts: { scan: 3 },
      };
    },
  ),
  scenario(
    'scan-fail-next-to-success',
    false,
    'Scan job A completes; job B starts 3 minutes later and fails with 0x80244021 (proxy), and its retry fails too. A must stay complete.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 20 * SEC });
      const b = scanJob(w, a.end + 3 * MIN, { failCode: '0x80244021', retries: ['fail'], searchMs: 2 * SEC });
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'scan',
            key: lower(a.job),
            status: 'complete',
            noError: true,
            why: "a scan job that completed is not broken by the next job's error minutes later",
          },
          { flow: 'scan', key: lower(b.job), status: 'broken', code: '0x80244021' },
        ],
      };
    },
  ),
  scenario(
    'scan-5-jobs-one-fails',
    false,
    'Five scan jobs over 40 minutes (scheduled scan, detection scans); the third fails with 0x8024401C (HTTP timeout) and the logs end before its retry.',
    (seed) => {
      const w = world(seed, { clientBias: 0, threadJitter: 0.2 });
      const t = startOf(w);
      const jobs: ScanResult[] = [];
      let at = t;
      for (let i = 0; i < 5; i++) {
        jobs.push(
          scanJob(w, at, {
            online: i !== 2 ? i % 2 === 0 : true,
            searchMs: (i === 2 ? 70 : 8 + i * 3) * SEC,
            ...(i === 2 ? { failCode: '0x8024401C' } : {}),
          }),
        );
        at += w.rng.int(5, 9) * MIN;
      }
      return {
        machines: [w.client],
        findings: jobs.map((j, i) =>
          i === 2
            ? { flow: 'scan', key: lower(j.job), status: 'broken' as const, code: '0x8024401C' }
            : { flow: 'scan', key: lower(j.job), status: 'complete' as const, noError: true },
        ),
        counts: { scan: 5 },
      };
    },
  ),
  scenario(
    'scan-concurrent-fail-and-success',
    false,
    "Two scan jobs overlap: a scheduled online scan fails after 90 s with 0x8024401C while a deployment's cached detection scan, started 40 s after it, completes 20 s after that failure.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 90 * SEC, failCode: '0x8024401C' });
      const b = scanJob(w, t + 40 * SEC, { online: false, searchMs: 65 * SEC });
      return {
        machines: [w.client],
        findings: [
          { flow: 'scan', key: lower(a.job), status: 'broken', code: '0x8024401C' },
          {
            flow: 'scan',
            key: lower(b.job),
            status: 'complete',
            noError: true,
            why: 'the failure belongs to the other job (its ScanJob ID)',
          },
        ],
        counts: { scan: 2 },
      };
    },
  ),
  scenario(
    'scan-concurrent-win10-call-ids',
    false,
    'Windows 10: two CcmExec searches overlap in WindowsUpdate.log, told apart only by their call Id: the scheduled online scan fails with 0x8024401C, the cached detection scan succeeds.',
    (seed) => {
      const w = world(seed, { clientBias: -60, os: 'win10' });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 80 * SEC, failCode: '0x8024401C' });
      const b = scanJob(w, t + 30 * SEC, { online: false, searchMs: 70 * SEC });
      return {
        machines: [w.client],
        findings: [
          { flow: 'scan', key: lower(a.job), status: 'broken', code: '0x8024401C' },
          {
            flow: 'scan',
            key: lower(b.job),
            status: 'complete',
            noError: true,
            why: 'the failed search has another call Id',
          },
        ],
        counts: { scan: 2 },
      };
    },
  ),
  scenario(
    'scan-retry-recovers',
    true,
    'A scan fails with 0x80244021, its retry 30 minutes later succeeds: the job completed.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { failCode: '0x80244021', retries: ['ok'], searchMs: 12 * SEC });
      return {
        machines: [w.client],
        findings: [{ flow: 'scan', key: lower(a.job), status: 'complete', recovered: true, code: '0x80244021' }],
      };
    },
  ),
  scenario(
    'scan-defender-fails-after',
    true,
    "A healthy ConfigMgr scan; 90 seconds later Windows Defender's own definition search fails in WindowsUpdate.log (0x8024402C). Not ConfigMgr's failure.",
    (seed) => {
      const w = world(seed, { clientBias: 360 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 25 * SEC });
      otherCaller(w, a.end + 90 * SEC, 'Windows Defender', '0x8024402C', 20 * SEC);
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'scan',
            key: lower(a.job),
            status: 'complete',
            noError: true,
            why: 'a WindowsUpdate.log failure counts only for the CcmExec caller',
          },
        ],
      };
    },
  ),
  scenario(
    'scan-au-fails-during',
    true,
    'Automatic Updates searches (and fails, 0x8024402C) while the ConfigMgr scan runs; and once more after it.',
    (seed) => {
      const w = world(seed, { clientBias: -120 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 45 * SEC });
      otherCaller(w, a.start + 20 * SEC, 'AutomaticUpdates', '0x8024402C', 15 * SEC);
      otherCaller(w, a.end + 2 * MIN, 'AutomaticUpdates', '0x8024402C', 10 * SEC);
      return {
        machines: [w.client],
        findings: [{ flow: 'scan', key: lower(a.job), status: 'complete', noError: true }],
      };
    },
  ),
  scenario(
    'scan-win10-etw-noise',
    true,
    'Windows 10 client: WindowsUpdate.log decoded from ETW; Windows Defender, the Update Orchestrator and the driver retrieval client search (and fail) around two healthy ConfigMgr scans.',
    (seed) => {
      const w = world(seed, { clientBias: -60, os: 'win10' });
      const t = startOf(w);
      otherCaller(w, t - 3 * MIN, 'Windows Defender');
      const a = scanJob(w, t, { location: { replyMs: 700 }, searchMs: 35 * SEC });
      otherCaller(w, a.end + 40 * SEC, 'Windows Defender', '0x80244022', 6 * SEC);
      const b = scanJob(w, a.end + 4 * MIN, { online: false, searchMs: 2 * SEC });
      otherCaller(w, b.end + 30 * SEC, 'UpdateOrchestrator', '0x8024402F', 12 * SEC);
      otherCaller(w, b.end + 50 * SEC, 'Device Driver Retrieval Client', '0x8024000B', 3 * SEC);
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(a.locationRequest!), status: 'complete' },
          { ...scanOk(a), noError: true },
          { ...scanOk(b), noError: true },
        ],
      };
    },
  ),
  scenario(
    'gpo-different-server',
    false,
    'A domain GPO points Windows Update at another WSUS server: "Group policy settings were overwritten by a higher authority … Server http://wsus01…" and the source cannot be added (0x87D00692).',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, newSource: true, gpoServer: `http://WSUS01.${w.site.domain}:8530` });
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(a.locationRequest!), status: 'broken', heading: 'Group Policy' },
          { flow: 'scan', key: lower(a.job), status: 'broken', code: '0x87D00692' },
          {
            flow: 'groupPolicy',
            status: 'broken',
            optional: true,
            why: 'an engine may also report the override as a finding of its own',
          },
        ],
      };
    },
  ),
  scenario(
    'gpo-reported-once',
    false,
    'A domain GPO sets another WSUS server on a client that has ScanAgent.log, LocationServices.log and WUAHandler.log: the conflict is reported once, by the location request that received the other server, naming both servers.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const gpoServer = `http://WSUS02.${w.site.domain}:8530`;
      const a = scanJob(w, t, { location: {}, newSource: true, gpoServer });
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'location',
            key: lower(a.locationRequest!),
            status: 'broken',
            heading: 'Group Policy',
            says: [gpoServer, w.site.supUrl],
            why: 'the location finding is the more specific place: it names the server Group Policy set and the one the client was given',
          },
          { flow: 'scan', key: lower(a.job), status: 'broken', code: '0x87D00692' },
        ],
        counts: { groupPolicy: 0 },
      };
    },
  ),
  scenario(
    'gpo-same-server',
    true,
    'A domain GPO sets exactly the SUP ConfigMgr gave (same server and port, other letter case): the override line is logged but nothing conflicts.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, {
        location: {},
        newSource: true,
        gpoServer: w.site.supUrl.toLowerCase(),
        searchMs: 30 * SEC,
      });
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'location',
            key: lower(a.locationRequest!),
            status: 'complete',
            why: 'the GPO line is a failure only when the server or port differs from the update source',
          },
          scanOk(a),
        ],
      };
    },
  ),
  scenario(
    'gpo-port-differs',
    false,
    "A domain GPO names the SUP's server but port 80 (the default web site) while the SUP listens on 8530.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, newSource: true, gpoServer: w.site.supUrl.replace(':8530', ':80') });
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(a.locationRequest!), status: 'broken', heading: 'Group Policy' },
          { flow: 'scan', key: lower(a.job), status: 'broken', code: '0x87D00692' },
          {
            flow: 'groupPolicy',
            status: 'broken',
            optional: true,
            why: 'an engine may also report the override as a finding of its own',
          },
        ],
      };
    },
  ),
  scenario(
    'gpo-other-sup-of-site',
    false,
    "A domain GPO names the site's second SUP (https, 8531), which the MP also lists, but the client was given the first one: still a conflict (0x87D00692).",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, newSource: true, gpoServer: w.site.sup2Url });
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'location',
            key: lower(a.locationRequest!),
            status: 'broken',
            heading: 'Group Policy',
            why: 'the update source the client was given is the one to compare with, not any SUP of the site',
          },
          { flow: 'scan', key: lower(a.job), status: 'broken', code: '0x87D00692' },
          { flow: 'groupPolicy', status: 'broken', optional: true },
        ],
      };
    },
  ),
  scenario(
    'location-empty-reply',
    false,
    'The management point answers the WSUS location request with no location (content version not synced yet).',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: { reply: 'empty' } });
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(a.locationRequest!), status: 'broken' },
          {
            flow: 'scan',
            key: lower(a.job),
            status: ['broken', 'incomplete', 'unproven'],
            why: "the scan never ran; how it is reported is the engine's choice, but not complete",
          },
        ],
      };
    },
  ),
  scenario(
    'location-version-mismatch',
    false,
    'The client asks for the WSUS server of content version N; the reply names version N-1.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: { reply: 'otherVersion' } });
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(a.locationRequest!), status: 'broken', heading: 'content version' },
          { flow: 'scan', key: lower(a.job), status: ['broken', 'incomplete', 'unproven'] },
        ],
      };
    },
  ),
  scenario(
    'location-two-requests-one-empty',
    false,
    'Two WSUS location requests 3 minutes apart: the first (content version N) is answered; the second, after a new policy with version N+1 the child site has not synced yet, gets an empty reply.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, searchMs: 15 * SEC });
      w.contentVersion += 1;
      const b = scanJob(w, a.end + 3 * MIN, { location: { reply: 'empty' } });
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'location',
            key: lower(a.locationRequest!),
            status: 'complete',
            noError: true,
            why: 'the empty reply names the other request',
          },
          scanOk(a),
          { flow: 'location', key: lower(b.locationRequest!), status: 'broken' },
          { flow: 'scan', key: lower(b.job), status: ['broken', 'incomplete', 'unproven'] },
        ],
      };
    },
  ),
  scenario(
    'location-slow-reply',
    true,
    'The management point is busy: the WSUS location reply comes 12 minutes after the request. Then the scan succeeds.',
    (seed) => {
      const w = world(seed, { clientBias: 480 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: { replyMs: 12 * MIN }, searchMs: 40 * SEC });
      return {
        machines: [w.client],
        findings: [{ flow: 'location', key: lower(a.locationRequest!), status: 'complete' }, scanOk(a)],
      };
    },
  ),
  scenario(
    'location-messaging-error',
    false,
    'CCM Messaging cannot deliver the location request to the management point (0x87D00231).',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: { messagingError: '0x87d00231' } });
      return {
        machines: [w.client],
        findings: [
          { flow: 'location', key: lower(a.locationRequest!), status: 'broken', code: '0x87D00231' },
          { flow: 'scan', key: lower(a.job), status: ['broken', 'incomplete', 'unproven'] },
        ],
      };
    },
  ),
  scenario(
    'scan-wuahandler-missing',
    true,
    'ScanAgent.log shows two scans requested and completed, but WUAHandler.log was not collected: nothing failed, the WUAHandler steps are unproven.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, searchMs: 20 * SEC });
      const b = scanJob(w, a.end + 2 * HOUR, { searchMs: 15 * SEC });
      w.missingClient('WUAHandler.log');
      return {
        machines: [w.client],
        findings: [
          { flow: 'scan', key: lower(a.job), status: 'unproven' },
          { flow: 'scan', key: lower(b.job), status: 'unproven' },
          {
            flow: 'location',
            key: lower(a.locationRequest!),
            status: 'unproven',
            why: 'WUAHandler adding the update source is required and its log is missing',
          },
        ],
      };
    },
  ),
  scenario(
    'scan-wuahandler-only',
    true,
    "Only WUAHandler.log and WindowsUpdate.log were collected (no ScanAgent.log): three healthy scans, Windows Defender failing in between. Nothing failed; Scan Agent's request is unproven.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 30 * SEC });
      otherCaller(w, a.end + 60 * SEC, 'Windows Defender', '0x8024402C');
      const b = scanJob(w, a.end + 3 * MIN, { online: false, searchMs: 4 * SEC });
      const c = scanJob(w, b.end + 4 * HOUR, { searchMs: 50 * SEC });
      w.missingClient('ScanAgent.log');
      return {
        machines: [w.client],
        findings: [a, b, c].map((r) => ({
          flow: 'scan',
          at: iso(r.handlerStarts[0]),
          status: 'unproven' as const,
          noError: true,
        })),
        counts: { scan: 3 },
      };
    },
  ),
  scenario(
    'scan-wuahandler-only-failure',
    true,
    'Only WUAHandler.log and WindowsUpdate.log: a scan fails with 0x80072EE2 (HTTP timeout), the next one an hour later succeeds. Nothing says the second is the first one\'s retry (ScanAgent.log is missing), but the failure did not last: recovered, not broken (with ScanAgent.log the retry is the same job, "complete after a failure it recovered from"; a folder missing that log must not turn it into an alarm).',
    (seed) => {
      const w = world(seed, { clientBias: -60 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 60 * SEC, failCode: '0x80072EE2' });
      const b = scanJob(w, a.end + HOUR, { searchMs: 20 * SEC });
      w.missingClient('ScanAgent.log');
      return {
        machines: [w.client],
        findings: [
          { flow: 'scan', at: iso(a.handlerStarts[0]), status: 'complete', code: '0x80072EE2', recovered: true },
          { flow: 'scan', at: iso(b.handlerStarts[0]), status: 'unproven', noError: true },
        ],
        counts: { scan: 2 },
      };
    },
  ),
  scenario(
    'scan-wuahandler-only-fails-twice',
    false,
    'Only WUAHandler.log and WindowsUpdate.log: a scan fails with 0x80072EE2, the next one an hour later fails with 0x80244021. Neither recovered: both broken, each with its own code.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 60 * SEC, failCode: '0x80072EE2' });
      const b = scanJob(w, a.end + HOUR, { searchMs: 20 * SEC, failCode: '0x80244021' });
      w.missingClient('ScanAgent.log');
      return {
        machines: [w.client],
        findings: [
          { flow: 'scan', at: iso(a.handlerStarts[0]), status: 'broken', code: '0x80072EE2' },
          { flow: 'scan', at: iso(b.handlerStarts[0]), status: 'broken', code: '0x80244021' },
        ],
        counts: { scan: 2 },
      };
    },
  ),
  scenario(
    'scan-wuahandler-only-other-machine-succeeds',
    false,
    "Two clients side by side without ScanAgent.log: A's scan fails with 0x80244021, B's scan an hour later succeeds. B's success is not A's recovery.",
    (seed) => {
      const a = world(seed, { clientBias: 300, clientFolder: 'client-a' });
      const t = startOf(a);
      const b = world(seed + 1, { clientBias: 300, clientFolder: 'client-b' });
      wuStartup(b, t - 2 * HOUR);
      const ra = scanJob(a, t, { searchMs: 20 * SEC, failCode: '0x80244021' });
      const rb = scanJob(b, ra.end + HOUR, { searchMs: 25 * SEC });
      a.missingClient('ScanAgent.log');
      b.missingClient('ScanAgent.log');
      return {
        machines: [a.client, b.client],
        findings: [
          { flow: 'scan', at: iso(ra.handlerStarts[0]), status: 'broken', code: '0x80244021' },
          { flow: 'scan', at: iso(rb.handlerStarts[0]), status: 'unproven', noError: true },
        ],
        counts: { scan: 2 },
      };
    },
  ),
  scenario(
    'scan-retry-recovers-no-wuahandler',
    true,
    'WUAHandler.log missing: the scan job fails with 0x80244021 (ScanAgent.log, WindowsUpdate.log), its retry 30 minutes later completes ("Scan completed successfully" in ScanAgent.log): recovered, not broken.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { failCode: '0x80244021', retries: ['ok'], searchMs: 12 * SEC });
      w.missingClient('WUAHandler.log');
      return {
        machines: [w.client],
        findings: [{ flow: 'scan', key: lower(a.job), status: 'complete', recovered: true, code: '0x80244021' }],
      };
    },
  ),
  scenario(
    'scan-first-scan-75min',
    true,
    'The first scan against a new WSUS with a large catalogue: the Windows Update Agent search takes 75 minutes.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, newSource: true, searchMs: 75 * MIN, statuses: true });
      clientNoise(w, t - HOUR, t + 3 * HOUR);
      return {
        machines: [w.client],
        findings: [{ flow: 'location', key: lower(a.locationRequest!), status: 'complete' }, scanOk(a)],
      };
    },
  ),
  scenario(
    'scan-first-scan-4h',
    true,
    'A first scan on an old client with a huge catalogue: the Windows Update Agent search takes 3 h 45 min, then the scan completes (it was called stalled after 2 hours).',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, newSource: true, searchMs: 225 * MIN, statuses: true });
      clientNoise(w, t - HOUR, t + 6 * HOUR);
      return {
        machines: [w.client],
        findings: [{ flow: 'location', key: lower(a.locationRequest!), status: 'complete' }, scanOk(a)],
      };
    },
  ),
  scenario(
    'two-clients-one-fails',
    false,
    "Logs of two clients collected side by side (client-a/, client-b/): at the same minute, A's scan fails with 0x80244021 and B's succeeds.",
    (seed) => {
      const a = world(seed, { clientBias: 300, clientFolder: 'client-a' });
      const t = startOf(a);
      const b = world(seed + 1, { clientBias: 300, clientFolder: 'client-b' });
      wuStartup(b, t - 2 * HOUR); // startOf wrote client A's service block
      const ra = scanJob(a, t, { searchMs: 20 * SEC, failCode: '0x80244021' });
      const rb = scanJob(b, t + 15 * SEC, { searchMs: 25 * SEC });
      return {
        machines: [a.client, b.client],
        findings: [
          { flow: 'scan', key: lower(ra.job), status: 'broken', code: '0x80244021' },
          {
            flow: 'scan',
            key: lower(rb.job),
            status: 'complete',
            noError: true,
            why: "another machine's failure is not this one's",
          },
        ],
      };
    },
  ),
  scenario(
    'scan-rollover-stamped',
    true,
    'ScanAgent.log rolled over (ScanAgent-YYYYMMDD-HHMMSS.log, LogMaxHistory 2) and WUAHandler.lo_ in the middle of a scan job waiting for its location: one job, complete.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      w.configure({
        rollovers: {
          'ScanAgent.log': { atUtc: t + 90 * SEC, style: 'stamped' },
          'WUAHandler.log': { atUtc: t + 5 * MIN, style: 'lo_' },
        },
      });
      const a = scanJob(w, t, { location: { replyMs: 3 * MIN }, newSource: true, searchMs: 3 * MIN });
      const b = scanJob(w, a.end + 20 * MIN, { searchMs: 10 * SEC });
      return {
        machines: [w.client],
        findings: [{ flow: 'location', key: lower(a.locationRequest!), status: 'complete' }, scanOk(a), scanOk(b)],
        counts: { scan: 2, location: 1 },
      };
    },
  ),
  scenario(
    'scan-out-of-order',
    true,
    'WUAHandler writes the search start before Scan Agent writes "successfully requested Scan" (same call, real order), and threads flush out of order within files.',
    (seed) => {
      const w = world(seed, { clientBias: 300, threadJitter: 0.5 });
      const t = startOf(w);
      const a = scanJob(w, t, { location: {}, handlerFirst: true, searchMs: 9 * SEC, statuses: true });
      const b = scanJob(w, a.end + 30 * MIN, { handlerFirst: true, searchMs: 2 * SEC });
      return {
        machines: [w.client],
        findings: [{ flow: 'location', key: lower(a.locationRequest!), status: 'complete' }, scanOk(a), scanOk(b)],
      };
    },
  ),
  scenario(
    'scan-collected-mid-search',
    true,
    'The logs were collected 5 minutes into a 20-minute online search (a slow WSUS): the scan is not finished, and not broken.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const a = scanJob(w, t, { searchMs: 20 * MIN, cutAfterMs: 5 * MIN });
      return { machines: [w.client], findings: [{ flow: 'scan', key: lower(a.job), status: 'incomplete' }] };
    },
  ),
];

// ---------------------------------------------------------------------------------------------------
// State messages

const STATE: Scenario[] = [
  scenario(
    'statemsg-cycles-with-server',
    true,
    'Four 15-minute state message uploads, relayed by a co-located MP and processed by StateSys on a site server in another time zone.',
    (seed) => {
      const w = world(seed, { clientBias: 300, serverBias: -60, mpBias: -60 });
      const t = startOf(w);
      const ups = stateCycle(w, t, t + 60 * MIN, { server: {} });
      return {
        machines: [w.client, w.server, w.mp],
        findings: [
          ...ups.map((u) => ({ flow: 'stateMessages', at: iso(u.forwarded), status: 'complete' as const })),
          ...ups.map((u) => ({ flow: 'stateSystem', at: iso(u.stateSys!), status: 'complete' as const })),
        ],
      };
    },
  ),
  scenario(
    'statemsg-delivery-fails',
    false,
    'One upload cannot be delivered (MP answers 503, 0x87D00231); the next one, 15 minutes later, is delivered.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const bad = stateUpload(w, t, { deliveryError: '0x87d00231' });
      const good = stateUpload(w, t + 15 * MIN);
      return {
        machines: [w.client],
        findings: [
          { flow: 'stateMessages', at: iso(bad.forwarded), status: 'broken', code: '0x87D00231' },
          { flow: 'stateMessages', at: iso(good.forwarded), status: 'complete', noError: true },
        ],
      };
    },
  ),
  scenario(
    'statemsg-burst-one-fails',
    false,
    'High-priority state messages right after an enforcement are forwarded at once, 40 seconds apart: the first upload cannot be delivered (0x87D00231), the second is.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const bad = stateUpload(w, t, { deliveryError: '0x87d00231' });
      const good = stateUpload(w, t + 40 * SEC);
      return {
        machines: [w.client],
        findings: [
          { flow: 'stateMessages', at: iso(bad.forwarded), status: 'broken', code: '0x87D00231' },
          {
            flow: 'stateMessages',
            at: iso(good.forwarded),
            status: 'complete',
            noError: true,
            why: 'each upload is its own CcmMessaging message (its GUID)',
          },
        ],
        counts: { stateMessages: 2 },
      };
    },
  ),
  scenario(
    'statesys-invalid-records',
    false,
    'StateSys processes two batches; the second has invalid records.',
    (seed) => {
      const w = world(seed, { clientBias: 300, serverBias: 0 });
      const t = startOf(w);
      const a = stateUpload(w, t, { server: {} });
      const b = stateUpload(w, t + 40 * MIN, { server: { invalidRecords: 3 }, messages: 9 });
      return {
        machines: [w.client, w.server, w.mp],
        findings: [
          { flow: 'stateSystem', at: iso(a.stateSys!), status: 'complete' },
          { flow: 'stateSystem', at: iso(b.stateSys!), status: 'broken' },
          { flow: 'stateMessages', at: iso(a.forwarded), status: 'complete' },
          {
            flow: 'stateMessages',
            at: iso(b.forwarded),
            status: ['complete', 'broken'],
            why: "the client delivered it; whether the server-side fault shows here is the engine's choice",
          },
        ],
      };
    },
  ),
  scenario(
    'statemsg-ccmmessaging-missing',
    true,
    'StateMessage.log shows the uploads but CcmMessaging.log was not collected: unproven, not broken.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const ups = stateCycle(w, t, t + 30 * MIN);
      w.missingClient('CcmMessaging.log');
      return {
        machines: [w.client],
        findings: ups.map((u) => ({ flow: 'stateMessages', at: iso(u.forwarded), status: 'unproven' as const })),
      };
    },
  ),
  scenario(
    'statemsg-remote-mp',
    true,
    'A remote management point in a third time zone: MP_Relay, MPFDM moving the SMX file, StateSys on the site server.',
    (seed) => {
      const w = world(seed, { clientBias: 300, serverBias: -60, mpBias: 480 });
      const t = startOf(w);
      const ups = stateCycle(w, t, t + 31 * MIN, { server: { remoteMp: true } });
      return {
        machines: [w.client, w.server, w.mp],
        findings: [
          ...ups.map((u) => ({ flow: 'stateMessages', at: iso(u.forwarded), status: 'complete' as const })),
          ...ups.map((u) => ({ flow: 'stateSystem', at: iso(u.stateSys!), status: 'complete' as const })),
        ],
      };
    },
  ),
];

// ---------------------------------------------------------------------------------------------------
// Deployments, downloads, restarts and service windows

const DEPLOY: Scenario[] = [
  scenario(
    'deploy-single-reboot',
    true,
    "The seed's story: deployment policy, deadline, detection, three downloads, install, restart that ignores the maintenance window, detection after it.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      serviceWindows(w, t - 5 * HOUR, SEED_WINDOWS);
      const d = deployment(w, t, { updates: makeUpdates(w, 3), policy: true, ignoreWindow: true });
      serviceWindowCheck(w, d.notifyReboot! + 100, false);
      restartAndDetect(w, d.end + 3 * MIN, [d]);
      return {
        machines: [w.client],
        findings: [
          { flow: 'deployment', key: lower(d.assignment), status: 'complete' },
          ...d.contentJobs.map((j) => ({ flow: 'contentDownload', key: lower(j.ctmJob), status: 'complete' as const })),
          { flow: 'restart', at: iso(d.notifyReboot!), status: 'complete' },
          { flow: 'serviceWindows', key: 'ServiceWindowManager', status: 'complete' },
        ],
      };
    },
  ),
  scenario(
    'deploy-two-one-install-fails',
    false,
    "Two deployments with the same deadline: A's three updates install (restart pending, then compliant); B's .NET update fails right after with 0x80070643.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const b1 = makeUpdates(w, 1, '2898857');
      const a = deployment(w, t, {
        updates: makeUpdates(w, 8)
          .filter((u) => u.kb !== '2898857')
          .slice(0, 3),
        ignoreWindow: true,
      });
      const b = deployment(w, t + 4 * SEC, {
        updates: b1,
        installNotBefore: a.end + 20 * SEC,
        installFail: { index: 0, code: '0x80070643' },
        ignoreWindow: true,
      });
      restartAndDetect(w, b.end + 25 * MIN, [a]);
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'deployment',
            key: lower(a.assignment),
            status: 'complete',
            noError: true,
            why: "an installed deployment is not broken by another deployment's install error",
          },
          { flow: 'deployment', key: lower(b.assignment), status: 'broken', code: '0x80070643' },
          ...[...a.contentJobs, ...b.contentJobs].map((j) => ({
            flow: 'contentDownload',
            key: lower(j.ctmJob),
            status: 'complete' as const,
          })),
        ],
      };
    },
  ),
  scenario(
    'deploy-three-interleaved',
    true,
    'Three deployments at one deadline, five contents downloading side by side, installs one after another, one shared restart.',
    (seed) => {
      const w = world(seed, { clientBias: -60 });
      const t = startOf(w);
      const a = deployment(w, t, { updates: makeUpdates(w, 2), ignoreWindow: true });
      const b = deployment(w, t + 2 * SEC, {
        updates: makeUpdates(w, 2),
        ignoreWindow: true,
        installNotBefore: a.end + 10 * SEC,
      });
      const c = deployment(w, t + 5 * SEC, {
        updates: makeUpdates(w, 1),
        ignoreWindow: true,
        installNotBefore: b.end + 10 * SEC,
      });
      restartAndDetect(w, c.end + 10 * MIN, [a, b, c]);
      const all = [a, b, c];
      return {
        machines: [w.client],
        findings: [
          ...all.map((d) => ({
            flow: 'deployment',
            key: lower(d.assignment),
            status: 'complete' as const,
            noError: true,
          })),
          ...all
            .flatMap((d) => d.contentJobs)
            .map((j) => ({ flow: 'contentDownload', key: lower(j.ctmJob), status: 'complete' as const })),
        ],
        counts: { deployment: 3, contentDownload: 5 },
      };
    },
  ),
  scenario(
    'same-update-two-deployments-first-download-404',
    false,
    "The same update in two deployments a day apart: the first deployment's download gets HTTP 404 (the content was not yet on the distribution point), the second deployment downloads it and installs. Each CTM job and each deployment is judged by its own lines, not by the other's through the content ID they share.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const [u] = makeUpdates(w, 1);
      const first = deployment(w, t, { updates: [u], content: [{ failure: 'http404' }], ignoreWindow: true });
      const second = deployment(w, t + 26 * HOUR, { updates: [u], ignoreWindow: true, reboot: false });
      return {
        machines: [w.client],
        findings: [
          { flow: 'contentDownload', key: lower(first.contentJobs[0].ctmJob), status: 'broken', code: '0x80190194' },
          { flow: 'contentDownload', key: lower(second.contentJobs[0].ctmJob), status: 'complete', noError: true },
          { flow: 'deployment', key: lower(first.assignment), status: 'broken' },
          { flow: 'deployment', key: lower(second.assignment), status: 'complete', noError: true },
        ],
      };
    },
  ),
  scenario(
    'content-one-of-four-404',
    false,
    'A deployment of four updates: three contents download, the fourth gets HTTP 404 from the distribution point (0x80190194).',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const d = deployment(w, t, {
        updates: makeUpdates(w, 4),
        content: [{}, {}, { failure: 'http404' }, {}],
        ignoreWindow: true,
      });
      return {
        machines: [w.client],
        findings: [
          ...d.contentJobs.map((j, i) =>
            i === 2
              ? { flow: 'contentDownload', key: lower(j.ctmJob), status: 'broken' as const, code: '0x80190194' }
              : { flow: 'contentDownload', key: lower(j.ctmJob), status: 'complete' as const, noError: true },
          ),
          { flow: 'deployment', key: lower(d.assignment), status: 'broken' },
        ],
      };
    },
  ),
  scenario(
    'content-3h-download',
    true,
    'A 600 MB cumulative update downloads over a slow link for 3 hours (BITS progress every few minutes), then installs.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const [u] = makeUpdates(w, 1);
      u.size = 600_000_000;
      const d = deployment(w, t, {
        updates: [u],
        content: [{ downloadMs: 3 * HOUR }],
        ignoreWindow: true,
        reboot: false,
      });
      return {
        machines: [w.client],
        findings: [
          { flow: 'contentDownload', key: lower(d.contentJobs[0].ctmJob), status: 'complete' },
          { flow: 'deployment', key: lower(d.assignment), status: 'complete' },
        ],
      };
    },
  ),
  scenario(
    'content-transient-bits-error',
    true,
    'BITS hits a transient network error (0x80072EE2) halfway through a 25-minute download, retries by itself and completes.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const d = deployment(w, t, {
        updates: makeUpdates(w, 2),
        content: [{ downloadMs: 25 * MIN, transientError: true }, {}],
        ignoreWindow: true,
        reboot: false,
      });
      return {
        machines: [w.client],
        findings: [
          { flow: 'contentDownload', key: lower(d.contentJobs[0].ctmJob), status: 'complete', recovered: true },
          { flow: 'contentDownload', key: lower(d.contentJobs[1].ctmJob), status: 'complete', noError: true },
          {
            flow: 'deployment',
            key: lower(d.assignment),
            status: 'complete',
            recovered: true,
            why: 'its download recovered from a transient error',
          },
        ],
      };
    },
  ),
  featureUpdateDownload(
    'content-27h-download',
    27,
    'A 3.5 GB feature update trickles over a throttled VPN for 27 hours (past a day), BITS progress every few minutes, then CAS checks its hash and it installs.',
    'the hash check after a download of more than a day is still its own',
  ),
  featureUpdateDownload(
    'content-9h-download',
    9,
    'A 3.5 GB feature update downloads over a VPN for 9 hours, BITS progress every few minutes, then installs.',
    'a download still progressing has not stalled',
  ),
  scenario(
    'deploy-restart-two-days-later',
    true,
    'A laptop user postpones the restart for two days; the detection after it reports the updates installed.',
    (seed) => {
      const w = world(seed, { clientBias: 360 });
      const t = startOf(w);
      const d = deployment(w, t, { updates: makeUpdates(w, 2), ignoreWindow: false });
      restartAndDetect(w, d.end + 49 * HOUR, [d], { userRestart: true });
      return {
        machines: [w.client],
        findings: [
          { flow: 'deployment', key: lower(d.assignment), status: 'complete' },
          { flow: 'restart', at: iso(d.notifyReboot!), status: 'complete' },
        ],
      };
    },
  ),
  scenario(
    'content-hash-mismatch',
    false,
    'The content downloads but its hash does not match (0x80091007).',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const d = deployment(w, t, {
        updates: makeUpdates(w, 2),
        content: [{}, { failure: 'hash' }],
        ignoreWindow: true,
      });
      return {
        machines: [w.client],
        findings: [
          { flow: 'contentDownload', key: lower(d.contentJobs[0].ctmJob), status: 'complete', noError: true },
          { flow: 'contentDownload', key: lower(d.contentJobs[1].ctmJob), status: 'broken' },
          { flow: 'deployment', key: lower(d.assignment), status: 'broken' },
        ],
      };
    },
  ),
  scenario(
    'deploy-no-reboot',
    true,
    'Updates that need no restart: installed and compliant at once; no restart request.',
    (seed) => {
      const w = world(seed, { clientBias: 0 });
      const t = startOf(w);
      const d = deployment(w, t, { updates: makeUpdates(w, 2), reboot: false, ignoreWindow: true });
      return {
        machines: [w.client],
        findings: [{ flow: 'deployment', key: lower(d.assignment), status: 'complete' }],
        counts: { restart: 0 },
      };
    },
  ),
  scenario(
    'deploy-dts-log-missing',
    true,
    'A deployment that installed and reported compliance, but DataTransferService.log was not collected: the download steps are unproven.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const d = deployment(w, t, { updates: makeUpdates(w, 2), reboot: false, ignoreWindow: true });
      w.missingClient('DataTransferService.log');
      return {
        machines: [w.client],
        findings: [
          ...d.contentJobs.map((j) => ({ flow: 'contentDownload', key: lower(j.ctmJob), status: 'unproven' as const })),
          { flow: 'deployment', key: lower(d.assignment), status: 'unproven' },
        ],
      };
    },
  ),
  scenario(
    'deploy-rollover-restart-next-day',
    true,
    'The user postpones the restart for 7 hours; UpdatesDeployment.log rolls over (.lo_) and CAS.log rolls over (stamped) in between.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      w.configure({
        rollovers: {
          'UpdatesDeployment.log': { atUtc: t + 3 * HOUR, style: 'lo_' },
          'CAS.log': { atUtc: t + 30 * SEC, style: 'stamped' },
        },
      });
      const d = deployment(w, t, { updates: makeUpdates(w, 3), ignoreWindow: false });
      restartAndDetect(w, d.end + 7 * HOUR, [d], { userRestart: true });
      return {
        machines: [w.client],
        findings: [
          { flow: 'deployment', key: lower(d.assignment), status: 'complete' },
          ...d.contentJobs.map((j) => ({ flow: 'contentDownload', key: lower(j.ctmJob), status: 'complete' as const })),
        ],
        counts: { deployment: 1 },
      };
    },
  ),
  scenario(
    'deploy-restart-in-window',
    true,
    'The restart happens inside the collection maintenance window (Ignore reboot Window = False), the user clicks Restart.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      serviceWindows(w, t - 2 * HOUR, SEED_WINDOWS);
      const d = deployment(w, t, { updates: makeUpdates(w, 1), ignoreWindow: false });
      serviceWindowCheck(w, d.notifyReboot! + 50, true);
      restartAndDetect(w, d.end + 20 * MIN, [d], { userRestart: true });
      return {
        machines: [w.client],
        findings: [
          { flow: 'deployment', key: lower(d.assignment), status: 'complete' },
          { flow: 'restart', at: iso(d.notifyReboot!), status: 'complete' },
          { flow: 'serviceWindows', key: 'ServiceWindowManager', status: 'complete' },
        ],
      };
    },
  ),
  scenario(
    'deploy-across-dst',
    true,
    "Installation at bias +300, restart after the switch to daylight saving time (+240): the client's bias changes inside its logs.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      w.configure({ clientBiasChange: { atUtc: t + 40 * MIN, to: 240 } });
      const d = deployment(w, t, { updates: makeUpdates(w, 2), ignoreWindow: true });
      restartAndDetect(w, d.end + 50 * MIN, [d]);
      return { machines: [w.client], findings: [{ flow: 'deployment', key: lower(d.assignment), status: 'complete' }] };
    },
  ),
  scenario(
    'svcwindow-bad-schedule',
    false,
    'ServiceWindowManager cannot read one window\'s schedule ("Failed to initialize ServiceWindowSchedule instance from schedule string"): that window does not work.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      serviceWindows(w, t, [
        {
          id: '7cb56688-692f-4fae-b398-0e3ff4413adb',
          schedule: '02C159C0381A200002C159C0381B200002C159C0381C200002C159C0381D200002C159C0381E2000',
          type: 6,
          badSchedule: true,
        },
        ...SEED_WINDOWS,
      ]);
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'serviceWindows',
            key: 'ServiceWindowManager',
            status: 'broken',
            why: 'a service window whose schedule failed to initialise is not healthy',
          },
        ],
      };
    },
  ),
  scenario(
    'two-clients-same-deployment-one-fails',
    false,
    "Logs of two clients collected side by side (client-a/, client-b/) for the same deployment (one assignment, the same update and content IDs): A's .NET update fails to install with 0x80070643, B installs it seven minutes later and restarts. Each machine's verdict from its own logs.",
    (seed) => {
      const a = world(seed, { clientBias: 300, clientFolder: 'client-a' });
      const t = startOf(a);
      const b = world(seed + 1, { clientBias: 300, clientFolder: 'client-b' });
      wuStartup(b, t - 2 * HOUR); // startOf wrote client A's service block
      const updates = makeUpdates(a, 1, '2898857');
      const assignment = a.rng.guid();
      const da = deployment(a, t, {
        assignment,
        updates,
        ignoreWindow: true,
        installFail: { index: 0, code: '0x80070643' },
      });
      const db = deployment(b, t + 7 * MIN, { assignment, updates, ignoreWindow: true });
      restartAndDetect(b, db.end + 5 * MIN, [db]);
      return {
        machines: [a.client, b.client],
        findings: [
          { flow: 'deployment', key: lower(da.assignment), machine: 'client-a', status: 'broken', code: '0x80070643' },
          {
            flow: 'deployment',
            key: lower(db.assignment),
            machine: 'client-b',
            status: 'complete',
            noError: true,
            why: "another machine's failure is not this one's, nor this one's success the other's",
          },
        ],
        counts: { deployment: 2 },
      };
    },
  ),
  scenario(
    'deploy-waits-3-days-for-window',
    true,
    'The deadline finds no maintenance window open ("No current service window available..."): the updates download at once and install when the Saturday-night window opens three days later, then restart.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      serviceWindows(w, t - 2 * HOUR, SEED_WINDOWS);
      const opens = t + 3 * 24 * HOUR + 7 * HOUR;
      const d = deployment(w, t, { updates: makeUpdates(w, 2), ignoreWindow: false, windowOpensAt: opens });
      restartAndDetect(w, d.end + 10 * MIN, [d]);
      return {
        machines: [w.client],
        findings: [
          { flow: 'deployment', key: lower(d.assignment), status: 'complete', noError: true },
          ...d.contentJobs.map((j) => ({ flow: 'contentDownload', key: lower(j.ctmJob), status: 'complete' as const })),
        ],
      };
    },
  ),
  scenario(
    'deploy-collected-waiting-for-window',
    true,
    'The same deployment, its logs collected 30 hours after the deadline while the client still waits for its maintenance window: waiting, not broken, and the finding says so.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      serviceWindows(w, t - 2 * HOUR, SEED_WINDOWS);
      const d = deployment(w, t, { updates: makeUpdates(w, 2), ignoreWindow: false, windowOpensAt: t + 3 * 24 * HOUR });
      w.collectAt(t + 30 * HOUR);
      return {
        machines: [w.client],
        findings: [
          {
            flow: 'deployment',
            key: lower(d.assignment),
            status: 'incomplete',
            says: ['waiting for a maintenance window', 'No current service window available'],
            noError: true,
          },
          ...d.contentJobs.map((j) => ({ flow: 'contentDownload', key: lower(j.ctmJob), status: 'complete' as const })),
        ],
      };
    },
  ),
  scenario(
    'deploy-one-overrides-window-one-waits',
    true,
    'Two deployments with the same deadline: A may install outside maintenance windows and installs at once; B may not and still waits for its window when the logs are collected 10 hours later. Nothing is broken; only B waits.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      serviceWindows(w, t - 2 * HOUR, SEED_WINDOWS);
      const a = deployment(w, t, { updates: makeUpdates(w, 2), ignoreWindow: true, reboot: false });
      const b = deployment(w, t + 4 * SEC, {
        updates: makeUpdates(w, 1),
        ignoreWindow: false,
        windowOpensAt: t + 2 * 24 * HOUR,
      });
      w.collectAt(t + 10 * HOUR);
      return {
        machines: [w.client],
        findings: [
          { flow: 'deployment', key: lower(a.assignment), status: 'complete', noError: true },
          {
            flow: 'deployment',
            key: lower(b.assignment),
            status: 'incomplete',
            says: ['waiting for a maintenance window'],
          },
        ],
      };
    },
  ),
  scenario(
    'svcwindow-refresh-ok',
    true,
    "The seed's service window list, refreshed twice (policy change), every schedule readable.",
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      serviceWindows(w, t, SEED_WINDOWS);
      serviceWindows(w, t + 3 * HOUR, SEED_WINDOWS.slice(1));
      serviceWindowCheck(w, t + 4 * HOUR, false);
      return {
        machines: [w.client],
        findings: [{ flow: 'serviceWindows', key: 'ServiceWindowManager', status: 'complete' }],
      };
    },
  ),
];

// ---------------------------------------------------------------------------------------------------
// Mixed: a whole site server and client

const MIXED: Scenario[] = [
  scenario(
    'day-in-the-life',
    true,
    'A normal day on a site server (UTC+1) and a client (UTC-5): syncs of 4 min and 1 h, hourly WCM, scans, state messages every 15 minutes with StateSys, a deployment with restart, Defender and AU searches.',
    (seed) => {
      const w = world(seed, { clientBias: 300, serverBias: -60, mpBias: -60, threadJitter: 0.1 });
      const t = startOf(w, 6);
      wcmHourly(w, t - 30 * MIN, t + 12 * HOUR);
      const s1 = syncRun(w, t, { trigger: 'schedule', wsusMs: 4 * MIN, dbMs: 2 * MIN });
      const s2 = syncRun(w, t + 6 * HOUR, { trigger: 'manual', wsusMs: HOUR, dbMs: 8 * MIN });
      clientNoise(w, t, t + 12 * HOUR);
      serviceWindows(w, t + 10 * MIN, SEED_WINDOWS);
      const scans = [
        scanJob(w, t + 40 * MIN, { location: {}, statuses: true }),
        scanJob(w, t + 4 * HOUR, {}),
        scanJob(w, t + 8 * HOUR, { location: {}, statuses: true }),
      ];
      otherCaller(w, t + 50 * MIN, 'Windows Defender');
      otherCaller(w, t + 5 * HOUR, 'AutomaticUpdates');
      const ups = stateCycle(w, t + 45 * MIN, t + 2 * HOUR, { server: {} });
      const d = deployment(w, t + 9 * HOUR, { updates: makeUpdates(w, 3), policy: true, ignoreWindow: true });
      restartAndDetect(w, d.end + 15 * MIN, [d]);
      return {
        machines: [w.server, w.client, w.mp],
        findings: [
          { flow: 'sync', ...syncAt(s1), status: 'complete' },
          { flow: 'sync', ...syncAt(s2), status: 'complete' },
          ...scans.map((s) => scanOk(s)),
          ...ups.map((u) => ({ flow: 'stateMessages', at: iso(u.forwarded), status: 'complete' as const })),
          { flow: 'deployment', key: lower(d.assignment), status: 'complete' },
        ],
      };
    },
  ),
  scenario(
    'tz-far-apart',
    true,
    'Site server at UTC+5:30 (bias -330), client at UTC-8 (bias +480), WindowsUpdate.log in client local time without a zone: sync, scan with location, uploads processed by StateSys.',
    (seed) => {
      const w = world(seed, { clientBias: 480, serverBias: -330, mpBias: -330 });
      const t = startOf(w);
      const s = syncRun(w, t, { trigger: 'schedule', wsusMs: 9 * MIN, dbMs: 3 * MIN });
      const a = scanJob(w, s.end + 20 * MIN, { location: {}, statuses: true });
      const ups = stateCycle(w, a.end + 2 * MIN, a.end + 40 * MIN, { server: {} });
      return {
        machines: [w.server, w.client, w.mp],
        findings: [
          { flow: 'sync', ...syncAt(s), status: 'complete' },
          { flow: 'location', key: lower(a.locationRequest!), status: 'complete' },
          scanOk(a),
          ...ups.map((u) => ({ flow: 'stateMessages', at: iso(u.forwarded), status: 'complete' as const })),
          ...ups.map((u) => ({ flow: 'stateSystem', at: iso(u.stateSys!), status: 'complete' as const })),
        ],
      };
    },
  ),
  scenario(
    'downloads-interleaved-standalone',
    true,
    'Four content downloads requested at once outside a deployment story (the content log set only): each CTM job completes.',
    (seed) => {
      const w = world(seed, { clientBias: 300 });
      const t = startOf(w);
      const jobs = makeUpdates(w, 4).map((u, i) => contentJob(w, t + i * 700, u, { downloadMs: (10 + i * 40) * SEC }));
      return {
        machines: [w.client],
        findings: jobs.map((j) => ({
          flow: 'contentDownload',
          key: lower(j.ctmJob),
          status: 'complete' as const,
          noError: true,
        })),
        counts: { contentDownload: 4 },
      };
    },
  ),
];

export const SCENARIOS: Scenario[] = [...SYNC, ...SCAN, ...STATE, ...DEPLOY, ...MIXED];
