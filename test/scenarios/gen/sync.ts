// Site server flows: WSUS synchronization (WSyncMgr.log, SoftwareDistribution.log) and the hourly WSUS
// Configuration Manager check (WCM.log). Lines are the seed's ([SUM] "Synchronization", top-level and child
// site steps, and Troubleshooting > Synchronization) as samples/siteserver re-types them; the EULA failure is
// WSyncMgr's real wording ("Failed to sync update … Microsoft Software License Terms have not been completely
// downloaded and~~cannot be accepted", the `~~` is how WSyncMgr writes the line break of the WSUS message).
import { gmtDate, HOUR, localDate, MIN, SEC } from './core';
import type { World } from './world';

export interface SyncOptions {
  /** What started it: the schedule, a console request, the parent site's notification, or the 60-minute retry. */
  trigger: 'schedule' | 'manual' | 'parent' | 'retry';
  /** The top-level site syncs from Microsoft Update and the site database; a child primary syncs from its parent. */
  level?: 'top' | 'child';
  /** Time between 6704 and "Done synchronizing WSUS Server" (seconds for a quiet day, hours for a first sync). */
  wsusMs: number;
  /** Time of the site database phase (6705 to "Done synchronizing SMS with WSUS Server"), top-level site only. */
  dbMs?: number;
  /** A second SUP at the site: 6706 and the replica sync. */
  replica?: boolean;
  failure?: 'notConfigured' | 'eula' | 'http503';
  /** The logs were collected this long after the start: nothing later is written (a sync still running). */
  cutAfterMs?: number;
  /** Updates the sync brings in. */
  items?: number;
}

export interface SyncResult {
  /** Time of "Starting Sync". */
  start: number;
  end: number;
  /** The site code the finding's key starts with. */
  site: string;
}

const UPDATE_TITLES = [
  'Definition Update for Microsoft Endpoint Protection - KB2461484 (Definition 1.165.1945.0)',
  'Windows Malicious Software Removal Tool x64 - January 2014 (KB890830)',
  'Security Update for Windows 7 for x64-based Systems (KB2893294)',
  'Cumulative Security Update for Internet Explorer 11 for Windows 7 for x64-based Systems (KB2898785)',
  'Security Update for Microsoft Office 2010 (KB2826023) 32-Bit Edition',
  'Update for Windows Server 2012 R2 (KB2919355)',
  'Security Update for Microsoft .NET Framework 4.5.1 on Windows 7 x64 (KB2898857)',
  'Definition Update for Windows Defender - KB915597 (Definition 1.165.1962.0)',
];

/** SMSExec's process id: one per site server, on every STATMSG line. */
const PIDS = new WeakMap<World, number>();
function smsExecPid(w: World): number {
  let pid = PIDS.get(w);
  if (pid === undefined) PIDS.set(w, (pid = w.rng.int(400, 4000)));
  return pid;
}

function statmsg(
  w: World,
  id: number,
  utc: number,
  site: string,
  fqdn: string,
  thread: number,
  sev = 'I',
  istr: string[] = [],
): string {
  const strings = Array.from({ length: 10 }, (_, i) => `ISTR${i}="${istr[i] ?? ''}"`).join(' ');
  return `STATMSG: ID=${id} SEV=${sev} LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=${fqdn} SITE=${site} PID=${smsExecPid(w)} TID=${thread} GMTDATE=${gmtDate(utc)} ${strings} NUMATTRS=0`;
}

