// A scenario's world: a site server, a client (and a management point when the scenario needs one), each in
// its own time zone, with the names a real hierarchy has (site code, FQDNs, update source, WSUS URL), and the
// logs each component writes to. Flow builders (flows.ts) write into these logs.
import { Log, Machine, Rng, type LogOptions } from './core';

/** Client logs (CMTrace, UTF-8 with BOM except StateMessage.log, which the client writes in UTF-16LE) and their component. */
const CLIENT_COMPONENTS: Record<string, string> = {
  'ScanAgent.log': 'ScanAgent',
  'WUAHandler.log': 'WUAHandler',
  'LocationServices.log': 'LocationServices',
  'CcmMessaging.log': 'CcmMessaging',
  'UpdatesStore.log': 'UpdatesStore',
  'StateMessage.log': 'StateMessage',
  'UpdatesDeployment.log': 'UpdatesDeploymentAgent',
  'UpdatesHandler.log': 'UpdatesHandler',
  'CAS.log': 'ContentAccess',
  'ContentTransferManager.log': 'ContentTransferManager',
  'DataTransferService.log': 'DataTransferService',
  'ServiceWindowManager.log': 'ServiceWindowManager',
  'RebootCoordinator.log': 'RebootCoordinator',
  'PolicyAgent.log': 'PolicyAgent_PolicyDownload',
  'Scheduler.log': 'Scheduler',
  'MaintenanceCoordinator.log': 'MaintenanceCoordinator',
  'SCNotify.log': 'SCNotify',
  'CcmExec.log': 'CcmExec',
  'InventoryAgent.log': 'InventoryAgent',
  'CIAgent.log': 'CIAgent',
};

/** Site server logs (SMS trace, ANSI). */
const SERVER_COMPONENTS: Record<string, string> = {
  'WSyncMgr.log': 'SMS_WSUS_SYNC_MANAGER',
  'WCM.log': 'SMS_WSUS_CONFIGURATION_MANAGER',
  'WSUSCtrl.log': 'SMS_WSUS_CONTROL_MANAGER',
  'StateSys.log': 'SMS_STATE_SYSTEM',
  'MPFDM.log': 'SMS_MP_FILE_DISPATCH_MANAGER',
  'SMS_RULE_ENGINE.log': 'SMS_RULE_ENGINE',
};

/** Management point logs written by the CCM framework (CMTrace). */
const MP_COMPONENTS: Record<string, string> = {
  'MP_Relay.log': 'MP_RelayEndpoint',
  'MP_Location.log': 'MP_LocationManager',
};

export interface SiteNames {
  /** Site the client is assigned to (the primary whose SUP it scans against). */
  code: string;
  /** Top-level site that syncs from Microsoft Update (CAS or stand-alone primary). */
  topCode: string;
  domain: string;
  /** The site server FQDN (WSyncMgr runs here). */
  server: string;
  /** The top-level site server FQDN. */
  topServer: string;
  mp: string;
  /** The SUP the client is given, e.g. http://PS1SITE.CONTOSO.COM:8530. */
  supUrl: string;
  /** A second SUP of the site (replica WSUS). */
  sup2Url: string;
  dp: string;
  adSite: string;
  children: string[];
}

export interface WorldOptions {
  seed: number;
  clientBias?: number;
  serverBias?: number;
  mpBias?: number;
  /** Windows 7 writes the classic WindowsUpdate.log; Windows 10 the one Get-WindowsUpdateLog decodes from ETW. */
  os?: 'win7' | 'win10';
  clientBiasChange?: { atUtc: number; to: number };
  /** Rolled-over halves per log name (client or server). */
  rollovers?: Record<string, LogOptions['rollover']>;
  threadJitter?: number;
  /** Folder of the client's logs (several clients collected side by side: client-a/, client-b/). */
  clientFolder?: string;
}

const SITES = [
  { code: 'PS1', top: 'CS1', domain: 'CONTOSO.COM', ad: 'CM12-R2-PS1', children: ['PS1', 'PS2'] },
  { code: 'P01', top: 'CAS', domain: 'FABRIKAM.LOCAL', ad: 'HQ-Datacenter', children: ['P01', 'P02', 'P03'] },
  { code: 'NYC', top: 'HQ1', domain: 'CORP.WOODGROVE.NET', ad: 'NYC-Office', children: ['NYC', 'LON'] },
];

export class World {
  readonly rng: Rng;
  readonly client: Machine;
  readonly server: Machine;
  readonly mp: Machine;
  readonly site: SiteNames;
  readonly os: 'win7' | 'win10';
  readonly clientName: string;
  readonly clientGuid: string;
  readonly ip: string;
  readonly subnet: string;
  /** The software updates update source (scan tool) unique ID and its content version. */
  readonly updateSource: string;
  /** The site's ID in CI unique IDs ("Site_<GUID>/SUM_<update id>"). */
  readonly siteId: string;
  contentVersion: number;
  /** Process ids of the WUA service and CcmExec, as WindowsUpdate.log writes them. */
  readonly wuPid: number;
  readonly ccmPid: number;

