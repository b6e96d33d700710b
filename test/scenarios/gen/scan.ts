// Client compliance flows: the WSUS location request (ScanAgent → LocationServices → CcmMessaging → MP → reply),
// WUAHandler adding the update source (with the Group Policy override the seed's Troubleshooting describes), the
// scan through the Windows Update Agent (WindowsUpdate.log, classic Windows 7 layout or the ETW-decoded
// Windows 10 one) and the status and state messages that follow. Lines are the seed's ([SUM]/[TRACK] "WSUS
// server location", "Software update scan on clients") as samples/client re-types them.
import { MIN, SEC, wuTz } from './core';
import type { World } from './world';

export interface LocationOptions {
  /** Time between the request and the MP's reply arriving. */
  replyMs?: number;
  /** The MP answers with no WSUS location, or with a WSUS server of another content version. */
  reply?: 'ok' | 'empty' | 'otherVersion';
  /** CCM Messaging cannot reach the MP (the reply never comes). */
  messagingError?: string;
}

export interface ScanOptions {
  job?: string;
  /** Scan Agent asks for the WSUS location first (a new or changed update source, or a new content version). */
  location?: LocationOptions | false;
  /** A completely new update source: WUAHandler sets the WSUS server through local policy and waits for GP. */
  newSource?: boolean;
  /** An Active Directory GPO names this WSUS server (seed: "Group policy settings were overwritten by a higher authority"). */
  gpoServer?: string;
  /** How long the Windows Update Agent search takes. */
  searchMs?: number;
  /** The search fails with this code; `retries` says how each retry 30 minutes later ends. */
  failCode?: string;
  retries?: Array<'ok' | 'fail'>;
  /** Where the search ran: online against WSUS, or against the cache (a deployment's detection scan). */
  online?: boolean;
  /** WUAHandler writes its start before ScanAgent writes "successfully requested Scan" (the same call, the real order). */
  handlerFirst?: boolean;
  /** Update statuses and TopicType 500 state messages after the scan. */
  statuses?: boolean;
  /** Logs are cut this long after the start (collected mid-scan). */
  cutAfterMs?: number;
}

export interface ScanResult {
  job: string;
  locationRequest?: string;
  start: number;
  end: number;
  /** Times of WUAHandler's "Its a WSUS Update Source type" line, one per attempt (a WUAHandler.log scan cycle each). */
  handlerStarts: number[];
}

const KBS = [
  ['KB2584146', 'Security Update for Windows 7 for x64-based Systems (KB2584146)'],
  ['KB2533552', 'Update for Windows 7 for x64-based Systems (KB2533552)'],
  ['KB2698365', 'Security Update for Windows 7 for x64-based Systems (KB2698365)'],
  ['KB2705219', 'Security Update for Windows 7 for x64-based Systems (KB2705219)'],
  ['KB2712808', 'Security Update for Windows 7 for x64-based Systems (KB2712808)'],
  ['KB2862152', 'Security Update for Windows 7 for x64-based Systems (KB2862152)'],
];

/** A line writer for one client log, advancing a shared clock. */
export class Clock {
  constructor(
    public t: number,
    private readonly cut = Infinity,
  ) {}
  at(t: number): number {
    this.t = t;
    return t;
  }
  live(t = this.t): boolean {
    return t <= this.cut;
  }
}

