// One content download is one CTM job. Two jobs download the same content (a failed download retried later as a
// new job, or the same update for two deployments): each is judged by its own lines. Through the content ID they
// share, a job used to take in the other's CTM job, DTS job and failures (150 of 500 downloads of the bench
// corpus cited another job's lines; a failed job was called recovered by its retry's success).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type Finding } from '../../server/src/core/diagnose/index';
import { parseText, type ParseResult } from '../../server/src/core/parse';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const BASE = Date.UTC(2024, 2, 12, 14, 0, 0);
const HOUR = 3600;

type Line = [seconds: number, message: string, type?: number];

function cmtrace(file: string, component: string, lines: Line[]): ParseResult {
  const text = [...lines]
    .sort((a, b) => a[0] - b[0])
    .map(([s, m, type = 1]) => {
      const d = new Date(BASE + s * 1000);
      const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+000`;
      const date = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${d.getUTCFullYear()}`;
      return `<![LOG[${m}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="${type}" thread="4242" file="">`;
    });
  return parseText(text.join('\r\n'), file);
}

const CONTENT = '5d5e5a8f-0c8e-4e2a-9b1d-2f9d8f6a1c01';
const URL = `http://dp1.contoso.com/SMS_DP_SMSPKG$/${CONTENT}`;

interface Job {
  ctm: string;
  dts: string;
  ls: string;
  at: number;
  ok: boolean;
}

const JOB_A: Job = {
  ctm: 'a1a1a1a1-1111-4111-8111-111111111111',
  dts: 'a2a2a2a2-2222-4222-8222-222222222222',
  ls: 'a3a3a3a3-3333-4333-8333-333333333333',
  at: 0,
  ok: false,
};
const JOB_B: Job = {
  ctm: 'b1b1b1b1-1111-4111-8111-111111111111',
  dts: 'b2b2b2b2-2222-4222-8222-222222222222',
  ls: 'b3b3b3b3-3333-4333-8333-333333333333',
  at: 2 * HOUR,
  ok: true,
};

/** The lines one job writes to CAS.log, ContentTransferManager.log, LocationServices.log and DataTransferService.log. */
function linesOf(job: Job): { cas: Line[]; ctm: Line[]; ls: Line[]; dts: Line[] } {
  const t = job.at;
  const c = `${CONTENT}.1`;
  const cas: Line[] = [
    [t, `Requesting content ${c}, size(KB) 5120, under context System with priority Medium`],
    [t + 6, `Submitted CTM job {${job.ctm}} to download Content ${c} under context System`],
  ];
  const ctm: Line[] = [
    [t + 4, `Starting CTM job {${job.ctm}}.`],
    [t + 5, `Queued location request '{${job.ls}}' for CTM job '{${job.ctm}}'.`],
    [
      t + 12,
      `CTM job {${job.ctm}} (corresponding DTS job {${job.dts}}) started download from '${URL}' for full content download.`,
    ],
  ];
  const ls: Line[] = [[t + 10, `Calling back with locations for location request {${job.ls}}`]];
  const dts: Line[] = [
    [t + 11, `DTSJob {${job.dts}} created to download from '${URL}' to 'C:\\Windows\\ccmcache\\4'.`],
    [t + 14, `DTSJob {${job.dts}} in state 'DownloadingData'.`],
  ];
  if (job.ok) {
    dts.push([t + 300, `DTSJob {${job.dts}} successfully completed download.`]);
    cas.push([t + 302, `Hash verification succeeded for content ${c} downloaded under context System`]);
  } else {
    dts.push([t + 60, `DTSJob {${job.dts}} in state 'Error'.`, 3]);
    ctm.push([t + 61, `CTM job {${job.ctm}} failed to download content, error 0x80190194`, 3]);
    cas.push([t + 62, `Download failed for content ${c} under context System, error 0x80190194`, 3]);
  }
  return { cas, ctm, ls, dts };
}