function syncTime(ms: number): string {
  const s = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 86400)}d${pad(Math.floor(s / 3600) % 24)}h${pad(Math.floor(s / 60) % 60)}m${pad(s % 60)}s`;
}

function eta(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** One WSyncMgr sync cycle being written: its site, threads, clock and the phases the seed describes. */
class SyncCycle {
  readonly rng;
  readonly log;
  readonly wsus;
  readonly top: boolean;
  readonly site: string;
  readonly fqdn: string;
  readonly sup: string;
  readonly main: number;
  readonly worker: number;
  readonly cut: number;
  t: number;
  start = 0;
  wsusThread = 0;

  constructor(
    readonly w: World,
    t0: number,
    readonly o: SyncOptions,
  ) {
    this.rng = w.rng;
    this.log = w.s('WSyncMgr.log');
    this.wsus = w.wsus();
    this.top = (o.level ?? 'top') === 'top';
    this.site = this.top ? w.site.topCode : w.site.code;
    this.fqdn = this.top ? w.site.topServer : w.site.server;
    this.sup = this.fqdn.toLowerCase();
    this.main = this.rng.thread();
    this.worker = this.rng.thread();
    this.cut = o.cutAfterMs !== undefined ? t0 + o.cutAfterMs : Infinity;
    this.t = t0;
  }

  /** Writes `msg` (or the text made from its own time, for STATMSG GMTDATE) `dt` ms after the previous line. */
  say(msg: string | ((at: number) => string), thread = this.main, dt = this.rng.int(2, 90)): number {
    this.t += dt;
    if (this.t <= this.cut) this.log.add(this.t, typeof msg === 'string' ? msg : msg(this.t), { thread });
    return this.t;
  }

  sayAt(at: number, msg: string, thread = this.main): number {
    this.t = at;
    if (this.t <= this.cut) this.log.add(this.t, msg, { thread });
    return this.t;
  }

  statmsg(id: number, dt: number): number {
    return this.say((at) => statmsg(this.w, id, at, this.site, this.fqdn, this.main), this.main, dt);
  }

  /** A SoftwareDistribution.log line (WSUS, UTC). */
  ws(at: number, level: string, thread: string, method: string, msg: string): void {
    if (at <= this.cut) this.wsus.add(at, msg, { component: `${level}\t${thread}\t${method}` });
  }

  get service(): string {
    return `WsusService.${this.wsusThread}`;
  }

  /** What woke WSyncMgr, the SUPs from the site control file, 6701. */
  begin(): void {
    const { o, w, rng, fqdn } = this;
    if (o.trigger === 'schedule') this.say('Wakeup for scheduled regular sync', this.main, 0);
    if (o.trigger === 'manual' || o.trigger === 'parent') {
      this.say('Wakeup by inbox drop', this.main, 0);
      this.say(
        o.trigger === 'manual'
          ? 'Found local sync request file'
          : `Found parent sync notification file ${w.site.topCode}.SYN.`,
        this.main,
        rng.int(500, 5200),
      );
    }
    this.start = this.say('Starting Sync');
    this.say(
      `Performing sync on ${{ schedule: 'regular schedule', manual: 'local request', parent: 'parent request', retry: 'retry schedule' }[o.trigger]}`,
    );
    this.say(`Read SUPs from SCF for ${fqdn}`, this.main, rng.int(60, 90));
    this.say(`Found ${o.replica ? 2 : 1} SUPs`);
    this.say(`Found active SUP ${fqdn} from SCF File.`);
    if (o.replica)
      this.say(`Found active SUP ${this.top ? w.site.topServer.replace('SITE.', 'SYS.') : w.site.mp} from SCF File.`);
    this.statmsg(6701, rng.int(300, 400));
  }

  /** The seed's failure ending: "Sync failed: …", 6703, the alert, the retry in 60 minutes. */
  fail(reason: string, source: string): SyncResult {
    this.say(`Sync failed: ${reason} Source: ${source}`, this.main, this.rng.int(20, 60));
    this.say((at) => statmsg(this.w, 6703, at, this.site, this.fqdn, this.main, 'E', [source, reason]), this.main, 15);
    this.say(`Setting sync alert to active state on site ${this.site}`);
    const end = this.say('Sync failed. Will retry in 60 minutes');
    return { start: this.start, end, site: this.site };
  }

  /** 6704: WSUS syncs (WSyncMgr's progress lines, WSUS's own log). Returns the update count, or null when WSUS fails. */
  wsusPhase(): number | null {
    const { o, w, rng, worker } = this;
    this.statmsg(6704, rng.int(900, 1200));
    const wsusStart = this.say(`Synchronizing WSUS server ${this.sup} ...`, worker, rng.int(20, 40));
    this.say('sync: Starting WSUS synchronization', worker, rng.int(100, 200));
    // WSUS (UTC, its own log): the API call WSyncMgr makes is a manual start, whatever triggered WSyncMgr.
    this.wsusThread = rng.int(10, 40);
    const upstream = this.top ? 'Microsoft Update' : `upstream server ${w.site.topServer.toLowerCase()}`;
    this.ws(
      wsusStart + 500,
      'Change',
      `w3wp.${rng.int(10, 90)}`,
      'AdminDataAccess.StartSubscriptionManually',
      'Synchronization manually started',
    );
    this.ws(
      wsusStart + 2400,
      'Info',
      this.service,
      'CatalogSyncAgent.SetSubscriptionStateWithRetry',
      'Firing event SyncStart...',
    );
    this.ws(
      wsusStart + 2420,
      'Info',
      this.service,
      'EventLogEventReporter.ReportEvent',
      'EventId=382,Type=Information,Category=Synchronization,Message=A manual synchronization was started.',
    );
    this.ws(
      wsusStart + 3800,
      'Info',
      this.service,
      'CatalogSyncAgentCore.ExecuteSyncProtocol',
      `Synchronizing categories from ${upstream}`,
    );
    if (o.failure === 'http503') {
      this.ws(
        wsusStart + 5200,
        'Error',
        this.service,
        'CatalogSyncAgentCore.ExecuteSyncProtocol',
        'WebException: The request failed with HTTP status 503: Service Unavailable.',
      );
      return null;
    }
    const wsusEnd = wsusStart + o.wsusMs;
    const items = o.items ?? rng.int(4, 400);
    this.say('sync: WSUS synchronizing categories', worker, Math.min(o.wsusMs / 10, rng.int(2000, 8000)));
    const updatesAt = this.say(
      'sync: WSUS synchronizing updates',
      worker,
      Math.min(o.wsusMs / 10, rng.int(1000, 4000)),
    );
    this.ws(
      updatesAt - 40,
      'Info',
      this.service,
      'CatalogSyncAgentCore.ExecuteSyncProtocol',
      `Synchronizing updates from ${upstream}`,
    );
    // Progress lines: every few minutes on a long sync, as WSyncMgr polls WSUS.
    const span = wsusEnd - updatesAt - 5 * SEC;
    const steps = Math.max(1, Math.min(60, Math.floor(span / (rng.int(2, 6) * MIN))));
    for (let i = 1; i <= steps; i++) {
      const at = updatesAt + Math.round((span * i) / (steps + 1));
      const done = Math.round((items * i) / (steps + 1));
      this.sayAt(
        at,
        `sync: WSUS synchronizing updates, processed ${done} out of ${items} items (${Math.floor((100 * done) / items)}%), ETA in ${eta(wsusEnd - at)}`,
        worker,
      );
    }
    this.sayAt(
      wsusEnd - 3 * SEC,
      `sync: WSUS synchronizing updates, processed ${items} out of ${items} items (100%)`,
      worker,
    );
    this.ws(
      wsusEnd - 2 * SEC,
      'Info',
      this.service,
      'EventLogEventReporter.ReportEvent',
      'EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.',
    );
    this.ws(
      wsusEnd - 1 * SEC,
      'Info',
      `WsusService.${this.wsusThread + 16}`,
      'CatalogSyncAgent.SetSubscriptionStateWithRetry',
      'Firing event SyncFinish...',
    );
    this.sayAt(wsusEnd, `Done synchronizing WSUS Server ${this.sup}`, worker);
    this.say('Sleeping 2 more minutes for WSUS server sync results to become available', this.main, rng.int(3, 9));
    this.t += 2 * MIN;
    return items;
  }

  /** 6705 (top-level site): the site database takes the updates from WSUS. Returns false when an update's EULA is missing. */
  databasePhase(items: number, version: number): boolean {
    const { o, w, rng, site, main } = this;
    this.say(
      `Set content version of update source {${w.updateSource}} for site ${site} to ${version}`,
      main,
      rng.int(100, 900),
    );
    this.statmsg(6705, 36);
    this.say(`Synchronizing SMS database with WSUS server ${this.sup} ...`);
    this.say('sync: SMS synchronizing categories', main, rng.int(100, 200));
    this.say(
      `sync: SMS synchronizing categories, processed ${items > 200 ? 223 : 41} out of ${items > 200 ? 223 : 41} items (100%)`,
      main,
      rng.int(800, 2000),
    );
    this.say('sync: SMS synchronizing updates');
    const dbMs = o.dbMs ?? rng.int(20, 300) * SEC;
    const shown = Math.min(items, 12);
    let eulaFailed = false;
    for (let i = 0; i < shown; i++) {
      const id = rng.guid().toLowerCase();
      this.say(`Synchronizing update ${id} - ${rng.pick(UPDATE_TITLES)}`, main, Math.round(dbMs / (shown + 2)));
      if (o.failure === 'eula' && i === Math.floor(shown / 2)) {
        eulaFailed = true;
        this.say(
          `Failed to sync update ${id}. Error: The Microsoft Software License Terms have not been completely downloaded and~~cannot be accepted. Source: Microsoft.UpdateServices.Internal.BaseApi.LicenseAgreement.GetById`,
          main,
          rng.int(200, 900),
        );
        this.ws(
          this.t - 300,
          'Warning',
          `w3wp.${rng.int(10, 90)}`,
          'AdminDataAccess.ExecuteSPGetEulaFileLicenseAgreement',
          `file does not exist: E:\\WSUS\\WsusContent\\${rng.hex(2)}\\${rng.hex(40)}.txt`,
        );
      }
    }
    this.say(`sync: SMS synchronizing updates, processed ${shown} out of ${shown} items (100%)`);
    this.say(`Done synchronizing SMS with WSUS Server ${this.sup}`, main, rng.int(2000, 9000));
    return !eulaFailed;
  }

  /** 6706: the other SUPs of the site (replica WSUS servers). */
  replicaPhase(): void {
    const { w, rng, worker } = this;
    const replica = (this.top ? w.site.topServer.replace('SITE.', 'SYS.') : w.site.mp).toLowerCase();
    this.say('Synchronizing replica WSUS servers');
    this.statmsg(6706, 20);
    this.say(`Synchronizing WSUS server ${replica} ...`, worker);
    this.say('sync: Starting Replica WSUS synchronization', worker);
    this.say('sync: Replica WSUS synchronizing other items', worker, rng.int(2000, 20000));
    this.say(
      'sync: Replica WSUS synchronizing other items, processed 4 out of 4 items (100%)',
      worker,
      rng.int(5000, 60000),
    );
    this.say(`Done synchronizing WSUS Server ${replica}`, worker);
  }

  /** 6702, "Sync time", the notification to child sites and the next schedule. */
  succeed(items: number, version: number): SyncResult {
    const { w, rng, site, main } = this;
    this.statmsg(6702, 24);
    this.say(`Sync succeeded. Setting sync alert to canceled state on site ${site}`);
    if (this.top)
      this.say(`Updated ${items} items in SMS database, new update source content version is ${w.contentVersion}`);
    else this.say(`Successfully synced site with parent ${w.site.topCode}, version ${version}`);
    const end = this.say(`Sync time: ${syncTime(this.t + 2 - this.start)}`, main, 2);
    const children = this.top ? w.site.children : [];
    if (children.length) {
      this.say(`Sending sync notification to child site(s): ${children.join(', ')}`, main, rng.int(50, 120));
      this.say(
        `SQL Replication type has not been set for E:\\ConfigMgr\\inboxes\\WSyncMgr.box\\outbox\\${site}.SYN, replicating to (${children.join(', ')}), inbox: E:\\ConfigMgr\\inboxes\\replmgr.box`,
      );
    }
    const next = localDate(this.start + 24 * HOUR, w.server.bias);
    this.say(
      `Next scheduled sync is a regular sync at ${next.getUTCMonth() + 1}/${next.getUTCDate()}/${next.getUTCFullYear()} ${((next.getUTCHours() + 11) % 12) + 1}:${String(next.getUTCMinutes()).padStart(2, '0')}:00 ${next.getUTCHours() < 12 ? 'AM' : 'PM'}`,
    );
    return { start: this.start, end, site };
  }
}

/** One WSyncMgr sync cycle, with WSUS's own SoftwareDistribution.log lines in between. */
export function syncRun(w: World, t0: number, o: SyncOptions): SyncResult {
  const c = new SyncCycle(w, t0, o);
  c.begin();
  if (o.failure === 'notConfigured')
    return c.fail(
      'WSUS server not configured. Please refer to WCM.log for configuration error details.',
      'CWSyncMgr::DoSync',
    );
  const items = c.wsusPhase();
  if (items === null) {
    return c.fail(
      'UssCommunicationError: WebException: The request failed with HTTP status 503: Service Unavailable.~~   at System.Web.Services.Protocols.SoapHttpClientProtocol.ReadResponse(SoapClientMessage message, WebResponse response, Stream responseStream, Boolean asyncCall). ',
      'Microsoft.UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig',
    );
  }
  const version = w.contentVersion;
  if (c.top) {
    if (!c.databasePhase(items, version)) return c.fail('Failed to sync some of the updates.', 'CWSyncMgr::DoSync');
    w.contentVersion = version + 1;
    c.say(`Set content version of update source {${w.updateSource}} for site ${c.site} to ${w.contentVersion}`);
  } else {
    c.say(
      `Set content version of update source {${w.updateSource}} for site ${c.site} to ${version}`,
      c.main,
      w.rng.int(100, 900),
    );
  }
  if (o.replica) c.replicaPhase();
  return c.succeed(items, version);
}

/** WCM's hourly check of the WSUS configuration (seed [SUM] "WSUS Configuration Manager"); `fail503` as in the samples. */
export function wcmCheck(w: World, t0: number, o: { fail503?: boolean; server?: string } = {}): number {
  const rng = w.rng;
  const log = w.s('WCM.log');
  const thread = rng.thread();
  const server = o.server ?? w.site.topServer;
  let t = t0;
  const say = (msg: string, dt = rng.int(2, 45)) => {
    t += dt;
    log.add(t, msg, { thread });
    return t;
  };
  say('Timed Out...', 0);
  say('Checking for supported version of WSUS (min WSUS 3.0 SP2 + KB2720211 + KB2734608)');
  say('Checking runtime v4.0.30319...');
  say('Found supported assembly Microsoft.UpdateServices.Administration version 4.0.0.0, file version 6.2.9200.16384');
  say('Supported WSUS version found');
  say(`Attempting connection to WSUS server: ${server}, port: 8530, useSSL: False`);
  if (o.fail503) {
    say(
      [
        'System.Net.WebException: The request failed with HTTP status 503: Service Unavailable.',
        '   at Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer(Object[] args)',
        '   at Microsoft.UpdateServices.Administration.AdminProxy.GetUpdateServer(String serverName, Boolean useSecureConnection, Int32 portNumber)',
        '   at Microsoft.SystemsManagementServer.WSUS.WSUSServer.ConnectToWSUSServer(String ServerName, Boolean UseSSL, Int32 PortNumber)',
      ].join('\n'),
      rng.int(900, 1500),
    );
    say('Remote configuration failed on WSUS Server.');
    say('Setting new configuration state to 3 (WSUS_CONFIG_FAILED)');
  } else {
    say(`Successfully connected to server: ${server}, port: 8530, useSSL: False`, rng.int(900, 1500));
    say('Verify Upstream Server settings on the Active WSUS Server');
    say('No changes - WSUS Server settings are correctly configured and Upstream Server is set to Microsoft Update');
    say('Setting new configuration state to 2 (WSUS_CONFIG_SUCCESS)');
  }
  return say('Waiting for changes for 59 minutes');
}

/** WCM checks every hour from `from` to `to`; the ones at the given hours fail with HTTP 503. */
export function wcmHourly(w: World, from: number, to: number, failing: number[] = []): void {
  let i = 0;
  for (let t = from; t < to; t += HOUR + w.rng.int(0, 4) * SEC, i++) wcmCheck(w, t, { fail503: failing.includes(i) });
}