/** WSUS location request and reply, as ScanAgent, LocationServices and CcmMessaging write them. Returns when ScanAgent has the location. */
function requestLocation(
  w: World,
  clock: Clock,
  job: string,
  thread: number,
  o: LocationOptions,
): { request: string; ok: boolean } {
  const rng = w.rng;
  const sa = w.c('ScanAgent.log');
  const ls = w.c('LocationServices.log');
  const cm = w.c('CcmMessaging.log');
  const request = rng.guid();
  const message = rng.guid();
  const us = w.updateSource;
  const v = w.contentVersion;
  const add = (log: typeof sa, msg: string, dt: number, opts: { type?: 1 | 2 | 3; thread?: number } = {}) => {
    clock.t += dt;
    if (clock.live()) log.add(clock.t, msg, { thread, ...opts });
  };
  add(sa, `ScanJob({${job}}): CScanJob::RequestLocations- entered`, rng.int(2, 5));
  add(sa, `- - - - - -Requesting WSUS Server Locations from LS for {${us}} version ${v}`, rng.int(2, 5));
  add(ls, 'CCCMWSUSLocation::GetLocationsAsyncEx', rng.int(3, 9));
  add(ls, `Attempting to persist WSUS location request for ContentID='{${us}}' and ContentVersion='${v}'`, 3);
  add(ls, 'Persisted WSUS location request', 5);
  add(ls, `Attempting to send WSUS Location Request for ContentID='{${us}}'`, 4);
  add(
    ls,
    `WSUSLocationRequest : <WSUSLocationRequest SchemaVersion="1.00"><Content ID="{${us}}" Version="${v}"/><AssignedSite SiteCode="${w.site.code}"/><ClientLocationInfo OnInternet="0"><ADSite Name="${w.site.adSite}"/><Forest Name="${w.site.domain}"/><Domain Name="${w.site.domain}"/><IPAddresses><IPAddress SubnetAddress="${w.subnet}" Address="${w.ip}"/></IPAddresses></ClientLocationInfo></WSUSLocationRequest>`,
    4,
  );
  add(ls, `Created and Sent Location Request '{${request}}' for package {${us}}`, rng.int(15, 30));
  add(sa, `- - - - - -Location Request ID = {${request}}`, rng.int(3, 12));
  const sendAt = clock.t;
  add(cm, `Sending async message '{${message}}' to outgoing queue 'mp:[http]mp_locationmanager'`, rng.int(2, 6));
  add(sa, 'CScanAgentCache::PersistInstanceInCache- Persisted Instance CCM_ScanJobInstance', rng.int(2, 8));
  add(
    sa,
    `ScanJob({${job}}): - - - - - -Locations requested for ScanJobID={${job}} (LocationRequestID={${request}}), will process the scan request once locations are available.`,
    2,
  );
  const sender = rng.thread();
  add(cm, `Sending outgoing message '{${message}}'. Flags 0x200, sender account empty`, rng.int(5, 20), {
    thread: sender,
  });
  if (o.messagingError) {
    // CcmMessaging's per-message failure as it logs it (modeled on real "Post to … failed with 0x87d00231" and the
    // OutgoingMessage(Queue=…, ID=…) prefix of its per-message lines); the request then waits for the retry.
    add(cm, `Post to http://${w.site.mp}/ccm_system/request failed with ${o.messagingError}.`, rng.int(20000, 21500), {
      thread: sender,
      type: 3,
    });
    add(
      cm,
      `OutgoingMessage(Queue='mp_[http]mp_locationmanager', ID={${message}}): Failed to deliver message to host '${w.site.mp}', error ${o.messagingError}. Will retry.`,
      3,
      { thread: sender, type: 2 },
    );
    return { request, ok: false };
  }
  clock.at(sendAt + (o.replyMs ?? rng.int(300, 1500)));
  const reply = rng.guid();
  const replyThread = rng.thread();
  add(cm, `Message '{${message}}' got reply '{${reply}}' to local endpoint queue 'LS_ReplyLocations'`, 0, {
    thread: sender,
  });
  add(
    cm,
    `OutgoingMessage(Queue='mp_[http]mp_locationmanager', ID={${message}}): Delivered successfully to host '${w.site.mp}'.`,
    3,
    { thread: sender },
  );
  add(cm, `Message '{${reply}}' delivered to endpoint 'LS_ReplyLocations'`, 4, { thread: replyThread });
  add(ls, 'Processing Location reply message', 5, { thread: replyThread });
  const replyVersion = o.reply === 'otherVersion' ? v - 1 : v;
  if (o.reply === 'empty') {
    add(
      ls,
      `WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="${w.site.code}"/><LocationRecords/></Site></Sites></WSUSLocationReply>`,
      3,
      { thread: replyThread },
    );
    add(ls, `Calling back with empty WSUS locations for WSUS request {${request}}`, 6, {
      thread: replyThread,
      type: 2,
    });
    return { request, ok: false };
  }
  const host1 = w.site.supUrl.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  const host2 = w.site.sup2Url.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  add(
    ls,
    `WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="${w.site.code}"/><LocationRecords><LocationRecord WSUSURL="${w.site.supUrl}" ServerName="${host1}" Version="${replyVersion}"/><LocationRecord WSUSURL="${w.site.sup2Url}" ServerName="${host2}" Version="${replyVersion}"/></LocationRecords></Site></Sites></WSUSLocationReply>`,
    3,
    { thread: replyThread },
  );
  add(ls, 'Calling back with the following WSUS locations', 6, { thread: replyThread });
  add(ls, `WSUS Path='${w.site.supUrl}', Server='${host1}', Version='${replyVersion}'`, 1, { thread: replyThread });
  add(ls, `WSUS Path='${w.site.sup2Url}', Server='${host2}', Version='${replyVersion}'`, 1, { thread: replyThread });
  add(ls, `Calling back with locations for WSUS request {${request}}`, 3, { thread: replyThread });
  add(sa, `*****WSUSLocationUpdate received for location request guid={${request}}`, 5, { thread: replyThread });
  add(
    sa,
    `ScanJob({${job}}): CScanJob::OnLocationUpdate- Received Location=${w.site.supUrl}, Version=${replyVersion}`,
    5,
    { thread: replyThread },
  );
  return { request, ok: o.reply !== 'otherVersion' };
}