  constructor(private readonly options: WorldOptions) {
    const rng = (this.rng = new Rng(options.seed));
    this.os = options.os ?? 'win7';
    const s = rng.pick(SITES);
    this.site = {
      code: s.code,
      topCode: s.top,
      domain: s.domain,
      server: `${s.code}SITE.${s.domain}`,
      topServer: `${s.top}SITE.${s.domain}`,
      mp: `${s.code}SYS.${s.domain}`,
      supUrl: `http://${s.code}SITE.${s.domain}:8530`,
      sup2Url: `https://${s.code}SYS.${s.domain}:8531`,
      dp: `${s.code}SITE.${s.domain}`,
      adSite: s.ad,
      children: s.children,
    };
    this.clientName = `${s.code}${this.os === 'win7' ? 'WIN7' : 'W10'}-${rng.int(100, 999)}`;
    this.clientGuid = rng.guid();
    const third = rng.int(1, 250);
    this.ip = `10.${rng.int(1, 200)}.${third}.${rng.int(10, 250)}`;
    this.subnet = this.ip.replace(/\.\d+$/, '.0');
    this.updateSource = rng.guid();
    this.siteId = rng.guid();
    this.contentVersion = rng.int(20, 140);
    this.wuPid = rng.int(700, 1400);
    this.ccmPid = rng.int(1500, 6000);
    this.client = new Machine(
      options.clientFolder ?? 'client',
      options.clientBias ?? 300,
      rng,
      options.clientBiasChange,
    );
    this.server = new Machine('siteserver', options.serverBias ?? -60, rng);
    this.mp = new Machine('mp', options.mpBias ?? options.serverBias ?? -60, rng);
  }

  /** Settings that depend on the scenario's start time: rolled-over logs, a daylight saving switch. Before writing lines. */
  configure(
    o: Pick<WorldOptions, 'rollovers' | 'clientBiasChange'> & { serverBiasChange?: { atUtc: number; to: number } },
  ): void {
    if (o.rollovers) this.options.rollovers = { ...this.options.rollovers, ...o.rollovers };
    if (o.clientBiasChange) this.client.biasChange = o.clientBiasChange;
    if (o.serverBiasChange) this.server.biasChange = o.serverBiasChange;
  }

  private opts(name: string, base: LogOptions): LogOptions {
    const rollover = this.options.rollovers?.[name];
    return { ...base, ...(rollover ? { rollover } : {}), threadJitter: this.options.threadJitter ?? 0 };
  }

  /** A client CMTrace log by file name. */
  c(name: string): Log {
    const component = CLIENT_COMPONENTS[name];
    if (!component) throw new Error(`unknown client log ${name}`);
    return this.client.log(
      name,
      this.opts(name, { format: 'cmtrace', component, encoding: name === 'StateMessage.log' ? 'utf16le' : 'utf8bom' }),
    );
  }

  /** A site server SMS trace log by file name. */
  s(name: string): Log {
    const component = SERVER_COMPONENTS[name];
    if (!component) throw new Error(`unknown server log ${name}`);
    return this.server.log(name, this.opts(name, { format: 'smstrace', component, encoding: 'ansi' }));
  }

  /** A management point CMTrace log. */
  m(name: string): Log {
    const component = MP_COMPONENTS[name];
    if (component) return this.mp.log(name, this.opts(name, { format: 'cmtrace', component, encoding: 'utf8bom' }));
    return this.mp.log(
      name,
      this.opts(name, { format: 'smstrace', component: SERVER_COMPONENTS[name], encoding: 'ansi' }),
    );
  }

  /** WSUS SoftwareDistribution.log on the site server's SUP (UTC). */
  wsus(): Log {
    return this.server.log(
      'SoftwareDistribution.log',
      this.opts('SoftwareDistribution.log', { format: 'wsus', encoding: 'ansi' }),
    );
  }

  /** The client's WindowsUpdate.log, in the layout of its Windows version. */
  wu(): Log {
    return this.client.log(
      'WindowsUpdate.log',
      this.opts('WindowsUpdate.log', { format: this.os === 'win7' ? 'wuClassic' : 'wuEtw', encoding: 'ansi' }),
    );
  }

  /** Leaves a client log out of the collected folder. */
  missingClient(...names: string[]): void {
    for (const n of names) this.client.missing.add(n);
  }

  missingServer(...names: string[]): void {
    for (const n of names) this.server.missing.add(n);
  }

  /** Every machine's logs collected at this UTC: what they write later is not in the files. */
  collectAt(utc: number): void {
    for (const machine of this.machines()) machine.collectedAt = utc;
  }

  machines(): Machine[] {
    return [this.server, this.client, this.mp];
  }
}
