// Deployment flows on the client: the deadline, the detection scan, the content download of each update
// (UpdatesHandler → CAS → CTM → LocationServices → DTS/BITS → hash check), the installation through WUAHandler
// and the Windows Update Agent, the restart and the detection after it; and the maintenance (service) windows.
// Lines are the seed's ([SUM] "Deployment Evaluation and Update Installation on Clients", "How to review
// ServiceWindowManager.log") as samples/client re-types them. Failure lines are the ones real clients write:
// CAS "Download failed for content … error 0x…", DTS "CDTSJob::JobError …" and "Status : FAILURE", WUAHandler
// "finished installing (0x80070643)", the WUA command line handler's "Return value = 0x00000643", and the
// ServiceWindowManager line of a schedule it cannot read (in ../shared/corpus/real ServiceWindowManager logs).
import { hms, localDate, MIN, SEC, usDateTime, wuTz, type Log } from './core';
import { scanJob } from './scan';
import type { World } from './world';

export interface Update {
  kb: string;
  title: string;
  /** Bundle update ID (lower case, as UpdatesDeployment writes it after SUM_). */
  id: string;
  rev: number;
  /** Child update = content ID. */
  content: string;
  file: string;
  size: number;
  hash: string;
}

const TITLES: Array<[string, string, string]> = [
  ['2705219', 'Security Update for Windows 7 for x64-based Systems (KB2705219)', 'windows6.1-kb2705219-v2-x64.cab'],
  ['2712808', 'Security Update for Windows 7 for x64-based Systems (KB2712808)', 'windows6.1-kb2712808-x64.cab'],
  ['2698365', 'Security Update for Windows 7 for x64-based Systems (KB2698365)', 'windows6.1-kb2698365-x64.cab'],
  ['2862152', 'Security Update for Windows 7 for x64-based Systems (KB2862152)', 'windows6.1-kb2862152-x64.cab'],
  [
    '2898857',
    'Security Update for Microsoft .NET Framework 4.5.1 on Windows 7 x64 (KB2898857)',
    'ndp45-kb2898857-x64.exe',
  ],
  ['2893294', 'Security Update for Windows 7 for x64-based Systems (KB2893294)', 'windows6.1-kb2893294-x64.cab'],
  ['2887069', 'Security Update for Windows 7 for x64-based Systems (KB2887069)', 'windows6.1-kb2887069-x64.cab'],
  [
    '2898785',
    'Cumulative Security Update for Internet Explorer 11 for Windows 7 for x64-based Systems (KB2898785)',
    'ie11-windows6.1-kb2898785-x64.cab',
  ],
];

/** `n` updates of the catalogue above, in a random order; `first` (a KB number) leads when given. */
export function makeUpdates(w: World, n: number, first?: string): Update[] {
  const shuffled = [...TITLES].sort(() => w.rng.next() - 0.5);
  const picked = first
    ? [...shuffled.filter(([kb]) => kb === first), ...shuffled.filter(([kb]) => kb !== first)].slice(0, n)
    : shuffled.slice(0, n);
  return picked.map(([kb, title, file]) => ({
    kb,
    title,
    file,
    id: w.rng.guid().toLowerCase(),
    rev: w.rng.int(100, 210),
    content: w.rng.guid().toLowerCase(),
    size: w.rng.int(150_000, 60_000_000),
    hash: w.rng.hex(40),
  }));
}

export interface ContentOptions {
  /** Download time (seconds on a LAN, hours for a large update over a slow link). */
  downloadMs?: number;
  failure?: 'http404' | 'hash';
  /** BITS hits a transient network error halfway and retries by itself (the download then completes). */
  transientError?: boolean;
  /** ccmcache folder number. */
  cacheDir?: number;
}

export interface ContentResult {
  ctmJob: string;
  dtsJob: string;
  end: number;
  ok: boolean;
}