/** One search as WindowsUpdate.log writes it: who asked, against which service, how it ended. */
interface Search {
  rng: World['rng'];
  caller: string;
  code: string;
  failed: boolean;
  found: number;
  online: boolean;
  url: string;
  /** `{3DA21691-…} Managed` (WSUS) or `{9482F4B4-…} Windows Update`. */
  service: string;
  end: number;
  /** Writes a line `dt` ms after the previous one; `p`/`th` default to the WUA service's process and thread. */
  say(comp: string, msg: string, dt?: number, p?: string, th?: number): void;
  /** The caller's own process and thread (COMAPI lines). */
  api(comp: string, msg: string, dt?: number): void;
  at(t: number): void;
  now(): number;
}

/** WindowsUpdate.log: a search by `caller` that ends with `code` (0x00000000 = success). Returns its last line's time. */
export function wuSearch(
  w: World,
  start: number,
  ms: number,
  caller: string,
  code = '0x00000000',
  opts: { online?: boolean; found?: number; serviceUrl?: string } = {},
): number {
  const rng = w.rng;
  const log = w.wu();
  const pid = String(w.wuPid);
  const callerPid = caller === 'CcmExec' ? String(w.ccmPid) : String(rng.int(1500, 9000));
  const agent = rng.thread();
  const apiThread = rng.thread();
  const url = opts.serviceUrl ?? w.site.supUrl;
  const managed = caller === 'CcmExec' || !/update\.microsoft/.test(url);
  let t = start;
  const say = (comp: string, msg: string, dt = 0, p = pid, th = agent) => {
    t += dt;
    log.add(t, msg, { component: comp, source: p, thread: th });
  };
  const search: Search = {
    rng,
    caller,
    code,
    failed: code !== '0x00000000',
    found: opts.found ?? rng.int(40, 200),
    online: opts.online !== false,
    url,
    service: managed
      ? '{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed'
      : '{9482F4B4-E343-43B6-B170-9A65BC822C77} Windows Update',
    end: start + ms,
    say,
    api: (comp, msg, dt = 0) => say(comp, msg, dt, callerPid, apiThread),
    at: (time) => (t = time),
    now: () => t,
  };
  if (w.os === 'win7') classicSearch(search);
  else etwSearch(search);
  return t;
}