function folderOf(...jobs: Job[]): ParseResult[] {
  const all = jobs.map(linesOf);
  return [
    cmtrace(
      '/pc1/CAS.log',
      'ContentAccess',
      all.flatMap((j) => j.cas),
    ),
    cmtrace(
      '/pc1/ContentTransferManager.log',
      'ContentTransferManager',
      all.flatMap((j) => j.ctm),
    ),
    cmtrace(
      '/pc1/LocationServices.log',
      'LocationServices',
      all.flatMap((j) => j.ls),
    ),
    cmtrace(
      '/pc1/DataTransferService.log',
      'DataTransferService',
      all.flatMap((j) => j.dts),
    ),
  ];
}

const downloadOf = (findings: Finding[], job: Job): Finding => {
  const found = findings.filter((f) => f.flow === 'contentDownload' && f.key === job.ctm);
  assert.equal(found.length, 1, `one finding for CTM job ${job.ctm}: ${findings.map((f) => f.key).join(', ')}`);
  return found[0];
};

/** Every line a finding cites (steps, error, evidence) is one of this job's, or a content-only CAS line in its time. */
function citesOnly(finding: Finding, job: Job, other: Job): void {
  const cited = [...finding.steps.filter((s) => s.seen).map((s) => s.utc!), ...finding.evidence.map((e) => e.line)];
  assert.ok(cited.length > 0);
  for (const step of finding.steps.filter((s) => s.seen)) {
    const seconds = (Date.parse(step.utc!) - BASE) / 1000;
    assert.ok(
      seconds >= job.at && seconds < job.at + HOUR,
      `"${step.name}" cites a line at +${seconds} s: job ${other.ctm}'s, not this one's`,
    );
  }
}

test('a failed download retried later as a new CTM job: the failed job is broken, the retry complete, neither takes the other in', () => {
  const findings = diagnose(folderOf(JOB_A, JOB_B));
  const failed = downloadOf(findings, JOB_A);
  const retry = downloadOf(findings, JOB_B);
  assert.equal(failed.status, 'broken');
  assert.equal(failed.error?.code, '0x80190194');
  assert.notEqual(failed.error?.recovered, true, "the retry's success is not this job's");
  citesOnly(failed, JOB_A, JOB_B);
  assert.equal(retry.status, 'complete');
  assert.equal(retry.error, undefined, "the first job's failure is not the retry's");
  citesOnly(retry, JOB_B, JOB_A);
});

test('the other way round: a download that completed, then a later job of the same content that fails', () => {
  const first = { ...JOB_A, ok: true };
  const later = { ...JOB_B, ok: false };
  const findings = diagnose(folderOf(first, later));
  const done = downloadOf(findings, first);
  assert.equal(done.status, 'complete');
  assert.equal(done.error, undefined, "a later job's failure does not reach back into a finished download");
  citesOnly(done, first, later);
  const broken = downloadOf(findings, later);
  assert.equal(broken.status, 'broken');
  citesOnly(broken, later, first);
});

test('one job alone keeps every step and its content-only lines (the hash check, the CAS failure)', () => {
  const ok = downloadOf(diagnose(folderOf({ ...JOB_B, at: 0 })), JOB_B);
  assert.equal(ok.status, 'complete');
  assert.ok(ok.steps.find((s) => s.name.startsWith('Content Access Service verifies the hash'))?.seen);
  const failed = downloadOf(diagnose(folderOf(JOB_A)), JOB_A);
  assert.equal(failed.status, 'broken');
  assert.ok(failed.evidence.some((e) => e.file === '/pc1/CAS.log' && /Download failed for content/.test(e.text)));
});

// Without ContentTransferManager.log (a collection without it, or rolled away) the DTS jobs are the downloads: the
// content ID in the distribution point's URL ties each to CAS's hash check, and the management point's own DTS
// jobs (policy bodies, CI downloads: …/SMS_MP) are no downloads at all. Lines as in the real iOS-CMLogTracer
// DataTransferService.log (applications: …/SMS_DP_SMSPKG$/Content_<GUID>.1) and seed 000 (updates: …/<GUID>).
const APP_CONTENT = '0fb5d4cf-013a-449c-86db-ab1c80dbff51';
const DTS_CONTENT = '{594E9A72-43D1-48D1-A639-D18DF7D286A2}';
const DTS_POLICY = '{6007B9DE-31B8-4EE4-9892-578C7BF6B285}';
const DTS_CI = '{5172B3E0-F674-4F2D-8FAE-84BE45514E8C}';

