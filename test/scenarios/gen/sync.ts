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

function statmsg(w: World, id: number, utc: number, site: string, fqdn: string, thread: number, sev = 'I', istr: string[] = []): string {
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

/** One WSyncMgr sync cycle, with WSUS's own SoftwareDistribution.log lines in between. */
export function syncRun(w: World, t0: number, o: SyncOptions): SyncResult {
  const rng = w.rng;
  const log = w.s('WSyncMgr.log');
  const wsus = w.wsus();
  const top = (o.level ?? 'top') === 'top';
  const site = top ? w.site.topCode : w.site.code;
  const fqdn = top ? w.site.topServer : w.site.server;
  const sup = fqdn.toLowerCase();
  const main = rng.thread();
  const worker = rng.thread();
  const cut = o.cutAfterMs !== undefined ? t0 + o.cutAfterMs : Infinity;
  let t = t0;
  /** Writes `msg` (or the text made from its own time, for STATMSG GMTDATE) `dt` ms after the previous line. */
  const say = (msg: string | ((at: number) => string), thread = main, dt = rng.int(2, 90)) => {
    t += dt;
    if (t <= cut) log.add(t, typeof msg === 'string' ? msg : msg(t), { thread });
    return t;
  };
  const sayAt = (at: number, msg: string, thread = main) => {
    t = at;
    if (t <= cut) log.add(t, msg, { thread });
    return t;
  };

  if (o.trigger === 'schedule') say('Wakeup for scheduled regular sync', main, 0);
  if (o.trigger === 'manual' || o.trigger === 'parent') {
    say('Wakeup by inbox drop', main, 0);
    say(o.trigger === 'manual' ? 'Found local sync request file' : `Found parent sync notification file ${w.site.topCode}.SYN.`, main, rng.int(500, 5200));
  }
  const start = say('Starting Sync');
  say(`Performing sync on ${{ schedule: 'regular schedule', manual: 'local request', parent: 'parent request', retry: 'retry schedule' }[o.trigger]}`);
  say(`Read SUPs from SCF for ${fqdn}`, main, rng.int(60, 90));
  say(`Found ${o.replica ? 2 : 1} SUPs`);
  say(`Found active SUP ${fqdn} from SCF File.`);
  if (o.replica) say(`Found active SUP ${top ? w.site.topServer.replace('SITE.', 'SYS.') : w.site.mp} from SCF File.`);
  say((at) => statmsg(w, 6701, at, site, fqdn, main), main, rng.int(300, 400));

  const fail = (reason: string, source: string) => {
    say(`Sync failed: ${reason} Source: ${source}`, main, rng.int(20, 60));
    say((at) => statmsg(w, 6703, at, site, fqdn, main, 'E', [source, reason]), main, 15);
    say(`Setting sync alert to active state on site ${site}`);
    const end = say('Sync failed. Will retry in 60 minutes');
    return { start, end, site };
  };
  if (o.failure === 'notConfigured') return fail('WSUS server not configured. Please refer to WCM.log for configuration error details.', 'CWSyncMgr::DoSync');

  say((at) => statmsg(w, 6704, at, site, fqdn, main), main, rng.int(900, 1200));
  const wsusStart = say(`Synchronizing WSUS server ${sup} ...`, worker, rng.int(20, 40));
  say('sync: Starting WSUS synchronization', worker, rng.int(100, 200));
  // WSUS (UTC, its own log): the API call WSyncMgr makes is a manual start, whatever triggered WSyncMgr.
  const wsusThread = rng.int(10, 40);
  const service = `WsusService.${wsusThread}`;
  const ws = (at: number, level: string, thread: string, method: string, msg: string) => {
    if (at <= cut) wsus.add(at, msg, { component: `${level}\t${thread}\t${method}` });
  };
  ws(wsusStart + 500, 'Change', `w3wp.${rng.int(10, 90)}`, 'AdminDataAccess.StartSubscriptionManually', 'Synchronization manually started');
  ws(wsusStart + 2400, 'Info', service, 'CatalogSyncAgent.SetSubscriptionStateWithRetry', 'Firing event SyncStart...');
  ws(wsusStart + 2420, 'Info', service, 'EventLogEventReporter.ReportEvent', 'EventId=382,Type=Information,Category=Synchronization,Message=A manual synchronization was started.');
  ws(wsusStart + 3800, 'Info', service, 'CatalogSyncAgentCore.ExecuteSyncProtocol', `Synchronizing categories from ${top ? 'Microsoft Update' : `upstream server ${w.site.topServer.toLowerCase()}`}`);
  if (o.failure === 'http503') {
    ws(wsusStart + 5200, 'Error', service, 'CatalogSyncAgentCore.ExecuteSyncProtocol', 'WebException: The request failed with HTTP status 503: Service Unavailable.');
    return fail(
      'UssCommunicationError: WebException: The request failed with HTTP status 503: Service Unavailable.~~   at System.Web.Services.Protocols.SoapHttpClientProtocol.ReadResponse(SoapClientMessage message, WebResponse response, Stream responseStream, Boolean asyncCall). ',
      'Microsoft.UpdateServices.ServerSyncWebServices.ServerSync.ServerSyncProxy.GetAuthConfig',
    );
  }
  const wsusEnd = wsusStart + o.wsusMs;
  const items = o.items ?? rng.int(4, 400);
  say('sync: WSUS synchronizing categories', worker, Math.min(o.wsusMs / 10, rng.int(2000, 8000)));
  const updatesAt = say('sync: WSUS synchronizing updates', worker, Math.min(o.wsusMs / 10, rng.int(1000, 4000)));
  ws(updatesAt - 40, 'Info', service, 'CatalogSyncAgentCore.ExecuteSyncProtocol', `Synchronizing updates from ${top ? 'Microsoft Update' : `upstream server ${w.site.topServer.toLowerCase()}`}`);
  // Progress lines: every few minutes on a long sync, as WSyncMgr polls WSUS.
  const span = wsusEnd - updatesAt - 5 * SEC;
  const steps = Math.max(1, Math.min(60, Math.floor(span / (rng.int(2, 6) * MIN))));
  for (let i = 1; i <= steps; i++) {
    const at = updatesAt + Math.round((span * i) / (steps + 1));
    const done = Math.round((items * i) / (steps + 1));
    sayAt(at, `sync: WSUS synchronizing updates, processed ${done} out of ${items} items (${Math.floor((100 * done) / items)}%), ETA in ${eta(wsusEnd - at)}`, worker);
  }
  sayAt(wsusEnd - 3 * SEC, `sync: WSUS synchronizing updates, processed ${items} out of ${items} items (100%)`, worker);
  ws(wsusEnd - 2 * SEC, 'Info', service, 'EventLogEventReporter.ReportEvent', 'EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.');
  ws(wsusEnd - 1 * SEC, 'Info', `WsusService.${wsusThread + 16}`, 'CatalogSyncAgent.SetSubscriptionStateWithRetry', 'Firing event SyncFinish...');
  sayAt(wsusEnd, `Done synchronizing WSUS Server ${sup}`, worker);
  say('Sleeping 2 more minutes for WSUS server sync results to become available', main, rng.int(3, 9));
  t += 2 * MIN;
  const version = w.contentVersion;
  let eulaFailed = false;
  if (top) {
    say(`Set content version of update source {${w.updateSource}} for site ${site} to ${version}`, main, rng.int(100, 900));
    say((at) => statmsg(w, 6705, at, site, fqdn, main), main, 36);
    say(`Synchronizing SMS database with WSUS server ${sup} ...`);
    say('sync: SMS synchronizing categories', main, rng.int(100, 200));
    say(`sync: SMS synchronizing categories, processed ${items > 200 ? 223 : 41} out of ${items > 200 ? 223 : 41} items (100%)`, main, rng.int(800, 2000));
    say('sync: SMS synchronizing updates');
    const dbMs = o.dbMs ?? rng.int(20, 300) * SEC;
    const shown = Math.min(items, 12);
    for (let i = 0; i < shown; i++) {
      const id = rng.guid().toLowerCase();
      say(`Synchronizing update ${id} - ${rng.pick(UPDATE_TITLES)}`, main, Math.round(dbMs / (shown + 2)));
      if (o.failure === 'eula' && i === Math.floor(shown / 2)) {
        eulaFailed = true;
        say(
          `Failed to sync update ${id}. Error: The Microsoft Software License Terms have not been completely downloaded and~~cannot be accepted. Source: Microsoft.UpdateServices.Internal.BaseApi.LicenseAgreement.GetById`,
          main,
          rng.int(200, 900),
        );
        ws(t - 300, 'Warning', `w3wp.${rng.int(10, 90)}`, 'AdminDataAccess.ExecuteSPGetEulaFileLicenseAgreement', `file does not exist: E:\\WSUS\\WsusContent\\${rng.hex(2)}\\${rng.hex(40)}.txt`);
      }
    }
    say(`sync: SMS synchronizing updates, processed ${shown} out of ${shown} items (100%)`);
    say(`Done synchronizing SMS with WSUS Server ${sup}`, main, rng.int(2000, 9000));
    if (eulaFailed) return fail('Failed to sync some of the updates.', 'CWSyncMgr::DoSync');
    w.contentVersion = version + 1;
    say(`Set content version of update source {${w.updateSource}} for site ${site} to ${w.contentVersion}`);
  } else {
    say(`Set content version of update source {${w.updateSource}} for site ${site} to ${version}`, main, rng.int(100, 900));
  }
  if (o.replica) {
    const replica = (top ? w.site.topServer.replace('SITE.', 'SYS.') : w.site.mp).toLowerCase();
    say('Synchronizing replica WSUS servers');
    say((at) => statmsg(w, 6706, at, site, fqdn, main), main, 20);
    say(`Synchronizing WSUS server ${replica} ...`, worker);
    say('sync: Starting Replica WSUS synchronization', worker);
    say('sync: Replica WSUS synchronizing other items', worker, rng.int(2000, 20000));
    say('sync: Replica WSUS synchronizing other items, processed 4 out of 4 items (100%)', worker, rng.int(5000, 60000));
    say(`Done synchronizing WSUS Server ${replica}`, worker);
  }
  say((at) => statmsg(w, 6702, at, site, fqdn, main), main, 24);
  say(`Sync succeeded. Setting sync alert to canceled state on site ${site}`);
  if (top) say(`Updated ${items} items in SMS database, new update source content version is ${w.contentVersion}`);
  else say(`Successfully synced site with parent ${w.site.topCode}, version ${version}`);
  const end = say(`Sync time: ${syncTime(t + 2 - start)}`, main, 2);
  const children = top ? w.site.children : [];
  if (children.length) {
    say(`Sending sync notification to child site(s): ${children.join(', ')}`, main, rng.int(50, 120));
    say(`SQL Replication type has not been set for E:\\ConfigMgr\\inboxes\\WSyncMgr.box\\outbox\\${site}.SYN, replicating to (${children.join(', ')}), inbox: E:\\ConfigMgr\\inboxes\\replmgr.box`);
  }
  const next = localDate(start + 24 * HOUR, w.server.bias);
  say(`Next scheduled sync is a regular sync at ${next.getUTCMonth() + 1}/${next.getUTCDate()}/${next.getUTCFullYear()} ${((next.getUTCHours() + 11) % 12) + 1}:${String(next.getUTCMinutes()).padStart(2, '0')}:00 ${next.getUTCHours() < 12 ? 'AM' : 'PM'}`);
  return { start, end, site };
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