/** WUA 7 (Windows 7): COMAPI or AU brackets around the Agent's "Finding updates [CallerId = …]" block. */
function classicSearch(s: Search): void {
  const { rng, caller, code, failed, found, say } = s;
  const comApi = caller !== 'AutomaticUpdates';
  if (comApi) {
    s.api('COMAPI', '-------------');
    s.api('COMAPI', `-- START --  COMAPI: Search [ClientId = ${caller}]`);
    s.api('COMAPI', '---------');
    s.api('COMAPI', `<<-- SUBMITTED -- COMAPI: Search [ClientId = ${caller}]`, rng.int(20, 80));
  } else {
    say('AU', '#############');
    say('AU', '## START ##  AU: Search for updates');
    say('AU', '#########');
    say('AU', `<<## SUBMITTED ## AU: Search for updates [CallId = {${rng.guid()}}]`, rng.int(5, 30));
  }
  say('Agent', '*************', rng.int(10, 60));
  say('Agent', `** START **  Agent: Finding updates [CallerId = ${caller}]`);
  say('Agent', '*********');
  say(
    'Agent',
    `  * Online = ${s.online ? 'Yes' : 'No'}; Ignore download priority = ${caller === 'CcmExec' ? 'Yes' : 'No'}`,
  );
  say('Agent', `  * ServiceID = ${s.service}`);
  say('Agent', '  * Search Scope = {Machine}');
  if (s.online) {
    say('PT', '+++++++++++  PT: Synchronizing server updates  +++++++++++', rng.int(100, 600));
    say('PT', `  + ServiceId = ${s.service.split(' ')[0]}, Server URL = ${s.url}/ClientWebService/client.asmx`);
    // The sample's harmless warning of a first search after a while.
    if (rng.chance(0.4)) say('PT', 'WARNING: Cached cookie has expired or new PID is available', rng.int(10, 40));
  }
  s.at(s.end - 60);
  if (failed) {
    say(
      'PT',
      `WARNING: SyncUpdates failure, error = ${code}, soap client error = 5, soap error code = 0, HTTP status code = 200`,
    );
    say('PT', `WARNING: Sync of Updates: ${code}`);
    say('PT', `WARNING: SyncServerUpdatesInternal failed: ${code}`);
    say('Agent', `  * WARNING: Failed to synchronize, error = ${code}`);
    say('Agent', `  * WARNING: Exit code = ${code}`, 16);
  } else {
    say(
      'Agent',
      `  * Found ${found} updates and ${rng.int(40, 90)} categories in search; evaluated appl. rules of ${rng.int(400, 900)} out of ${rng.int(1000, 2000)} deployed entities`,
    );
  }
  say('Agent', '*********', 30);
  say('Agent', `**  END  **  Agent: Finding updates [CallerId = ${caller}]`);
  say('Agent', '*************');
  if (failed) say('Agent', `WARNING: WU client failed Searching for update with error ${code}`);
  if (comApi) {
    s.api('COMAPI', `>>--  RESUMED  -- COMAPI: Search [ClientId = ${caller}]`, 15);
    s.api('COMAPI', `  - Updates found = ${failed ? 0 : found}`);
    if (failed) s.api('COMAPI', `  - WARNING: Exit code = 0x00000000, Result code = ${code}`);
    s.api('COMAPI', '---------');
    s.api('COMAPI', `--  END  --  COMAPI: Search [ClientId = ${caller}]`);
    s.api('COMAPI', '-------------');
    return;
  }
  say('AU', `>>##  RESUMED  ## AU: Search for updates [CallId = {${rng.guid()}}]`, 10);
  if (failed) {
    say('AU', `  # WARNING: Search callback failed, result = ${code}`);
    say('AU', `  # WARNING: Failed to find updates with error code ${code.slice(2)}`);
  } else say('AU', `  # ${found} updates detected`);
  say('AU', '#########');
  say('AU', `##  END  ##  AU: Search for updates [CallId = {${rng.guid()}}]`);
  say('AU', '#############');
}

/** Windows 10: the log Get-WindowsUpdateLog decodes (ComApi/Agent lines with CallerId and a call Id). */
function etwSearch(s: Search): void {
  const { rng, caller, code, failed, found, say } = s;
  const id = rng.int(2, 60);
  const cv = `${rng.hex(16)}.1`;
  const serviceGuid = s.service.split(' ')[0].replace(/[{}]/g, '');
  s.api(
    'ComApi',
    `* START *   Search ClientId = ${caller}, ServiceId = ${serviceGuid}, Flags: 0X10050 (cV = ${cv}.0.0)`,
  );
  say('Agent', `* START * Queueing Finding updates [CallerId = ${caller}  Id = ${id}]`, rng.int(5, 30));
  say('Agent', `* END * Queueing Finding updates [CallerId = ${caller}  Id = ${id}]`, 1);
  say('Agent', `* START * Finding updates CallerId = ${caller}  Id = ${id} (cV = ${cv}.0.0.2)`, rng.int(1, 10));
  say(
    'Agent',
    `Online = ${s.online ? 'Yes' : 'No'}; Interactive = No; AllowCachedResults = No; Ignore download priority = No`,
  );
  say('Agent', `ServiceID = ${s.service}`);
  say('Agent', 'Search Scope = {Machine}');
  if (s.online)
    say(
      'ProtocolTalker',
      `ServiceId = ${s.service.split(' ')[0]}, Server URL = ${s.url}/ClientWebService/client.asmx`,
      rng.int(100, 800),
    );
  s.at(s.end - 40);
  if (failed) {
    say('ProtocolTalker', `SyncUpdates round trip failed: ${code}`);
    say(
      'ProtocolTalker',
      `*FAILED* [${code.slice(2).toUpperCase()}] Method failed [CAgentProtocolTalker::SyncUpdates_WithRecovery:${rng.int(500, 900)}]`,
    );
  } else
    say(
      'Agent',
      `Found ${found} updates and ${rng.int(40, 90)} categories in search; evaluated appl. rules of ${rng.int(400, 900)} out of ${rng.int(1000, 2000)} deployed entities`,
    );
  say('Agent', `* END * Finding updates CallerId = ${caller}, Id = ${id}, Exit code = ${code} (cV = ${cv}.0.0.2)`, 20);
  s.api(
    'ComApi',
    `*RESUMED*   Search ClientId = ${caller}, ServiceId = ${serviceGuid} (cV = ${cv}.0.0)`,
    rng.int(3, 20),
  );
  s.api(
    'ComApi',
    `* END *   Search ClientId = ${caller}, Updates found = ${failed ? 0 : found}, ServiceId = ${serviceGuid} (cV = ${cv}.0.0)`,
    rng.int(1, 5),
  );
}