function withoutCtm(url: string, content: string, bitsError: boolean): ParseResult[] {
  const dts = cmtrace('/pc9/DataTransferService.log', 'DataTransferService', [
    [
      0,
      `DTSJob ${DTS_POLICY} created to download from 'http://MP1.contoso.com:80/SMS_MP' to 'C:\\Windows\\CCM\\Temp'.`,
    ],
    [1, `DTSJob ${DTS_POLICY} in state 'DownloadingData'.`],
    [2, `DTSJob ${DTS_POLICY} successfully completed download.`],
    [
      3,
      `DTSJob ${DTS_CI} created to download from 'http://MP1.contoso.com:80/SMS_MP' to 'C:\\Windows\\CCM\\CIDownloader\\Staging'.`,
    ],
    [4, `DTSJob ${DTS_CI} in state 'DownloadingData'.`],
    [10, `DTSJob ${DTS_CONTENT} created to download from '${url}' to 'C:\\Windows\\ccmcache\\1'.`],
    [11, `Starting BITS download for DTS job '${DTS_CONTENT}'.`],
    [12, `DTSJob ${DTS_CONTENT} in state 'DownloadingData'.`],
    ...(bitsError
      ? ([
          [
            300,
            `CDTSJob::JobError: DTS Job ID='${DTS_CONTENT}' BITS Job ID='{1108F6E4-83C1-4ED5-AA75-BF4B31163925}' (ErrorContext=BG_ERROR_CONTEXT_REMOTE_FILE, ErrorCode=0x80072EE2)`,
            2,
          ],
        ] as Line[])
      : []),
    [900, `DTSJob ${DTS_CONTENT} successfully completed download.`],
    [901, `DTSJob ${DTS_CONTENT} in state 'NotifiedComplete'.`],
  ]);
  const cas = cmtrace('/pc9/CAS.log', 'ContentAccess', [
    [5, `Requesting content ${content}.1, size(KB) 8935, under context System with priority Medium`],
    [902, `Download completed for content ${content}.1 under context System`],
    [903, `Hash verification succeeded for content ${content}.1 downloaded under context System`],
  ]);
  return [dts, cas];
}

for (const [form, url, content] of [
  ['an update (seed 000)', `http://PR1SITE.CONTOSO.COM:80/SMS_DP_SMSPKG$/${CONTENT}`, CONTENT],
  ['an application (real log)', `http://AHS-SC-DP1.ad.uic.edu:80/SMS_DP_SMSPKG$/Content_${APP_CONTENT}.1`, APP_CONTENT],
] as const) {
  test(`without ContentTransferManager.log, ${form}: one download, tied to CAS's hash check; the MP's DTS jobs are none`, () => {
    const downloads = diagnose(withoutCtm(url, content, false)).filter((f) => f.flow === 'contentDownload');
    assert.deepEqual(
      downloads.map((f) => f.key),
      [DTS_CONTENT.slice(1, -1).toLowerCase()],
    );
    const [download] = downloads;
    assert.notEqual(download.status, 'broken');
    assert.notEqual(download.status, 'incomplete', download.summary);
    assert.ok(download.steps.find((s) => s.name.startsWith('Content Access Service verifies the hash'))?.seen);
  });

  test(`without ContentTransferManager.log, ${form}: a BITS error the DTS job recovered from is no failure`, () => {
    const [download] = diagnose(withoutCtm(url, content, true)).filter((f) => f.flow === 'contentDownload');
    assert.notEqual(download.status, 'broken', download.summary);
    assert.equal(download.error?.code, '0x80072EE2');
    assert.equal(download.error?.recovered, true);
  });
}