const dts = (utc: number, bias: number) => {
  const d = localDate(utc, bias);
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()} ${hms(d)}`;
};

/** One content download: CAS → CTM → content location → DTS/BITS → hash check. */
export function contentJob(w: World, t0: number, u: Update, o: ContentOptions = {}): ContentResult {
  const rng = w.rng;
  const cas = w.c('CAS.log');
  const ctm = w.c('ContentTransferManager.log');
  const ls = w.c('LocationServices.log');
  const cm = w.c('CcmMessaging.log');
  const dt = w.c('DataTransferService.log');
  const ctmJob = rng.guid();
  const dtsJob = rng.guid();
  const lsRequest = rng.guid();
  const request = rng.guid();
  const bits = rng.guid();
  const dir = o.cacheDir ?? rng.int(1, 40);
  const c = `${u.content}.1`;
  const dpUrl = `http://${w.site.dp}/SMS_DP_SMSPKG$/${u.content}`;
  const main = rng.thread();
  const cb = rng.thread();
  let t = t0;
  const add = (log: typeof cas, msg: string, d: number, opts: { type?: 1 | 2 | 3; thread?: number } = {}) => {
    t += d;
    log.add(t, msg, { thread: main, ...opts });
    return t;
  };
  add(
    cas,
    `Requesting content ${c}, size(KB) ${Math.round(u.size / 1024)}, under context System with priority Medium`,
    0,
  );
  add(cas, 'Created and initialized a DownloadContentRequest', rng.int(2, 8));
  add(cas, `Target location for content ${c} is C:\\Windows\\ccmcache\\${dir}`, 1);
  add(cas, `CDownloadManager::RequestDownload ${c}.System`, 2);
  // CTM logs the job before CAS logs that it submitted it (the sample's order too).
  add(ctm, `Starting CTM job {${ctmJob}}.`, rng.int(5, 12));
  add(ctm, `Created CTM job {${ctmJob}} for user S-1-5-18`, 2);
  add(ctm, `CTM job {${ctmJob}} entered phase CCM_DOWNLOADSTATUS_DOWNLOADING_DATA`, 2);
  add(ctm, `Created and Sent Location Request '{${lsRequest}}' for package ${u.content}`, 3);
  add(ls, `Created filter for LS request {${lsRequest}}.`, 1);
  add(ctm, `Queued location request '{${lsRequest}}' for CTM job '{${ctmJob}}'.`, 1);
  add(ctm, `CCTMJob::EvaluateState(JobID={${ctmJob}}, State=RequestedLocations)`, 2);
  add(cas, `Submitted CTM job {${ctmJob}} to download Content ${c} under context System`, rng.int(3, 9));
  add(cas, `Successfully created download  request {${request}} for content ${c}`, 2);
  add(cas, `Created and submitted a new Content Request for ${c}.System`, 1);
  const msg = rng.guid();
  const reply = rng.guid();
  add(cm, `Sending async message '{${msg}}' to outgoing queue 'mp:[http]mp_locationmanager'`, rng.int(3, 20));
  add(cm, `Message '{${msg}}' got reply '{${reply}}' to local endpoint queue 'LS_ReplyLocations'`, rng.int(150, 900), {
    thread: cb,
  });
  add(
    cm,
    `OutgoingMessage(Queue='mp_[http]mp_locationmanager', ID={${msg}}): Delivered successfully to host '${w.site.mp}'.`,
    2,
    { thread: cb },
  );
  add(ls, 'Processing Location reply message', 6, { thread: cb });
  add(
    ls,
    `Distribution Point='${dpUrl}', Locality='LOCAL', DPTType='SERVER', Version='7958', Capabilities='<Capabilities SchemaVersion="1.0"><Property Name="SSLState" Value="0"/></Capabilities>', Signature='http://${w.site.dp}/SMS_DP_SMSSIG$/${u.content}.1.tar', ForestTrust='TRUE', `,
    2,
    { thread: cb },
  );
  add(ls, `Calling back with locations for location request {${lsRequest}}`, 2, { thread: cb });
  add(ctm, `CCTMJob::UpdateLocations({${ctmJob}})`, 2, { thread: cb });
  add(ctm, `Persisted location '${dpUrl}', Order 0, for CTM job {${ctmJob}}`, 3, { thread: cb });
  add(ctm, `Persisted locations for CTM job {${ctmJob}}:\n\t(LOCAL) ${dpUrl}`, 2, { thread: cb });
  const started = add(
    dt,
    `DTSJob {${dtsJob}} created to download from 'http://${w.site.dp}:80/SMS_DP_SMSPKG$/${u.content}' to 'C:\\Windows\\ccmcache\\${dir}'.`,
    6,
    { thread: cb },
  );
  add(
    ctm,
    `CTM job {${ctmJob}} (corresponding DTS job {${dtsJob}}) started download from '${dpUrl}' for full content download.`,
    3,
    { thread: cb },
  );
  add(cas, `Location update from CTM for content ${c} and request {${request}}`, 3);
  add(cas, `Download location found 0 - ${dpUrl}`, 2);
  add(cas, 'Download request only, ignoring location update', 1);
  add(cas, `Download started for content ${c}`, 8);
  add(dt, `DTSJob {${dtsJob}} in state 'DownloadingManifest'.`, 2, { thread: cb });
  add(dt, `CDTSJob::ProcessManifestCallback - processing manifest for job '{${dtsJob}}'.`, rng.int(50, 200), {
    thread: cb,
  });
  add(dt, `DTSJob {${dtsJob}} in state 'RetrievedManifest'.`, 3, { thread: cb });
  add(dt, `Execute called for DTS job '{${dtsJob}}'. Current state: 'RetrievedManifest'.`, 2, { thread: cb });
  add(dt, `DTSJob {${dtsJob}} in state 'PendingDownload'.`, 2, { thread: cb });
  add(dt, `Starting BITS download for DTS job '{${dtsJob}}'.`, 2, { thread: cb });
  add(dt, `Starting BITS job '{${bits}}' for DTS job '{${dtsJob}}' under user 'S-1-5-18'.`, rng.int(100, 600), {
    thread: cb,
  });
  add(dt, `DTSJob {${dtsJob}} in state 'DownloadingData'.`, 8, { thread: cb });
  const downloadMs = o.downloadMs ?? rng.int(2, 60) * SEC;
  const end = started + downloadMs;
  const monitor = rng.thread();
  // BITS progress, every few minutes on a long download.
  const ticks = Math.min(40, Math.floor(downloadMs / (5 * MIN)));
  for (let i = 1; i <= ticks; i++) {
    const at = started + Math.round((downloadMs * i) / (ticks + 1));
    dt.add(
      at,
      `Job: {${dtsJob}}, Total Files: 1, Transferred Files: 0, Total Bytes: ${u.size}, Transferred Bytes: ${Math.round((u.size * i) / (ticks + 1))}`,
      { thread: monitor },
    );
  }
  if (o.transientError) {
    // BITS keeps the job in TRANSIENT_ERROR and retries; DTS logs the error and the job goes on.
    const at = started + Math.round(downloadMs / 2);
    dt.add(
      at,
      `CDTSJob::JobError: DTS Job ID='{${dtsJob}}' BITS Job ID='{${bits}}' (ErrorContext=BG_ERROR_CONTEXT_REMOTE_FILE, ErrorCode=0x80072EE2)`,
      { thread: monitor, type: 2 },
    );
    dt.add(at + 5 * MIN, `DTSJob {${dtsJob}} in state 'DownloadingData'.`, { thread: cb });
  }
  t = end;
  if (o.failure === 'http404') {
    add(
      dt,
      `CDTSJob::JobError: DTS Job ID='{${dtsJob}}' BITS Job ID='{${bits}}' (ErrorContext=BG_ERROR_CONTEXT_REMOTE_FILE, ErrorCode=0x80190194)`,
      0,
      { thread: monitor, type: 3 },
    );
    add(dt, `DTSJob {${dtsJob}} in state 'Error'.`, 4, { thread: cb });
    add(
      dt,
      `DTS job {${dtsJob}} has completed:\n\tStatus : FAILURE,\n\tStart time : ${dts(started, w.client.biasAt(started))},\n\tCompletion time : ${dts(t, w.client.biasAt(t))},\n\tElapsed time : ${Math.round((t - started) / 1000)} seconds`,
      3,
      { thread: cb },
    );
    add(ctm, `CTM job {${ctmJob}} encountered error 0x80190194 while downloading from '${dpUrl}'.`, 5, {
      thread: cb,
      type: 3,
    });
    add(ctm, `CCTMJob::EvaluateState(JobID={${ctmJob}}, State=Error)`, 2, { thread: cb });
    add(cas, `Download failed for content ${c} under context System, error 0x80190194`, 6, { type: 3 });
    return { ctmJob, dtsJob, end: t, ok: false };
  }
  add(dt, `CDTSJob::JobTransferred : DTS Job ID='{${dtsJob}}' BITS Job ID='{${bits}}'`, 0, { thread: monitor });
  // The sample's harmless type-2 line: DTS looks for the BITS job after BITS has already removed it.
  if (rng.chance(0.4))
    dt.add(t + 40, `BITS job '{${bits}}' is not found. The BITS job may have completed already.`, {
      thread: monitor,
      type: 2,
    });
  add(
    dt,
    `Job: {${dtsJob}}, Total Files: 1, Transferred Files: 1, Total Bytes: ${u.size}, Transferred Bytes: ${u.size}`,
    4,
    { thread: monitor },
  );
  add(dt, `DTSJob {${dtsJob}} successfully completed download.`, 8, { thread: monitor });
  add(dt, `DTSJob {${dtsJob}} in state 'NotifiedComplete'.`, 16, { thread: cb });
  add(
    dt,
    `DTS job {${dtsJob}} has completed:\n\tStatus : SUCCESS,\n\tStart time : ${dts(started, w.client.biasAt(started))},\n\tCompletion time : ${dts(t, w.client.biasAt(t))},\n\tElapsed time : ${Math.round((t - started) / 1000)} seconds`,
    3,
    { thread: cb },
  );
  add(ctm, `CTM job {${ctmJob}} successfully processed download completion.`, 20, { thread: cb });
  add(ctm, `CCTMJob::EvaluateState(JobID={${ctmJob}}, State=Complete)`, 4, { thread: cb });
  add(cas, `Download completed for content ${c} under context System`, 30, { thread: cb });
  if (o.failure === 'hash') {
    add(cas, `Hashing file c:\\windows\\ccmcache\\${dir}\\${u.file}\n`, 2, { thread: cb });
    add(
      cas,
      `Hash verification failed for content ${c} downloaded under context System, error 0x80091007`,
      rng.int(20, 400),
      { thread: cb, type: 3 },
    );
    return { ctmJob, dtsJob, end: t, ok: false };
  }
  add(cas, `Hash verification succeeded for content ${c} downloaded under context System`, rng.int(20, 400), {
    thread: cb,
  });
  add(cas, `Saved Content ID Mapping ${c}, C:\\Windows\\ccmcache\\${dir}`, 3, { thread: cb });
  add(cas, `Download succeeded for download request {${request}}`, 2, { thread: cb });
  // The sample's harmless type-3 line with BranchCache: the work folder is already gone.
  if (rng.chance(0.4))
    add(
      cas,
      `Error: DeleteDirectory:- Failed to delete Directory C:\\Windows\\ccmcache\\${dir}.BCWork with Error 0x00000002.`,
      21,
      { thread: cb, type: 3 },
    );
  return { ctmJob, dtsJob, end: t, ok: true };
}