/** WUAHandler adds the update source for a scan attempt. Returns false when Group Policy stops it. */
function addSource(
  w: World,
  clock: Clock,
  thread: number,
  o: ScanOptions,
  starts: number[],
): { ok: boolean; code?: string } {
  const rng = w.rng;
  const wua = w.c('WUAHandler.log');
  const say = (msg: string, dt: number, type: 1 | 2 | 3 = 1) => {
    clock.t += dt;
    if (clock.live()) wua.add(clock.t, msg, { thread, type });
  };
  const us = w.updateSource;
  say(`Its a WSUS Update Source type ({${us}}), adding it.`, rng.int(3, 10));
  starts.push(clock.t);
  if (!o.newSource) {
    say(
      `Existing WUA Managed server was already set (${w.site.supUrl}), skipping Group Policy registration.`,
      rng.int(6, 120),
    );
    say(`Added Update Source ({${us}}) of content type: 2`, rng.int(6, 240));
    return { ok: true };
  }
  say('Its a completely new WSUS Update Source.', rng.int(10, 30));
  say(`Enabling WUA Managed server policy to use server: ${w.site.supUrl}`, rng.int(8, 15));
  say('Policy refresh forced.', rng.int(60, 100));
  say('Waiting for 2 mins for Group Policy to notify of WUA policy change...', 3);
  say('Waiting for 30 secs for policy to take effect on WU Agent.', rng.int(1500, 2500));
  const wsusServer = o.gpoServer ?? w.site.supUrl;
  const wu = w.wu();
  const at = clock.t + rng.int(200, 2000);
  const wuThread = rng.thread();
  const changed = (msg: string, comp = 'Agent') =>
    wu.add(at, msg, { component: comp, source: String(w.wuPid), thread: wuThread });
  if (w.os === 'win7') {
    changed('***********  Agent: Initializing global settings cache  ***********');
    changed(`  * WSUS server: ${wsusServer} (Changed)`);
    changed(`  * WSUS status server: ${wsusServer} (Changed)`);
    changed('  * Target group: (Unassigned Computers)');
    changed('Sus server changed through policy.', 'AU');
  } else {
    changed(`WSUS server: ${wsusServer}`, 'Misc');
  }
  if (o.gpoServer) {
    // The seed's line, with the server Group Policy gave. The same server and port is no conflict.
    say(
      `Group policy settings were overwritten by a higher authority (Domain Controller) to: Server ${o.gpoServer} and Policy ENABLED`,
      rng.int(20000, 30000),
      2,
    );
    if (!sameServer(o.gpoServer, w.site.supUrl)) {
      say(
        `Failed to Add Update Source for WUAgent of type (2) and id ({${us}}). Error = 0x87d00692.`,
        rng.int(3, 20),
        3,
      );
      return { ok: false, code: '0x87D00692' };
    }
    say(`Added Update Source ({${us}}) of content type: 2`, rng.int(5, 30));
    return { ok: true };
  }
  say(`Added Update Source ({${us}}) of content type: 2`, rng.int(29000, 31000));
  return { ok: true };
}