export interface DeploymentOptions {
  assignment?: string;
  updates: Update[];
  /** Per update (same index): how its download goes. */
  content?: ContentOptions[];
  /** Index of the update whose installation fails, and its code. */
  installFail?: { index: number; code: string };
  reboot?: boolean;
  ignoreWindow?: boolean;
  /** How long the restart takes (user postpones the notification for hours, or restarts at once). */
  restartAfterMs?: number;
  /** Policy Agent / Scheduler lines before the deadline. */
  policy?: boolean;
  /** The installation waits for another assignment's installation to finish (jobs install one at a time). */
  installNotBefore?: number;
  /**
   * No maintenance window is open at the deadline (ignoreWindow false): the installation waits until this UTC, when
   * UpdatesDeployment.log receives the window's start event (real UpdatesDeployment.log lines).
   */
  windowOpensAt?: number;
}

export interface DeploymentHandle {
  assignment: string;
  updates: Update[];
  installed: boolean;
  contentJobs: ContentResult[];
  detectJob: string;
  /** Time of the "Notify reboot" line (restart instance key) when a restart was asked for. */
  notifyReboot?: number;
  end: number;
}

const ud = (w: World) => w.c('UpdatesDeployment.log');
const uh = (w: World) => w.c('UpdatesHandler.log');
const ciId = (siteId: string, u: Update) => `${siteId}/SUM_${u.id}`;