/** Server name and port equal (case-insensitive; the default port of the scheme when none is written). */
export function sameServer(a: string, b: string): boolean {
  const norm = (u: string) => {
    const m = /^(https?):\/\/([^/:]+)(?::(\d+))?/i.exec(u.trim());
    if (!m) return u.toLowerCase();
    return `${m[2].toLowerCase()}:${m[3] ?? (m[1].toLowerCase() === 'https' ? '443' : '80')}`;
  };
  return norm(a) === norm(b);
}

/** UpdatesStore records each update's status after a scan and raises its TopicType 500 state message. */
function recordStatuses(
  w: World,
  from: number,
  statuses: Array<{ id: string; installed: boolean }>,
  thread: number,
): void {
  const store = w.c('UpdatesStore.log');
  const sm = w.c('StateMessage.log');
  let t = from;
  for (const s of statuses) {
    store.add(
      t,
      `Processing update status from update (${s.id}) with ProductID = 0fa1201d-4330-4fa8-8ae9-b877473b6441`,
      { thread },
    );
    store.add(t + 2, `Update status from update (${s.id}) hasn't been reported before, creating new instance.`, {
      thread,
    });
    store.add(
      t + 7,
      `Successfully raised state message for update (${s.id}) with state (${s.installed ? 'Installed' : 'Missing'}).`,
      { thread },
    );
    sm.add(t + 7, `Adding message with TopicType 500 and TopicId ${s.id} to WMI`, { thread });
    sm.add(
      t + 9,
      `State message(State ID : ${s.installed ? 3 : 2}) with TopicType 500 and TopicId ${s.id} has been recorded for SYSTEM`,
      { thread },
    );
    store.add(t + 12, `Successfully added WMI instance of update status (${s.id}).`, { thread });
    t += w.rng.int(60, 100);
  }
}

/** One scan job, from Scan Agent's request to the state messages. */
export function scanJob(w: World, t0: number, o: ScanOptions = {}): ScanResult {
  const rng = w.rng;
  const sa = w.c('ScanAgent.log');
  const wua = w.c('WUAHandler.log');
  const job = o.job ?? rng.guid();
  const us = w.updateSource;
  const clock = new Clock(t0, o.cutAfterMs !== undefined ? t0 + o.cutAfterMs : Infinity);
  let thread = rng.thread();
  const say = (msg: string, dt: number, type: 1 | 2 | 3 = 1, th = thread) => {
    clock.t += dt;
    if (clock.live()) sa.add(clock.t, msg, { thread: th, type });
    return clock.t;
  };
  const h = (msg: string, dt: number, type: 1 | 2 | 3 = 1, th = thread) => {
    clock.t += dt;
    if (clock.live()) wua.add(clock.t, msg, { thread: th, type });
    return clock.t;
  };
  say(`CScanAgent::ScanByUpdates- Policy available for UpdateSourceID={${us}} ContentVersion=${w.contentVersion}`, 0);
  say(
    `CScanAgent::ScanByUpdates- Added Policy to final ScanRequest List UpdateSourceID={${us}}, Policy-ContentVersion=${w.contentVersion}, Required-ContentVersion=${w.contentVersion}`,
    rng.int(3, 4000),
  );
  say('Inside CScanAgent::ProcessScanRequest()', rng.int(10, 30));
  say('CScanJobManager::Scan- entered', 2);
  const start = say(`ScanJob({${job}}): CScanJob::Initialize- entered`, rng.int(3, 8));
  say(`ScanJob({${job}}): CScanJob::Scan- entered`, rng.int(3, 8));
  let locationRequest: string | undefined;
  const handlerStarts: number[] = [];
  if (o.location) {
    const loc = requestLocation(w, clock, job, thread, o.location);
    locationRequest = loc.request;
    if (!loc.ok) return { job, locationRequest, start, end: clock.t, handlerStarts };
    thread = rng.thread();
  }
  const attempts: Array<'ok' | 'fail'> = [o.failCode ? 'fail' : 'ok', ...(o.retries ?? [])];
  let end = clock.t;
  for (let attempt = 0; attempt < attempts.length; attempt++) {
    const outcome = attempts[attempt];
    if (attempt > 0) {
      clock.t += 30 * MIN + rng.int(5, 20);
      thread = rng.thread();
      say(`ScanJob({${job}}): CScanJob::OnScanRetry- Retrying scan (retry ${attempt} of 4)`, 0);
    }
    say(
      `ScanJob({${job}}): CScanJob::Execute- Adding UpdateSource={${us}}, ContentType=2, ContentLocation=${w.site.supUrl}, ContentVersion=${w.contentVersion}`,
      rng.int(5, 15),
    );
    const added = addSource(
      w,
      clock,
      thread,
      attempt === 0 ? o : { ...o, newSource: false, gpoServer: undefined },
      handlerStarts,
    );
    if (!added.ok) {
      say(
        `ScanJob({${job}}): CScanJob::OnScanComplete -Scan Failed with Error=${added.code!.toLowerCase()}`,
        rng.int(5, 30),
        3,
      );
      end = say(
        `CScanAgent::ScanComplete- Scan Failed for ToolUniqueID={${us}}, with Error=${added.code!.toLowerCase()}`,
        4,
      );
      break;
    }
    const sm = w.c('StateMessage.log');
    if (clock.live()) {
      sm.add(clock.t + 1, `Adding message with TopicType 501 and TopicId {${us}} to WMI`, { thread });
      sm.add(
        clock.t + 3,
        `State message(State ID : 2) with TopicType 501 and TopicId {${us}} has been recorded for SYSTEM`,
        { thread },
      );
    }
    say(`ScanJob({${job}}): Raised UpdateSource ({${us}}) state message successfully. StateId = 2`, rng.int(4, 300));
    h(
      'Scan results will include superseded updates only when they are superseded by service packs and definition updates.',
      rng.int(5, 300),
    );
    h("Search Criteria is (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')", 1);
    h('Running single-call scan of updates.', 2);
    // The same call: WUAHandler starts the async search, then Scan Agent logs that it requested the scan.
    let searchStart: number;
    if (o.handlerFirst) {
      searchStart = h('Async searching of updates using WUAgent started.', rng.int(5, 70));
      say(`ScanJob({${job}}): CScanJob::Execute - successfully requested Scan, ScanType=1`, rng.int(1, 12));
    } else {
      say(`ScanJob({${job}}): CScanJob::Execute - successfully requested Scan, ScanType=1`, rng.int(5, 70));
      searchStart = h('Async searching of updates using WUAgent started.', rng.int(5, 90));
    }
    const searchMs = o.searchMs ?? rng.int(3, 90) * SEC;
    const code = outcome === 'fail' ? (o.failCode ?? '0x80244021') : '0x00000000';
    if (clock.live(searchStart + searchMs))
      wuSearch(w, searchStart + 20, searchMs - 200, 'CcmExec', code, { online: o.online });
    clock.at(searchStart + searchMs);
    const callback = rng.thread();
    if (outcome === 'fail') {
      h(`OnSearchComplete - Failed to end search job. Error = ${code}.`, 0, 3, callback);
      h(`Scan failed with error = ${code}.`, rng.int(30, 90), 3);
      say(`ScanJob({${job}}): CScanJob::OnScanComplete -Scan Failed with Error=${code}`, rng.int(20, 40), 3);
      end = say(`CScanAgent::ScanComplete- Scan Failed for ToolUniqueID={${us}}, with Error=${code}`, 4);
      if (attempt < 3)
        say(
          `ScanJob({${job}}): CScanJob::ScheduleScanRetry- Scan retry ${attempt + 1} of 4 will be attempted in 30 minutes`,
          5,
          2,
        );
      continue;
    }
    h('Async searching completed.', 0, 1, callback);
    h('Finished searching for everything in single call.', rng.int(10, 120));
    const statuses = o.statuses
      ? KBS.slice(0, rng.int(2, 6)).map(([kb, title]) => ({
          kb,
          title,
          id: rng.guid().toLowerCase(),
          installed: rng.chance(0.5),
        }))
      : [];
    for (const s of statuses)
      h(`Update (${s.installed ? 'Installed' : 'Missing'}): ${s.title} (${s.id}, ${rng.int(100, 210)})`, 3);
    h('Successfully completed scan.', rng.int(20, 600));
    say(`ScanJob({${job}}): CScanJob::OnScanComplete -Scan completed successfully, ScanType=1`, rng.int(20, 120));
    end = say(`CScanAgent::ScanComplete- Scan completed successfully for ToolUniqueID={${us}}, ScanType=1`, 6);
    if (statuses.length && clock.live(clock.t + 2000))
      recordStatuses(w, clock.t + rng.int(300, 1200), statuses, thread);
    break;
  }
  return { job, locationRequest, start, end, handlerStarts };
}