/** One assignment's enforcement as UpdatesDeployment.log and UpdatesHandler.log tell it, phase by phase. */
class Enforcement {
  readonly rng;
  readonly a: string;
  readonly siteId: string;
  readonly thread: number;
  t: number;
  signature = '';
  handle!: DeploymentHandle;

  constructor(
    readonly w: World,
    readonly t0: number,
    readonly o: DeploymentOptions,
  ) {
    this.rng = w.rng;
    this.a = o.assignment ?? w.rng.guid();
    this.siteId = `Site_${w.siteId}`;
    this.thread = w.rng.thread();
    this.t = t0;
  }

  /** An UpdatesDeployment.log line `d` ms after the previous line. */
  U(msg: string, d: number, th = this.thread, type: 1 | 2 | 3 = 1): number {
    this.t += d;
    ud(this.w).add(this.t, msg, { thread: th, type });
    return this.t;
  }

  /** An UpdatesHandler.log line `d` ms after the previous line. */
  H(msg: string, d: number, th = this.thread, type: 1 | 2 | 3 = 1): number {
    this.t += d;
    uh(this.w).add(this.t, msg, { thread: th, type });
    return this.t;
  }

  ci(u: Update): string {
    return ciId(this.siteId, u);
  }

  /** Policy Agent downloads the assignment, Scheduler sets and fires its deadline (seed lines). */
  policy(): void {
    const { w, rng, a, thread, t0 } = this;
    const pa = w.c('PolicyAgent.log');
    const p = t0 - rng.int(5, 60) * MIN;
    pa.add(
      p,
      `Initializing download of policy 'CCM_Policy_Policy5.PolicyID="{${a}}",PolicySource="SMS:${w.site.code}",PolicyVersion="1.00"' from 'http://${w.site.mp}/SMS_MP/.sms_pol?{${a}}.SHA256:${rng.hex(64)}'`,
      { thread },
    );
    pa.add(
      p + 2500,
      `Download of policy CCM_Policy_Policy5.PolicyID="{${a}}",PolicySource="SMS:${w.site.code}",PolicyVersion="1.00" completed (DTS Job ID: {${rng.guid()}})`,
      { thread, component: 'PolicyAgent_ReplyAssignments' },
    );
    const sch = w.c('Scheduler.log');
    sch.add(
      p + 4000,
      `SMSTrigger '3E692B0000080000' for scheduler 'Machine/DEADLINE:{${a}}' will fire at ${usDateTime(localDate(t0, w.client.biasAt(t0)))} without randomization.`,
      { thread },
    );
    sch.add(
      t0 - 200,
      `Sending message for schedule 'Machine/DEADLINE:{${a}}' (Target: 'direct:UpdatesDeploymentAgent', Name: '')`,
      { thread },
    );
  }

  /** The deadline, the detection scan against the WUA cache and the evaluation state messages. */
  evaluate(): string {
    const { w, rng, a, o } = this;
    this.U(
      `Message received: '<?xml version='1.0' ?>\n<CIAssignmentMessage MessageType='EnforcementDeadline'>\n  <AssignmentID>{${a}}</AssignmentID>\n</CIAssignmentMessage>'`,
      0,
    );
    this.U(`Assignment {${a}} has total CI = ${o.updates.length}`, rng.int(30, 90));
    this.U(`Deadline received for assignment ({${a}})`, rng.int(5, 15));
    const detectJob = rng.guid();
    this.U(`Detection job ({${detectJob}}) started for assignment ({${a}})`, rng.int(60, 200));
    // The detection scan: Scan Agent against the WUA cache (no location request), then UpdatesHandler's view of it.
    const scanStart = this.t + rng.int(400, 3000);
    this.H(`Successfully initiated scan for job ({${detectJob}}).`, scanStart - this.t + 20);
    const scan = scanJob(w, scanStart, { online: false, searchMs: rng.int(150, 4000) });
    this.t = scan.end;
    this.H(`Scan completion received for job ({${detectJob}}).`, rng.int(10, 40));
    this.H(`Initial scan completed for the job ({${detectJob}}).`, 2);
    this.H(`Evaluating status of the updates for the job ({${detectJob}}).`, 4);
    this.H(`CompleteJob - Job ({${detectJob}}) removed from job manager list.`, 11);
    this.U(`DetectJob completion received for assignment ({${a}})`, 9);
    this.U(`Making updates available for assignment ({${a}})`, 5);
    for (const u of o.updates)
      this.U(
        `Update (${this.ci(u)}) Name (${u.title}) ArticleID (${u.kb}) added to the targeted list of deployment ({${a}})`,
        4,
      );
    w.c('StateMessage.log').add(this.t + 13, `Adding message with TopicType 302 and TopicId {${a}} to WMI`, {
      thread: this.thread,
    });
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Evaluate, StateId = 2, StateName = ASSIGNMENT_EVALUATE_SUCCESS`,
      17,
    );
    this.signature = rng.hex(8).toLowerCase();
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Compliance, Signature = ${this.signature}, IsCompliant = False`,
      8,
    );
    if (!o.ignoreWindow)
      this.U('No current service window available to run updates assignment with time required = 600', 36);
    return detectJob;
  }

  /** DownloadCIContents: each update's content downloads side by side. Returns false when one fails. */
  download(): boolean {
    const { w, rng, a, o } = this;
    const downloadJob = rng.guid();
    this.U(`DownloadCIContents Job ({${downloadJob}}) started for assignment ({${a}})`, 54);
    this.H(`Initiating download for the job ({${downloadJob}}).`, rng.int(300, 600));
    for (const u of o.updates) this.H(`Update Id = ${u.id}, State = StateDownloading, Result = 0x0`, 3);
    this.H(
      `Timeout Options: Priority = 2, DPLocality = 1048578, Location = 604800, Download = 864000, PerDPInactivity = 0, TotalInactivityTimeout = 0, bUseBranchCache = True, bPersistOnWriteFilterDevices = True, bOverrideServiceWindow = ${o.ignoreWindow ? 'True' : 'False'}`,
      8,
    );
    const jobs = this.handle.contentJobs;
    let contentEnd = this.t;
    o.updates.forEach((u, i) => {
      this.H(`Bundle update (${u.id}) is requesting download from child updates for action (INSTALL)`, 9);
      this.H(
        `Content Text = <Content ContentId="${u.content}" Version="1"><FileContent Name="${u.file}" Hash="${u.hash}" HashAlgorithm="SHA1" Size="${u.size}"/></Content>`,
        3,
      );
      // Contents download side by side: each job starts as UpdatesHandler asks for it.
      const job = contentJob(w, this.t + rng.int(20, 60), u, {
        cacheDir: i + 1 + rng.int(0, 30),
        ...(o.content?.[i] ?? {}),
      });
      jobs.push(job);
      contentEnd = Math.max(contentEnd, job.end);
    });
    this.t = contentEnd;
    if (!jobs.some((j) => !j.ok)) return true;
    const bad = o.updates[jobs.findIndex((j) => !j.ok)];
    this.U(
      `Update (${this.ci(bad)}) Progress: Status = ciStateError, PercentComplete = 0, Result = 0x80190194`,
      rng.int(50, 200),
    );
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Enforce, StateId = 6, StateName = ASSIGNMENT_ENFORCE_FAILED`,
      40,
    );
    return false;
  }

  /** The maintenance window's start event and the install task it triggers (another thread, as real logs show). */
  windowOpens(at: number): void {
    const th = this.rng.thread();
    this.t = Math.max(this.t, at);
    this.U('CUpdateAssignmentsManager received a SERVICEWINDOWEVENT START Event', 0, th);
    this.U(`Attempting to install ${this.o.updates.length} updates`, this.rng.int(1, 40), th);
  }

  /** ApplyCIs: UpdatesHandler's batch, WUAHandler and the Windows Update Agent install. Returns whether a restart is needed. */
  install(): boolean {
    const { w, rng, a, o } = this;
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Enforce, StateId = 8, StateName = ASSIGNMENT_ENFORCE_ADVANCE_DOWNLOAD_SUCCESS`,
      rng.int(300, 900),
    );
    this.t = Math.max(this.t, o.installNotBefore ?? 0);
    if (o.windowOpensAt && !o.ignoreWindow) this.windowOpens(o.windowOpensAt);
    this.U(`Starting install for assignment ({${a}})`, 8);
    const applyJob = rng.guid();
    this.U(`ApplyCIs - JobId = {${applyJob}}`, 58);
    for (const u of o.updates)
      this.U(
        `Update (${this.ci(u)}) Progress: Status = ciStateWaitInstall, PercentComplete = 0, DownloadSize = 0, Result = 0x0`,
        3,
      );
    this.H(`Job {${applyJob}} is starting execution`, 90);
    this.H(
      `CDeploymentJob::InstallUpdatesInBatch - Batch or non-batch install is not in progress for the job ({${applyJob}}). So allowing install..`,
      7,
    );
    for (const u of o.updates) this.H(`Update (${u.id}) added to the installation batch`, rng.int(60, 350));
    this.H(`Got execute info for (${o.updates.length}) updates`, 80);
    const wua = w.c('WUAHandler.log');
    const wth = rng.thread();
    o.updates.forEach((u) => {
      this.t += 2;
      wua.add(this.t, `Adding file to list for CopyToCache(): C:\\Windows\\ccmcache\\${rng.int(1, 40)}\\${u.file}`, {
        thread: wth,
      });
      this.t += rng.int(15, 200);
      wua.add(this.t, `CopyToCache() for update (${u.content}) completed successfully`, { thread: wth });
    });
    this.t += 24;
    wua.add(this.t, 'Update(s) downloaded to WUA file cache, starting installation.', { thread: wth });
    this.t += 32;
    wua.add(this.t, 'Async installation of updates started.', { thread: wth });
    this.H('Updates installation started as batch', 80);
    const reboot = this.agentInstall(wua);
    this.t += 30;
    wua.add(this.t, 'Async install completed.', { thread: rng.thread() });
    this.t += 20;
    wua.add(this.t, 'Installation of updates completed.', { thread: rng.thread() });
    return reboot;
  }

  /** WindowsUpdate.log: the install by CcmExec, CBS updates and (for a failing .NET update) the command line handler. */
  private agentInstall(wua: Log): boolean {
    const { w, rng, o } = this;
    const wu = w.wu();
    const pid = String(w.wuPid);
    const agent = rng.thread();
    const wuSay = (comp: string, msg: string, at: number, p = pid) =>
      wu.add(at, msg, { component: comp, source: p, thread: agent });
    const classic = w.os === 'win7';
    const t = this.t;
    wuSay(
      classic ? 'COMAPI' : 'ComApi',
      classic
        ? '-- START --  COMAPI: Install [ClientId = CcmExec]'
        : '* START *   Install ClientId = CcmExec, Flags: 0X10050',
      t + 6,
      String(w.ccmPid),
    );
    wuSay(
      'Agent',
      classic
        ? '** START **  Agent: Installing updates [CallerId = CcmExec]'
        : '* START *  Installing updates CallerId = CcmExec',
      t + 16,
    );
    wuSay('Agent', `  * Updates to install = ${o.updates.length}`, t + 16);
    let anyReboot = false;
    o.updates.forEach((u, i) => {
      const failing = o.installFail?.index === i;
      const installMs = rng.int(1, 40) * SEC;
      if (!failing) wuSay('Handler', `Starting install of CBS update ${u.content.toUpperCase()}`, this.t + 100);
      else {
        // .NET updates go through the command line handler; its failure is the seed's 0x80070643 case.
        wuSay('Handler', ':::::::::::::', this.t + 100);
        wuSay('Handler', ':: START ::  Handler: Command Line Install', this.t + 100);
        wuSay('Handler', ':::::::::', this.t + 100);
        wuSay('Handler', '  : Updates to install = 1', this.t + 101);
      }
      this.t += installMs;
      const at = this.t;
      if (failing) {
        wuSay(
          'Handler',
          `  : WARNING: Command line install completed. Return value = 0x00000643, Result = Failed, Reboot required = false`,
          at - 30,
        );
        wuSay('Handler', `  : WARNING: Exit code = ${o.installFail!.code}`, at - 25);
        wuSay('Handler', ':::::::::', at - 24);
        wuSay('Handler', '::  END  ::  Handler: Command Line Install', at - 24);
        wuSay('Handler', ':::::::::::::', at - 24);
        wua.add(
          at,
          `Update ${i + 1} (${u.id}) finished installing (${o.installFail!.code.toLowerCase()}), Reboot Required? No`,
          { thread: rng.thread() },
        );
      } else {
        const reboot = o.reboot !== false;
        anyReboot ||= reboot;
        wuSay(
          'Handler',
          `Completed install of CBS update with type=3, requiresReboot=${reboot ? 1 : 0}, installerError=0, hr=0x0`,
          at - 18,
        );
        wua.add(
          at,
          `Update ${i + 1} (${u.id}) finished installing (0x00000000), Reboot Required? ${reboot ? 'Yes' : 'No'}`,
          { thread: rng.thread() },
        );
      }
    });
    wuSay(
      'Agent',
      classic
        ? '**  END  **  Agent: Installing updates [CallerId = CcmExec]'
        : '* END *  Installing updates CallerId = CcmExec',
      this.t + 10,
    );
    wuSay(
      classic ? 'COMAPI' : 'ComApi',
      classic ? '--  END  --  COMAPI: Install [ClientId = CcmExec]' : '* END *   Install ClientId = CcmExec',
      this.t + 20,
      String(w.ccmPid),
    );
    return anyReboot;
  }

  /** The failed update's and the assignment's enforcement state messages. */
  failed(): void {
    const { a, o } = this;
    const bad = o.updates[o.installFail!.index];
    this.U(
      `Update (${this.ci(bad)}) Progress: Status = ciStateError, PercentComplete = 0, Result = ${o.installFail!.code.toLowerCase()}`,
      40,
    );
    this.U(
      `Raised update (${this.ci(bad)}) enforcement state message successfully. StateId = 11, StateName = CI_ENFORCEMENT_FAILED`,
      9,
    );
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Enforce, StateId = 6, StateName = ASSIGNMENT_ENFORCE_FAILED`,
      20,
    );
  }

  /** No restart needed: the updates are enforced and the assignment compliant at once. */
  compliant(): void {
    const { a, o } = this;
    for (const u of o.updates)
      this.U(
        `Raised update (${this.ci(u)}) enforcement state message successfully. StateId = 10, StateName = CI_ENFORCEMENT_SUCCESSFULL`,
        9,
      );
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Compliance, Signature = ${this.signature}, IsCompliant = True`,
      200,
    );
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Enforce, StateId = 4, StateName = ASSIGNMENT_ENFORCE_SUCCESS`,
      18,
    );
  }

  /** The restart request (UpdatesDeployment "Notify reboot", RebootCoordinator) and the pending-reboot state message. */
  notifyReboot(): number {
    const { w, rng, a, o } = this;
    this.U('No installations in pipeline, notify reboot. NotifyUI = True', 50);
    const d = localDate(this.t, w.client.biasAt(this.t));
    const day = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()];
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
    const notify = this.U(
      `Notify reboot with deadline = ${day}, ${mon} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()}. - ${hms(d)}, Ignore reboot Window = ${o.ignoreWindow ? 'True' : 'False'}, NotifyUI = True`,
      8,
    );
    const rc = w.c('RebootCoordinator.log');
    rc.add(this.t + 290, 'Scheduled reboot from agent UpdatesDeploymentAgent', { thread: rng.thread() });
    rc.add(
      this.t + 293,
      `Reboot deadline is ${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${((d.getUTCHours() + 11) % 12) + 1}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}, IgnoreServiceWindow = ${o.ignoreWindow ? 'TRUE' : 'FALSE'}, NotifyUI = TRUE`,
      { thread: rng.thread() },
    );
    w.c('StateMessage.log').add(this.t + 190, `Adding message with TopicType 301 and TopicId {${a}} to WMI`, {
      thread: this.thread,
    });
    this.U(
      `Raised assignment ({${a}}) state message successfully. TopicType = Enforce, StateId = 5, StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT`,
      198,
    );
    return notify;
  }
}

/** The deadline of one deployment up to its download and installation (the restart is `restartAndDetect`). */
export function deployment(w: World, t0: number, o: DeploymentOptions): DeploymentHandle {
  const e = new Enforcement(w, t0, o);
  if (o.policy) e.policy();
  const detectJob = e.evaluate();
  const handle: DeploymentHandle = (e.handle = {
    assignment: e.a,
    updates: o.updates,
    installed: false,
    contentJobs: [],
    detectJob,
    end: e.t,
  });
  const finish = () => ((handle.end = e.t), handle);
  if (!e.download()) return finish();
  const reboot = e.install();
  if (o.installFail) {
    e.failed();
    return finish();
  }
  handle.installed = true;
  if (!reboot) {
    e.compliant();
    return finish();
  }
  handle.notifyReboot = e.notifyReboot();
  return finish();
}

/** The restart and, after it, the detection that reports the pending-reboot updates installed (for every handle given). */
export function restartAndDetect(
  w: World,
  at: number,
  handles: DeploymentHandle[],
  o: { userRestart?: boolean } = {},
): number {
  const rng = w.rng;
  const siteId = `Site_${w.siteId}`;
  const rc = w.c('RebootCoordinator.log');
  const thread = rng.thread();
  let t = at;
  if (o.userRestart) {
    const sc = w.c('SCNotify.log');
    sc.add(
      t - 3000,
      'ConfirmRestartDialog: User chose to restart/logoff. (Microsoft.SoftwareCenter.Client.Pages.ConfirmRestartDialog at ButtonRestart_Click)',
      { thread },
    );
    sc.add(
      t - 2000,
      'The user is allowed to restart the computer. Initiating restart. (Microsoft.SoftwareCenter.Client.Data.WmiDataConnector at RestartComputer)',
      { thread },
    );
  }
  // RebootCoordinator.log as the sample writes it (the seed does not show these lines).
  if (o.userRestart)
    rc.add(
      t - 4,
      `User S-1-5-21-${rng.int(1e9, 2e9)}-${rng.int(1e9, 2e9)}-${rng.int(1e8, 9e8)}-${rng.int(1000, 9999)} requested an immediate restart`,
      { thread },
    );
  rc.add(t, 'Initiating system restart requested by UpdatesDeploymentAgent', { thread });
  ud(w).add(t + 1000, 'Service shutdown system task', { thread });
  const wu = w.wu();
  wu.add(
    t + 2500,
    w.os === 'win7' ? '**  END  **  Service: Service exit [Exit code = 0x240001]' : 'Service shutdown complete',
    { component: 'Service', source: String(w.wuPid), thread: rng.thread() },
  );
  t += rng.int(90, 240) * SEC;
  const pid = String(rng.int(700, 1400));
  if (w.os === 'win7')
    wu.add(t, `===========  Logging initialized (build: 7.6.7600.256, tz: ${wuTz(w.client.biasAt(t))})  ===========`, {
      component: 'Misc',
      source: pid,
      thread: rng.thread(),
    });
  const th2 = rng.thread();
  ud(w).add(t + 30 * SEC, 'Service startup system task', { thread: th2 });
  const pending = handles.flatMap((h) => h.updates);
  ud(w).add(
    t + 30 * SEC + 286,
    `CTargetedUpdatesManager::DetectRebootPendingUpdates - Total Pending reboot updates = ${pending.length}`,
    { thread: th2 },
  );
  const job = rng.guid();
  ud(w).add(t + 30 * SEC + 344, `Initiated detect for pending reboot updates after system restart - JobId = {${job}}`, {
    thread: th2,
  });
  ud(w).add(t + 30 * SEC + 353, 'Startup task completed', { thread: th2 });
  rc.add(t + 30 * SEC + 100, 'System restart completed, pending reboot for UpdatesDeploymentAgent cleared', {
    thread: th2,
  });
  uh(w).add(t + 30 * SEC + 700, `Successfully initiated scan for job ({${job}}).`, { thread: th2 });
  const scan = scanJob(w, t + 31 * SEC, { searchMs: rng.int(10, 40) * SEC });
  t = scan.end;
  uh(w).add(t + 200, `Scan completion received for job ({${job}}).`, { thread: th2 });
  uh(w).add(t + 280, `CompleteJob - Job ({${job}}) removed from job manager list.`, { thread: th2 });
  t += 500;
  ud(w).add(t, `CUpdatesJob({${job}}): Job completion received.`, { thread: th2 });
  ud(w).add(t + 5, `CUpdatesJob({${job}}): Detect after reboot job completed with result = 0x0`, { thread: th2 });
  t += 100;
  for (const h of handles) {
    for (const u of h.updates) {
      t += 9;
      ud(w).add(
        t,
        `Raised update (${ciId(siteId, u)}) enforcement state message successfully. StateId = 10, StateName = CI_ENFORCEMENT_SUCCESSFULL`,
        { thread: th2 },
      );
    }
    t += 200;
    ud(w).add(
      t,
      `Raised assignment ({${h.assignment}}) state message successfully. TopicType = Compliance, Signature = ${rng.hex(8).toLowerCase()}, IsCompliant = True`,
      { thread: th2 },
    );
    t += 18;
    ud(w).add(
      t,
      `Raised assignment ({${h.assignment}}) state message successfully. TopicType = Enforce, StateId = 4, StateName = ASSIGNMENT_ENFORCE_SUCCESS`,
      { thread: th2 },
    );
    h.end = t;
  }
  return t;
}

export interface ServiceWindow {
  id: string;
  schedule: string;
  type: number;
  /** ServiceWindowManager cannot read the schedule (real line, see the header). */
  badSchedule?: boolean;
}

/** "Refreshing Service Windows....." and the list, as the seed's "How to review ServiceWindowManager.log" shows it. */
export function serviceWindows(w: World, at: number, windows: ServiceWindow[]): number {
  const log = w.c('ServiceWindowManager.log');
  const thread = w.rng.thread();
  let t = at;
  log.add(t, '', { thread });
  log.add(t, 'Refreshing Service Windows.....', { thread });
  for (const sw of windows) {
    t += 3;
    log.add(
      t,
      `    Populating instance of ServiceWindow with ID=${sw.id}, ScheduleString=${sw.schedule}, Type=${sw.type}`,
      { thread },
    );
    if (sw.badSchedule)
      log.add(
        t,
        `CServiceWindow::CServiceWindow: Failed to initialize ServiceWindowSchedule instance from schedule string (${sw.schedule})`,
        { thread },
      );
    if (sw.badSchedule || sw.schedule.length > 16)
      log.add(t + 1, '        This is a one shot Service Window that has already finished.', { thread });
    else log.add(t + 1, `        StartTime is 02/16/14 01:00:00`, { thread });
    log.add(
      t + 2,
      `        Duration for the Service Window is Total days: 0, hours: 0${w.rng.int(1, 7)}, mins: 00, secs: 00`,
      { thread },
    );
  }
  return t;
}

/** ServiceWindowManager's answer to a deployment asking whether it may run now. */
export function serviceWindowCheck(w: World, at: number, canRun: boolean): void {
  const log = w.c('ServiceWindowManager.log');
  const thread = w.rng.thread();
  log.add(at, 'OnIsServiceWindowAvailable called with: Runtime:600, Type:4', { thread });
  if (canRun) {
    log.add(
      at + 2,
      'Biggest Active Service Window has ID = {1E957DDD-0A26-434C-952A-586F3E31E319} having Starttime=02/16/14 01:00:00',
      { thread },
    );
    log.add(at + 3, 'Program can run! Setting *canProgramRun to TRUE', { thread });
  } else {
    log.add(
      at + 1,
      'No Service Windows exist for this type. Will check if the program can run in the All Programs window...',
      { thread },
    );
    log.add(at + 3, 'Program cannot Run! Setting *canProgramRun to FALSE', { thread });
  }
}