/**
 * Another Windows Update caller searching, failing or not: Windows Defender (definitions, often from Microsoft
 * Update), Automatic Updates (WUA 7), and on Windows 10 the Update Orchestrator and the driver retrieval client
 * (the callers of ../shared/corpus/real WindowsUpdate.log files).
 */
export function otherCaller(
  w: World,
  t: number,
  caller: 'Windows Defender' | 'AutomaticUpdates' | 'UpdateOrchestrator' | 'Device Driver Retrieval Client',
  code = '0x00000000',
  ms = w.rng.int(4, 40) * SEC,
): number {
  const microsoftUpdate =
    caller === 'Device Driver Retrieval Client' || (caller === 'Windows Defender' && w.rng.chance(0.5));
  const url = microsoftUpdate ? 'https://fe2.update.microsoft.com/v6' : w.site.supUrl;
  return wuSearch(w, t, ms, caller, code, { serviceUrl: url });
}

/** Quiet client noise: other components writing to the same logs (never part of a flow). */
export function clientNoise(w: World, from: number, to: number): void {
  const rng = w.rng;
  for (let t = from + rng.int(1, 20) * MIN; t < to; t += rng.int(20, 90) * MIN) {
    w.c('CcmMessaging.log').add(
      t,
      `Sending async message '{${rng.guid()}}' to outgoing queue 'mp:[http]mp_policyagent'`,
      { thread: rng.thread() },
    );
    w.c('LocationServices.log').add(t + rng.int(100, 2000), `Current AD site of machine is ${w.site.adSite}`, {
      thread: rng.thread(),
    });
    w.c('ScanAgent.log').add(t + rng.int(3000, 9000), 'Inside CScanAgent::Notify()', { thread: rng.thread() });
    w.c('UpdatesDeployment.log').add(
      t + rng.int(3000, 9000),
      'CTargetedUpdatesManager::DetectRebootPendingUpdates - Total Pending reboot updates = 0',
      { thread: rng.thread() },
    );
    if (rng.chance(0.3))
      w.c('CAS.log').add(t + rng.int(100, 900), 'User policy requested with no user credentials.', {
        thread: rng.thread(),
        type: 2,
      });
    // The sample's DNS lookup warning after a restart (the MP then comes from AD): harmless.
    if (rng.chance(0.2)) {
      const th = rng.thread();
      w.c('LocationServices.log').add(t + 3000, 'Attempting to retrieve lookup MP(s) from DNS', { thread: th });
      w.c('LocationServices.log').add(
        t + 3050,
        `Failed to retrieve DNS service record using _mssms_mp_${w.site.code.toLowerCase()}._tcp.${w.site.domain} lookup. DNS returned error 9003`,
        { thread: th, type: 2 },
      );
      w.c('LocationServices.log').add(t + 3070, `Retrieved lookup MP(s) from AD: '${w.site.mp}'`, { thread: th });
    }
  }
}

/** WindowsUpdate.log (WUA 7) starts with the service start block, whose "tz:" gives the log's zone. */
export function wuStartup(w: World, t: number): void {
  if (w.os !== 'win7') return;
  const log = w.wu();
  const pid = String(w.wuPid);
  const th = w.rng.thread();
  const add = (comp: string, msg: string, dt = 0) => log.add(t + dt, msg, { component: comp, source: pid, thread: th });
  add('Misc', `===========  Logging initialized (build: 7.6.7600.256, tz: ${wuTz(w.client.biasAt(t))})  ===========`);
  add('Misc', '  = Process: C:\\Windows\\system32\\svchost.exe');
  add('Misc', '  = Module: c:\\windows\\system32\\wuaueng.dll');
  add('Service', '*************');
  add('Service', '** START **  Service: Service startup');
  add('Service', '*********');
  add('Agent', '  * WU client version 7.6.7600.256', 31);
  add('Agent', '  * Access type: No proxy', 31);
  add('Agent', '***********  Agent: Initializing global settings cache  ***********', 45000);
  add('Agent', `  * WSUS server: ${w.site.supUrl}`, 45000);
  add('Agent', `  * WSUS status server: ${w.site.supUrl}`, 45000);
}
