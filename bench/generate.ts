// Deterministic benchmark corpus: one ConfigMgr client's log folder (about 200 MB of CMTrace logs across 40 files,
// rolled-over siblings included) plus a site server's SMS trace logs, WindowsUpdate.log in both forms and a WSUS
// SoftwareDistribution.log. Message shapes are modelled on real CCM logs (CAS, ContentTransferManager,
// DataTransferService, ScanAgent, WUAHandler, LocationServices, PolicyAgent, StateMessage, ...): multi-line XML
// and WMI event records, GUIDs shared across files (update source, assignments, CTM/DTS jobs, content ids, scan
// jobs, location requests), about 2% errors carrying real HRESULTs and about 3% warnings.
//
// The same seed and scale always give the same bytes (a seeded PRNG, no clock, no locale). Every file's record
// count is known exactly and written to manifest.json, so the benchmark can check that 100% of records come out.
//
//   node --import tsx bench/generate.ts [DIR] [--scale 1] [--seed 20131003] [--force]
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_VERSION = 3;
export const DEFAULT_SEED = 20131003;
export const DEFAULT_DIR = resolve(__dirname, 'out', 'corpus');

export type GeneratedFormat = 'cmtrace' | 'sms' | 'wulog' | 'wuetw' | 'wsus';

export interface GeneratedFile {
  /** Path relative to the corpus folder. */
  path: string;
  format: GeneratedFormat;
  eol: 'crlf' | 'lf';
  bytes: number;
  /** Records written (CMTrace: ]LOG]!>< headers; SMS: $$< trailers; others: timestamped first lines). */
  records: number;
  lines: number;
  /** Records spanning more than one line. */
  multiLine: number;
  errors: number;
  warnings: number;
}

export interface Manifest {
  version: number;
  seed: number;
  scale: number;
  files: GeneratedFile[];
  bytes: number;
  records: number;
  cmtraceBytes: number;
  cmtraceRecords: number;
  /** GUIDs every benchmark can look up: the hot update source and a few assignments. */
  hotKeys: string[];
}

// ---- PRNG ---------------------------------------------------------------------------------------

/** sfc32: small, fast, good enough, and the same on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  next(): number {
    return this.u32() / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** Popular items first: index ~ n * u^power, so a few values occur very often and most rarely. */
  skewed<T>(items: readonly T[], power = 2.5): T {
    return items[Math.floor(items.length * Math.pow(this.next(), power))];
  }
  hex(digits: number): string {
    let s = '';
    while (s.length < digits) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, digits);
  }
  guid(): string {
    const h = this.hex(32).toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89AB'[this.int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

// ---- Shared values (the same in every file, so keys link records across logs) -------------------

interface Update {
  id: string; // lower-case, no braces, as WUAHandler and UpdatesStore write it
  kb: string;
  title: string;
  revision: number;
}

interface Pools {
  updateSource: string;
  assignments: string[];
  updates: Update[];
  scopes: string[];
  contents: string[];
  ctmJobs: string[];
  dtsJobs: string[];
  bitsJobs: string[];
  locationRequests: string[];
  scanJobs: string[];
  messages: string[];
  policies: string[];
  ciJobs: string[];
  serviceWindows: string[];
  programs: string[];
  users: string[];
  clientId: string;
}

const PRODUCTS = [
  'Windows 10 Version 22H2 for x64-based Systems',
  'Windows 11 Version 23H2 for x64-based Systems',
  'Windows Server 2019',
  'Windows Server 2022',
  'Microsoft Office 2016 (KB)',
  'Microsoft .NET Framework 4.8.1 for Windows 10 Version 22H2 for x64',
];
const UPDATE_KINDS = [
  'Cumulative Update for',
  'Security Update for',
  'Servicing Stack Update for',
  'Update for',
  'Security Intelligence Update for Microsoft Defender Antivirus -',
  'Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for',
];

function makePools(seed: number): Pools {
  const rng = new Rng(seed ^ 0x5eed);
  const many = (n: number) => Array.from({ length: n }, () => rng.guid());
  const updates = Array.from({ length: 3000 }, () => {
    const kb = `KB${rng.range(2000000, 5049999)}`;
    return {
      id: rng.guid().toLowerCase(),
      kb,
      title: `${rng.pick(UPDATE_KINDS)} ${rng.pick(PRODUCTS)} (${kb})`,
      revision: rng.pick([1, 100, 101, 104, 200, 201, 202]),
    };
  });
  return {
    updateSource: rng.guid(),
    assignments: many(60),
    updates,
    scopes: Array.from(
      { length: 400 },
      () =>
        `ScopeId_${rng.guid()}/${rng.pick(['Application', 'DeploymentType', 'RequiredApplication'])}_${rng.guid().toLowerCase()}`,
    ),
    contents: Array.from({ length: 800 }, () => `Content_${rng.guid().toLowerCase()}`),
    ctmJobs: many(30000),
    dtsJobs: many(30000),
    bitsJobs: many(30000),
    locationRequests: many(20000),
    scanJobs: many(5000),
    messages: many(50000),
    policies: many(2000),
    ciJobs: many(8000),
    serviceWindows: many(12),
    programs: Array.from({ length: 50 }, () => `CM1${rng.hex(5).toUpperCase()}`),
    users: Array.from(
      { length: 6 },
      () =>
        `S-1-5-21-${rng.range(1000000000, 2000000000)}-${rng.range(1000000000, 2000000000)}-${rng.range(1000000000, 2000000000)}-${rng.range(1000, 250000)}`,
    ),
    clientId: rng.guid(),
  };
}

// Real HRESULTs seen in ConfigMgr and Windows Update logs (all but three decode with the bundled tables).
const HRESULTS = [
  '0x80244022',
  '0x8024401c',
  '0x80072ee2',
  '0x80072efe',
  '0x87d00664',
  '0x87d0027e',
  '0x80004005',
  '0x80070005',
  '0x8024000b',
  '0x80240438',
  '0x87d00692',
  '0x80070643',
  '0x87d00324',
  '0x8000ffff',
  '0x8007045b',
  '0x80072746',
  '0x87d0027f',
  '0x87d00215',
  '0x80070057',
  '0x80244010',
  '0x8024402c',
  '0x80240022',
  '0x87d00607',
  '0x80244019',
  '0x87d0024a',
  '0x87d00668',
  '0x800f081f',
  '0x80041002',
  '0x80041033',
];
const MPS = ['CM1MP01.CONTOSO.COM', 'CM1MP02.CONTOSO.COM', 'CM1SITE.CONTOSO.COM'];
const DPS = ['CM1DP01.contoso.com', 'CM1DP02.contoso.com', 'BRANCH-DP3.contoso.com'];
const SUP = 'CM1SUP.CONTOSO.COM';

// ---- Writers -------------------------------------------------------------------------------------

/** Appends text to a file in large writes; counts bytes and lines. */
class TextFile {
  private parts: string[] = [];
  private size = 0;
  private fd: number;
  bytes = 0;
  lines = 0;
  constructor(
    readonly path: string,
    readonly eol: string,
    bom: boolean,
  ) {
    this.fd = openSync(path, 'w');
    if (bom) this.writeBytes(Buffer.from([0xef, 0xbb, 0xbf]));
  }
  /** One physical line or several (lines joined with the file's line break). */
  line(text: string): void {
    this.parts.push(text, this.eol);
    this.size += text.length + this.eol.length;
    this.lines++;
    if (this.size > 1 << 20) this.flush();
  }
  multi(lines: string[]): void {
    for (const l of lines) this.line(l);
  }
  /** Bytes written so far, counting buffered text as one byte a character (close enough to stop at a size). */
  get written(): number {
    return this.bytes + this.size;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
  private flush(): void {
    if (!this.parts.length) return;
    this.writeBytes(Buffer.from(this.parts.join(''), 'utf8'));
    this.parts = [];
    this.size = 0;
  }
  private writeBytes(buf: Buffer): void {
    writeSync(this.fd, buf);
    this.bytes += buf.length;
  }
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

/** A wall clock that moves forward by random steps (bursts of activity, then quiet). */
class Clock {
  constructor(
    public ms: number,
    private readonly rng: Rng,
    private readonly meanStepMs: number,
  ) {}
  tick(): number {
    const u = this.rng.next();
    // mostly small steps within a burst, sometimes a long pause
    this.ms +=
      u < 0.9 ? Math.floor(this.rng.next() * 40) : Math.floor(-Math.log(1 - this.rng.next()) * this.meanStepMs * 9);
    return this.ms;
  }
  parts(): { y: number; mo: number; d: number; h: number; mi: number; s: number; f: number } {
    const dt = new Date(this.ms);
    return {
      y: dt.getUTCFullYear(),
      mo: dt.getUTCMonth() + 1,
      d: dt.getUTCDate(),
      h: dt.getUTCHours(),
      mi: dt.getUTCMinutes(),
      s: dt.getUTCSeconds(),
      f: dt.getUTCMilliseconds(),
    };
  }
}

// ---- CMTrace templates ---------------------------------------------------------------------------

interface Gen {
  rng: Rng;
  p: Pools;
  hr(): string;
  update(): Update;
  user(): string;
}

type Template = (g: Gen) => string;
interface ComponentSpec {
  /** Log file base name ("CAS" → CAS.log). */
  name: string;
  component: string;
  sources: string[];
  info: Array<[number, Template]>;
  warn: Template[];
  error: Template[];
}

const hrNoPrefix = (g: Gen) => g.hr().slice(2);
const guidOf = (pool: string[], g: Gen) => g.rng.skewed(pool);
const braced = (pool: string[], g: Gen) => `{${g.rng.skewed(pool)}}`;
const dateTimeWmi = (g: Gen) =>
  `2024${pad2(g.rng.range(3, 4))}${pad2(g.rng.range(1, 28))}${pad2(g.rng.int(24))}${pad2(g.rng.int(60))}${pad2(g.rng.int(60))}.${pad3(g.rng.int(1000))}000+000`;
const wsusLocationReply = (g: Gen) =>
  [
    'WSUSLocationReply : <WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="CM1"/>',
    `<LocationRecords><LocationRecord WSUSURL="http://${SUP}:8530" ServerName="${SUP}" Version="${g.rng.range(30, 90)}"/>`,
    `<LocationRecord WSUSURL="https://${SUP}:8531" ServerName="${SUP}" Version="${g.rng.range(30, 90)}"/></LocationRecords></Site></Sites></WSUSLocationReply>`,
  ].join('\n');
const wmiEvent = (g: Gen, cls: string, extra: string[]) =>
  [
    'Raising event:',
    '',
    `instance of ${cls}`,
    '{',
    `\tClientID = "GUID:${g.p.clientId}";`,
    `\tDateTime = "${dateTimeWmi(g)}";`,
    ...extra,
    `\tProcessID = ${g.rng.range(800, 9000)};`,
    `\tThreadID = ${g.rng.range(800, 12000)};`,
    '};',
    '',
  ].join('\n');
const stateMessageBody = (g: Gen) => {
  const u = g.update();
  return [
    'StateMessage body: <?xml version="1.0" encoding="UTF-16"?>',
    `<Report><ReportHeader><Identification><Machine><ClientInstalled>1</ClientInstalled><ClientType>1</ClientType><ClientID>GUID:${g.p.clientId}</ClientID><ClientVersion>5.00.9128.1000</ClientVersion><NetBIOSName>WKS-${g.rng.range(1000, 1099)}</NetBIOSName><CodePage>437</CodePage><SystemDefaultLCID>1033</SystemDefaultLCID></Machine></Identification></ReportHeader>`,
    `<ReportBody><StateMessage MessageTime="${dateTimeWmi(g).slice(0, 14)}" SerialNumber="${g.rng.range(1000, 99999)}"><Topic ID="${u.id}" Type="500" IDType="3"/><State ID="${g.rng.pick([2, 3])}" Criticality="0"/><UserParameters Flags="0" Count="1"><Param>${u.kb}</Param></UserParameters></StateMessage></ReportBody></Report>`,
  ].join('\n');
};

const COMPONENTS: ComponentSpec[] = [
  {
    name: 'CAS',
    component: 'ContentAccess',
    sources: [
      'contentaccessservice.cpp:934',
      'downloadmanager.cpp:611',
      'downloadcontentrequest.cpp:832',
      'downloadcontentrequest.cpp:1022',
      'cachemanager.cpp:1375',
    ],
    info: [
      [
        3,
        (g) =>
          `Requesting content ${g.rng.skewed(g.p.contents)}.1, size(KB) ${g.rng.range(100, 900000)}, under context System with priority ${g.rng.pick(['Low', 'Medium', 'High', 'Foreground'])}`,
      ],
      [
        3,
        (g) =>
          `Submitted CTM job ${braced(g.p.ctmJobs, g)} to download Content ${g.rng.skewed(g.p.contents)}.1 under context System`,
      ],
      [
        2,
        (g) =>
          `Successfully created download  request ${braced(g.p.locationRequests, g)} for content ${g.rng.skewed(g.p.contents)}.1`,
      ],
      [
        3,
        (g) =>
          `Location update from CTM for content ${g.rng.skewed(g.p.contents)}.1 and request ${braced(g.p.locationRequests, g)}`,
      ],
      [
        3,
        (g) =>
          `Download location found ${g.rng.int(3)} - http://${g.rng.pick(DPS)}/SMS_DP_SMSPKG$/${g.rng.skewed(g.p.contents)}.1`,
      ],
      [2, (g) => `Download started for content ${g.rng.skewed(g.p.contents)}.1`],
      [2, (g) => `Download completed for content ${g.rng.skewed(g.p.contents)}.1 under context System`],
      [
        1,
        (g) =>
          `Cache location C:\\Windows\\ccmcache\\${g.rng.hex(2)}, ${g.rng.range(1, 99)}% of cache in use, ${g.rng.range(1, 9000)} MB free`,
      ],
      [1, () => 'Download request only, ignoring location update'],
    ],
    warn: [
      () => 'User policy requested with no user credentials.',
      () => 'Invalid user.',
      (g) => `Content ${g.rng.skewed(g.p.contents)}.1 is not yet available on any distribution point, will retry`,
    ],
    error: [
      (g) => `Download failed for content ${g.rng.skewed(g.p.contents)}.1 under context System, error ${g.hr()}`,
      (g) => `CacheManager: There are no cache items that can be deleted to make room, error ${g.hr()}`,
    ],
  },
  {
    name: 'ContentTransferManager',
    component: 'ContentTransferManager',
    sources: ['ctmjob.cpp:1005', 'ctmjob.cpp:2462', 'ctmjob.cpp:3006', 'ctmjobstatemachine.cpp:242'],
    info: [
      [2, (g) => `Starting CTM job ${braced(g.p.ctmJobs, g)}.`],
      [2, (g) => `Created CTM job ${braced(g.p.ctmJobs, g)} for user S-1-5-18`],
      [
        2,
        (g) => `Queued location request '${braced(g.p.locationRequests, g)}' for CTM job '${braced(g.p.ctmJobs, g)}'.`,
      ],
      [
        4,
        (g) =>
          `CTM job ${braced(g.p.ctmJobs, g)} entered phase CCM_DOWNLOADSTATUS_${g.rng.pick(['DOWNLOADING_DATA', 'PROCESSING_DATA', 'SUCCESS', 'RETRIEVING_LOCATIONS'])}`,
      ],
      [
        2,
        (g) =>
          `CTM job ${braced(g.p.ctmJobs, g)} (corresponding DTS job ${braced(g.p.dtsJobs, g)}) started download from 'http://${g.rng.pick(DPS)}/SMS_DP_SMSPKG$/${g.rng.skewed(g.p.contents)}.1' for full content download.`,
      ],
      [
        1,
        (g) => {
          const c = g.rng.skewed(g.p.contents);
          return [
            `Persisted locations for CTM job ${braced(g.p.ctmJobs, g)}:`,
            ...DPS.slice(0, g.rng.range(1, 3)).map((dp) => `\t(LOCAL) http://${dp}/SMS_DP_SMSPKG$/${c}.1`),
          ].join('\n');
        },
      ],
      [2, (g) => `CTM job ${braced(g.p.ctmJobs, g)} successfully processed download completion.`],
    ],
    warn: [
      (g) =>
        `CTM job ${braced(g.p.ctmJobs, g)} encountered a transient error, will retry in ${g.rng.range(1, 30)} minute(s)`,
    ],
    error: [
      (g) =>
        `CTM job ${braced(g.p.ctmJobs, g)} failed to download source 'http://${g.rng.pick(DPS)}/SMS_DP_SMSPKG$/${g.rng.skewed(g.p.contents)}.1'. Error = ${g.hr()}.`,
      (g) => `Error sending DAV request. HTTP code 404, status 'Not Found' (${g.hr()})`,
    ],
  },
  {
    name: 'DataTransferService',
    component: 'DataTransferService',
    sources: ['dtsjob.cpp:4567', 'util.cpp:2683', 'bitsjob.cpp:1123', 'dtsjob.cpp:7411'],
    info: [
      [
        3,
        (g) =>
          `DTSJob ${braced(g.p.dtsJobs, g)} in state '${g.rng.pick(['DownloadingData', 'RetrievedData', 'NotifiedComplete', 'PendingDownload'])}'.`,
      ],
      [
        2,
        (g) =>
          `DTSJob ${braced(g.p.dtsJobs, g)} created to download from 'http://${g.rng.pick(DPS)}:80/SMS_DP_SMSPKG$/${g.rng.skewed(g.p.contents)}.1' to 'C:\\Windows\\ccmcache\\${g.rng.hex(2)}'.`,
      ],
      [2, (g) => `DTSJob ${braced(g.p.dtsJobs, g)} successfully completed download.`],
      [2, (g) => `BITS job ${braced(g.p.bitsJobs, g)} created for DTS job ${braced(g.p.dtsJobs, g)}.`],
      [1, (g) => `UpdateURLWithTransportSettings(): NEW URL - http://${g.rng.pick(MPS)}:80/SMS_MP`],
      [1, () => 'Using branch cache option'],
      [
        1,
        (g) =>
          [
            `DTS job ${braced(g.p.dtsJobs, g)} has completed:`,
            '\tStatus : SUCCESS,',
            `\tStart time : 03/${pad2(g.rng.range(1, 28))}/2024 ${pad2(g.rng.int(24))}:${pad2(g.rng.int(60))}:00,`,
            `\tCompletion time : 03/${pad2(g.rng.range(1, 28))}/2024 ${pad2(g.rng.int(24))}:${pad2(g.rng.int(60))}:21,`,
            `\tElapsed time : ${g.rng.range(1, 600)} seconds`,
          ].join('\n'),
      ],
    ],
    warn: [(g) => `DTSJob ${braced(g.p.dtsJobs, g)}: Transient error, will retry (BITS error ${g.hr()})`],
    error: [
      (g) => `DTSJob ${braced(g.p.dtsJobs, g)} encountered error ${g.hr()}. Job failed.`,
      (g) => `Failed to create BITS job, error = ${g.hr()}`,
    ],
  },
  {
    name: 'LocationServices',
    component: 'LocationServices',
    sources: ['lsad.cpp:818', 'lsutils.cpp:2215', 'wsuslocationhandler.cpp:371', 'ccmlocationrequest.cpp:4120'],
    info: [
      [3, (g) => `Calling back with the following WSUS locations`],
      [3, (g) => `WSUS Path='http://${SUP}:8530', Server='${SUP}', Version='${g.rng.range(30, 90)}'`],
      [
        2,
        (g) =>
          `Created and Sent Location Request '${braced(g.p.locationRequests, g)}' for package {${g.p.updateSource}}`,
      ],
      [
        2,
        (g) =>
          `WSUSLocationRequest : <WSUSLocationRequest SchemaVersion="1.00"><Content ID="{${g.p.updateSource}}" Version="${g.rng.range(30, 90)}"/><AssignedSite SiteCode="CM1"/><ClientLocationInfo OnInternet="0"><ADSite Name="HQ"/><Forest Name="CONTOSO.COM"/><Domain Name="CONTOSO.COM"/></ClientLocationInfo></WSUSLocationRequest>`,
      ],
      [2, wsusLocationReply],
      [1, () => 'Current AD forest name is contoso.com, domain name is contoso.com'],
      [1, () => 'Domain joined client is in Intranet'],
      [
        1,
        (g) =>
          `Rotating assigned management point, new management point [1] is: ${g.rng.pick(MPS)} (9128) with capabilities: <Capabilities SchemaVersion="1.0"><Property Name="SSLState" Value="0"/></Capabilities>`,
      ],
    ],
    warn: [
      () => 'Failed to resolve DP locations as WINS is not enabled',
      () => 'Unable to retrieve AD site membership',
    ],
    error: [
      (g) => `Failed to send location request message to ${g.rng.pick(MPS)}. Error ${g.hr()}`,
      (g) => `LSGetWSUSLocation failed, error ${g.hr()}`,
    ],
  },
  {
    name: 'ScanAgent',
    component: 'ScanAgent',
    sources: ['scanagent.cpp:2251', 'scanjob.cpp:1033', 'scanjobmgr.cpp:311', 'cachemanager.cpp:1028'],
    info: [
      [1, () => 'Inside CScanAgent::Notify()'],
      [1, () => 'CScanAgent::OnPolicyChange- Policy InstanceModificationEvent notification received'],
      [
        2,
        (g) =>
          `CScanAgent::ScanByUpdates- Policy available for UpdateSourceID={${g.p.updateSource}} ContentVersion=${g.rng.range(30, 90)}`,
      ],
      [
        3,
        (g) =>
          `ScanJob(${braced(g.p.scanJobs, g)}): CScanJob::${g.rng.pick(['Initialize', 'Scan', 'RequestLocations', 'OnLocationUpdate', 'Execute'])}- entered`,
      ],
      [
        2,
        (g) =>
          `- - - - - -Requesting WSUS Server Locations from LS for {${g.p.updateSource}} version ${g.rng.range(30, 90)}`,
      ],
      [2, (g) => `- - - - - -Location Request ID = ${braced(g.p.locationRequests, g)}`],
      [
        2,
        (g) =>
          `ScanJob(${braced(g.p.scanJobs, g)}): - - - - - -Locations requested for ScanJobID=${braced(g.p.scanJobs, g)} (LocationRequestID=${braced(g.p.locationRequests, g)}), will process the scan request once locations are available.`,
      ],
      [
        2,
        (g) =>
          `ScanJob(${braced(g.p.scanJobs, g)}): CScanJob::Execute- Adding UpdateSource={${g.p.updateSource}}, ContentType=2, ContentLocation=http://${SUP}:8530, ContentVersion=${g.rng.range(30, 90)}`,
      ],
      [
        1,
        (g) =>
          `ScanJob(${braced(g.p.scanJobs, g)}): Raised UpdateSource ({${g.p.updateSource}}) state message successfully. StateId = ${g.rng.pick([2, 3])}`,
      ],
      [1, (g) => `*****WSUSLocationUpdate received for location request guid=${braced(g.p.locationRequests, g)}`],
    ],
    warn: [
      (g) =>
        `ScanJob(${braced(g.p.scanJobs, g)}): CScanJob::OnScanComplete - Scan Retry is scheduled, retry count ${g.rng.range(1, 4)}`,
    ],
    error: [
      (g) => `ScanJob(${braced(g.p.scanJobs, g)}): CScanJob::OnScanComplete -Scan Failed with Error=${g.hr()}`,
      (g) =>
        `CScanAgent::ScanComplete- Scan completion received for UpdateSource={${g.p.updateSource}}, but scan failed with error=${g.hr()}`,
    ],
  },
  {
    name: 'WUAHandler',
    component: 'WUAHandler',
    sources: ['cwuahandler.cpp:2431', 'cwuahandler.cpp:1093', 'cwuahandler.cpp:3303', 'sourcemanager.cpp:1408'],
    info: [
      [2, (g) => `Its a WSUS Update Source type ({${g.p.updateSource}}), adding it.`],
      [
        1,
        () =>
          'Scan results will include superseded updates only when they are superseded by service packs and definition updates.',
      ],
      [
        1,
        () => "Search Criteria is (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')",
      ],
      [1, () => 'Running single-call scan of updates.'],
      [1, () => 'Async searching of updates using WUAgent started.'],
      [1, () => 'Async searching completed.'],
      [
        4,
        (g) => {
          const u = g.update();
          return `Update (${g.rng.pick(['Missing', 'Installed', 'Installed', 'Missing'])}): ${u.title} (${u.id}, ${u.revision})`;
        },
      ],
      [2, (g) => `Pruning: update id (${g.update().id}) is superseded by (${g.update().id}).`],
      [1, () => 'Successfully completed scan.'],
      [1, (g) => `Enabling WUA Managed server policy to use server: http://${SUP}:8530`],
    ],
    warn: [
      () =>
        'Group policy settings were overwritten by a higher authority (Domain Controller) to: Server http://wsus.contoso.com and Policy ENABLED',
    ],
    error: [
      (g) => `OnSearchComplete - Failed to end search job. Error = ${g.hr()}.`,
      (g) => `Scan failed with error = ${g.hr()}.`,
      (g) => `Failed to Add Update Source for WUAgent of type (2) and id ({${g.p.updateSource}}). Error = ${g.hr()}.`,
    ],
  },
  {
    name: 'UpdatesDeployment',
    component: 'UpdatesDeploymentAgent',
    sources: [
      'updatesmanager.cpp:940',
      'deploymentutils.cpp:580',
      'cdeploymentagent.cpp:104',
      'assignmentmanager.cpp:1218',
    ],
    info: [
      [2, (g) => `Assignment ${braced(g.p.assignments, g)} has total CI = ${g.rng.range(1, 120)}`],
      [2, (g) => `Detection job (${braced(g.p.ciJobs, g)}) started for assignment (${braced(g.p.assignments, g)})`],
      [
        3,
        (g) =>
          `Update (Site_${g.p.updateSource.slice(0, 8)}/SUM_${g.update().id}) Name (${g.update().title}) ArticleID (${g.update().kb.slice(2)}) added to the targeted list of deployment (${braced(g.p.assignments, g)})`,
      ],
      [2, (g) => `EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = ${g.rng.int(20)}`],
      [1, () => 'No current service window available to run updates assignment with time required = 1'],
      [1, () => 'Software Updates feature is disabled'],
      [1, () => 'Service startup system task'],
      [1, (g) => `Attempting to install ${g.rng.int(20)} updates`],
      [
        1,
        (g) =>
          `Update (${g.update().id}) is in state (${g.rng.pick(['Installed', 'PendingInstall', 'WaitInstall', 'PendingSoftReboot'])})`,
      ],
    ],
    warn: [
      () => 'Updates could not be installed at this time. Waiting for the next maintenance window.',
      (g) => `Assignment ${braced(g.p.assignments, g)} is not yet available, will retry at next evaluation.`,
    ],
    error: [
      (g) => `Failed to install update (${g.update().id}), error = ${g.hr()}`,
      (g) => `Job error (${g.hr()}) received for assignment (${braced(g.p.assignments, g)}) action`,
      (g) => `CDeploymentJob -- Failed to evaluate assignment ${braced(g.p.assignments, g)}, hr=${g.hr()}`,
    ],
  },
  {
    name: 'UpdatesHandler',
    component: 'UpdatesHandler',
    sources: ['cupdatesagent.cpp:223', 'updateshandler.cpp:1755', 'cupdatesjob.cpp:981'],
    info: [
      [2, () => 'CUpdatesAgent::FinalConstruct entered'],
      [2, (g) => `Job (${braced(g.p.ciJobs, g)}) - Installing ${g.rng.range(1, 12)} updates`],
      [3, (g) => `Update (${g.update().id}) - download state ${g.rng.pick(['Started', 'Completed', 'Pending'])}`],
      [2, (g) => `Successfully started Installation of update (${g.update().id})`],
      [
        2,
        (g) =>
          `Update ${g.update().kb} installation completed with exit code 0x00000000, reboot required = ${g.rng.pick(['no', 'yes'])}`,
      ],
    ],
    warn: [(g) => `Update (${g.update().id}) requires a reboot to complete installation`],
    error: [
      (g) => `Failed to download update (${g.update().id}). Error = ${g.hr()}`,
      (g) => `Installation failed for update ${g.update().kb} with error ${g.hr()}`,
    ],
  },
  {
    name: 'UpdatesStore',
    component: 'UpdatesStore',
    sources: ['cupdatesstore.cpp:1211', 'updatestatus.cpp:400'],
    info: [
      [
        3,
        (g) => {
          const u = g.update();
          return `Processing update status from update (${u.id}) with ProductID = ${g.update().id}`;
        },
      ],
      [2, (g) => `Update status from update (${g.update().id}) hasn't been reported before, creating new instance.`],
      [
        3,
        (g) =>
          `Successfully raised state message for update (${g.update().id}) with state (${g.rng.pick(['Missing', 'Installed'])}).`,
      ],
      [2, (g) => `Successfully added WMI instance of update status (${g.update().id}).`],
    ],
    warn: [(g) => `Update status for update (${g.update().id}) is stale, refreshing`],
    error: [(g) => `Failed to persist update status for (${g.update().id}), error ${g.hr()}`],
  },
  {
    name: 'StateMessage',
    component: 'StateMessage',
    sources: ['statemsg.cpp:695', 'statemsgsender.cpp:212', 'statemsg.cpp:1238'],
    info: [
      [
        4,
        (g) =>
          `State message with TopicType ${g.rng.pick([1701, 1702, 401, 500, 501])} and TopicId ${g.rng.skewed(g.p.scopes)}/${g.rng.range(1, 4)} has been updated`,
      ],
      [3, (g) => `Adding message with TopicType 500 and TopicId ${g.update().id} to WMI`],
      [
        3,
        (g) =>
          `State message(State ID : ${g.rng.pick([2, 3])}) with TopicType 500 and TopicId ${g.update().id} has been recorded for SYSTEM`,
      ],
      [1, stateMessageBody],
      [1, () => 'Successfully forwarded State Messages to the MP'],
    ],
    warn: [() => 'StateMessage body: <XML Report Body Truncated>'],
    error: [(g) => `Failed to send state message to the MP, error ${g.hr()}`],
  },
  {
    name: 'PolicyAgent',
    component: 'PolicyAgent_ReplyAssignments',
    sources: ['event.cpp:706', 'policyagentendpoint.cpp:1209', 'policyutil.cpp:392'],
    info: [
      [3, (g) => `Processing User assignments from 'SMS:CM1'. The new cookie is '${g.rng.hex(16)}'.`],
      [
        2,
        (g) =>
          wmiEvent(g, 'CCM_PolicyAgent_AssignmentsReceived', [
            '\tAuthorityName = "SMS:CM1";',
            `\tResourceName = "${g.user()}";`,
            '\tResourceType = "User";',
          ]),
      ],
      [
        2,
        (g) =>
          wmiEvent(g, 'CCM_PolicyAgent_PolicyDownloadStarted', [
            `\tPolicyID = "${braced(g.p.policies, g)}";`,
            `\tPolicyVersion = "${g.rng.range(1, 40)}.00";`,
            '\tPolicySource = "SMS:CM1";',
          ]),
      ],
      [
        3,
        (g) =>
          `Cleaning policy for 'SMS:CM1' in '\\\\WKS-${g.rng.range(1000, 1099)}\\ROOT\\ccm\\Policy\\Machine\\RequestedConfig'`,
      ],
      [
        2,
        (g) =>
          `Policy download started for policy ${braced(g.p.policies, g)} of assignment ${braced(g.p.assignments, g)}`,
      ],
    ],
    warn: [(g) => `Policy ${braced(g.p.policies, g)} download failed, will retry`],
    error: [
      (g) => `Failed to download policy ${braced(g.p.policies, g)} (hr = ${g.hr()})`,
      (g) => `Policy evaluation failed, hr=${g.hr()}`,
    ],
  },
  {
    name: 'CIAgent',
    component: 'CIAgent',
    sources: ['ciagentjob.cpp:1577', 'ciagent.cpp:688', 'agentjob.cpp:2206'],
    info: [
      [
        3,
        (g) =>
          `CIAgentJob(${braced(g.p.ciJobs, g)}): CAgentJob::QueueEvent - Queueing event and incrementing semaphore ${g.rng.pick(['CITaskComplete', 'CIDownloadComplete'])}`,
      ],
      [
        3,
        (g) =>
          `CIAgentJob(${braced(g.p.ciJobs, g)}): TransitionState(From=${g.rng.pick(['WaitingForAssignedCI', 'DownloadingCIs', 'StateEnforcingCIs'])}, To=${g.rng.pick(['DownloadingCIs', 'StateEnforcementReporting', 'Completed'])}) for Event=Transition`,
      ],
      [2, (g) => `CIAgentJob(${braced(g.p.ciJobs, g)}): StartEnactment - CI - ${g.rng.skewed(g.p.scopes)}`],
      [1, (g) => `Deleted CIAgent job ${braced(g.p.ciJobs, g)}`],
      [1, (g) => `CIAgentJob(${braced(g.p.ciJobs, g)}): QueueDebug - Executing Event.`],
    ],
    warn: [(g) => `CIAgentJob(${braced(g.p.ciJobs, g)}): CI ${g.rng.skewed(g.p.scopes)} is not applicable`],
    error: [
      (g) =>
        `CIAgentJob(${braced(g.p.ciJobs, g)}): CAgentJob::VerifyRequestedCIs - Failed to verify CI ${g.rng.skewed(g.p.scopes)}. Error ${g.hr()}`,
    ],
  },
  {
    name: 'DCMAgent',
    component: 'DCMAgent',
    sources: ['dcmagentjob.cpp:3051', 'dcmagent.cpp:622'],
    info: [
      [
        3,
        (g) =>
          `CDCMAgent::HandleMessage - Message received for machine: '<?xml version='1.0' ?><CIAssignmentMessage MessageType='PolicyEnforcement'><AssignmentID>${braced(g.p.assignments, g).toLowerCase()}</AssignmentID></CIAssignmentMessage>'`,
      ],
      [2, (g) => `CDCMAgentJob::Execute - Begin for job ${braced(g.p.ciJobs, g)}`],
      [
        1,
        (g) =>
          [
            `CDCMAgent::ProcessPolicy - policy body:`,
            `<Policy PolicyType="Machine" PolicyID="${braced(g.p.policies, g)}" PolicyVersion="${g.rng.range(1, 40)}.00">`,
            '  <PolicyRule PolicyRuleID="{00000000-0000-0000-0000-000000000001}">',
            `    <PolicyAction PolicyActionType="WMI-XML"><![CDATA[<instance class="CCM_DCMCIAssignment"><property name="AssignmentID" type="string"><value>${braced(g.p.assignments, g)}</value></property></instance>]]></PolicyAction>`,
            '  </PolicyRule>',
            '</Policy>',
          ].join('\n'),
      ],
    ],
    warn: [(g) => `CDCMAgentJob - assignment ${braced(g.p.assignments, g)} has no CIs to evaluate`],
    error: [(g) => `CDCMAgentJob::Execute - failed to evaluate job ${braced(g.p.ciJobs, g)} (${g.hr()})`],
  },
  {
    name: 'CcmExec',
    component: 'CcmExec',
    sources: ['wmisettings.cpp:202', 'senslog.cpp:354', 'systemtask.cpp:318', 'ccmexec.cpp:1027'],
    info: [
      [
        3,
        (g) =>
          `Notifying endpoint '${g.rng.pick(['ScanAgent', 'SrcUpdateMgr', 'CIStore', 'UpdatesDeploymentAgent'])}' of __InstanceModificationEvent settings change on object CCM_UpdateSource.UniqueID="{${g.p.updateSource}}" for user 'S-1-5-18'.`,
      ],
      [2, (g) => `User SID '${g.user()}' lock processing.`],
      [
        2,
        (g) =>
          `System task '${g.rng.pick(['PolicyEvaluator_Unlock', 'SMSSHA_Startup', 'InventoryAgent_Startup', 'UpdatesDeploymentAgent_Startup'])}' returned error code 0x0.`,
      ],
      [
        2,
        (g) =>
          `Notifying endpoint 'CIStore' of __InstanceCreationEvent settings change on object CCM_CIVersionInfo.ModelName="${g.rng.skewed(g.p.scopes)}" for user 'S-1-5-18'.`,
      ],
      [1, () => 'Service startup system task'],
    ],
    warn: [
      (g) =>
        `Endpoint '${g.rng.pick(['ScanAgent', 'CIStore'])}' did not respond within ${g.rng.range(10, 120)} seconds`,
    ],
    error: [
      (g) =>
        `System task '${g.rng.pick(['PolicyEvaluator_Unlock', 'SMSSHA_Startup', 'SMSSHA_Shutdown'])}' returned error code ${g.hr()}.`,
    ],
  },
  {
    name: 'CcmMessaging',
    component: 'CcmMessaging',
    sources: ['ccmmessaging.cpp:5229', 'httpsender.cpp:1104'],
    info: [
      [
        3,
        (g) =>
          `OutgoingMessage(Queue='mp_[http]mp_${g.rng.pick(['policymanager', 'locationmanager', 'relay', 'statemessage'])}', ID=${braced(g.p.messages, g)}): Delivered successfully to host '${g.rng.pick(MPS)}'.`,
      ],
      [
        2,
        (g) =>
          `Sending async message '${braced(g.p.messages, g)}' to outgoing queue 'mp_mp_${g.rng.pick(['locationmanager', 'relay'])}'`,
      ],
      [
        2,
        (g) =>
          `Message '${braced(g.p.messages, g)}' got reply '${braced(g.p.messages, g)}' to local endpoint '${g.rng.pick(['LS_ReplyLocations', 'StateMessage', 'PolicyAgent_ReplyAssignments'])}'`,
      ],
    ],
    warn: [
      (g) =>
        `OutgoingMessage(Queue='mp_[http]mp_policymanager', ID=${braced(g.p.messages, g)}): Will be discarded (expired).`,
    ],
    error: [
      (g) => `Failed to receive expected response from server with error ${hrNoPrefix(g)}.`,
      (g) => `Post to http://${g.rng.pick(MPS)}/ccm_system/request failed with 0x87d00231.`,
      (g) => `Failed to post continue request with error code ${hrNoPrefix(g)}.`,
    ],
  },
  {
    name: 'ClientLocation',
    component: 'ClientLocation',
    sources: ['lsad.cpp:5909', 'lsad.cpp:1364', 'lsad.cpp:896'],
    info: [
      [
        2,
        (g) =>
          `Rotating assigned management point, new management point [1] is: ${g.rng.pick(MPS)} (9128) with capabilities: <Capabilities SchemaVersion="1.0"><Property Name="SSLState" Value="0"/></Capabilities>`,
      ],
      [2, (g) => `Assigned MP changed from <${g.rng.pick(MPS)}> to <${g.rng.pick(MPS)}>.`],
      [1, () => 'Domain joined client is in Intranet'],
    ],
    warn: [() => 'Failed to get site code from WMI'],
    error: [(g) => `Failed to retrieve assigned site, error ${g.hr()}`],
  },
  {
    name: 'ExecMgr',
    component: 'execmgr',
    sources: ['execreqmgr.cpp:3641', 'executionrequest.cpp:2117', 'softdistpolicy.cpp:1053'],
    info: [
      [
        2,
        (g) =>
          `Execution Request for advert ${g.rng.pick(g.p.programs)}2000 package ${g.rng.pick(g.p.programs)} program Install state change from WaitingContent to Ready`,
      ],
      [2, (g) => `Executing program setup.exe /q in Admin context for ${g.rng.pick(g.p.programs)}`],
      [1, (g) => `Program exit code ${g.rng.pick([0, 0, 0, 3010, 1641])}`],
      [
        1,
        (g) =>
          `Raising event:\n[SMS_CodePage(437), SMS_LocaleID(1033)]\ninstance of SoftDistProgramStartedEvent\n{\n\tAdvertisementId = "${g.rng.pick(g.p.programs)}2000";\n\tClientID = "GUID:${g.p.clientId}";\n\tCommandLine = "setup.exe /q";\n};`,
      ],
    ],
    warn: [(g) => `Program ${g.rng.pick(g.p.programs)} will not run until a service window is available`],
    error: [(g) => `Program failed with exit code ${g.rng.range(1, 1700)}, error ${g.hr()}`],
  },
  {
    name: 'AppEnforce',
    component: 'AppEnforce',
    sources: ['appprovider.cpp:2359', 'appexcnlib.cpp:6079', 'appenforce.cpp:1418'],
    info: [
      [
        2,
        (g) =>
          `+++ Starting Install enforcement for App DT "${g.rng.pick(['7-Zip 23.01', 'Notepad++ 8.6', 'Contoso LOB App', 'Microsoft Edge'])}" ApplicationDeliveryType - ${g.rng.skewed(g.p.scopes)}, Revision - ${g.rng.range(1, 9)}, ContentPath - C:\\Windows\\ccmcache\\${g.rng.hex(1)}, Execution Context - System`,
      ],
      [
        2,
        (g) =>
          `    Executing Command line: "C:\\Windows\\system32\\msiexec.exe" /i "setup.msi" /qn /l*v C:\\Windows\\ccm\\logs\\app-${g.rng.hex(4)}.log with user context`,
      ],
      [1, (g) => `    Process ${g.rng.range(1000, 20000)} terminated with exitcode: ${g.rng.pick([0, 0, 3010])}`],
      [1, () => '++++++ App enforcement completed (1 seconds) for App DT'],
    ],
    warn: [(g) => `    Matched exit code ${g.rng.pick([3010, 1641])} to a SoftReboot entry in exit codes table...`],
    error: [
      (g) => `    Unmatched exit code (${g.rng.range(1, 1700)}) is considered an execution failure. Error ${g.hr()}`,
    ],
  },
  {
    name: 'ServiceWindowManager',
    component: 'ServiceWindowManager',
    sources: ['servicewindowhandler.cpp:1580', 'servicewindowhandler.cpp:1210', 'servicewindowhandler.cpp:2236'],
    info: [
      [
        2,
        (g) =>
          `    The Service Window=${guidOf(g.p.serviceWindows, g).toLowerCase()} has ended at 3/${g.rng.range(1, 28)}/2024 ${g.rng.range(1, 12)}:00:00 AM`,
      ],
      [2, (g) => `    Scheduled the timer to fire on 3/${g.rng.range(1, 28)}/2024 10:00:00 PM`],
      [1, () => '    Sending Message SERVICEWINDOWEVENT:END event'],
      [1, () => '        Biggest Active Service Window for Type=6 not found'],
    ],
    warn: [() => 'Program cannot Run! Setting *canProgramRun to FALSE'],
    error: [(g) => `Failed to populate Service Windows list, error ${g.hr()}`],
  },
  {
    name: 'RebootCoordinator',
    component: 'RebootCoordinator',
    sources: ['rebootcoordinator.cpp:1288', 'rebootcoordinator.cpp:3581', 'internal.cpp:35'],
    info: [
      [2, (g) => `User ${g.user()} is getting pending reboot information...`],
      [1, () => 'User logoff notification received'],
      [1, () => 'Reboot Coordinator received a SERVICEWINDOWEVENT START Event'],
      [1, () => "Didn't suspended bit-locker. Do nothing and return."],
    ],
    warn: [(g) => `Retry resuming bit-locker TPM PIN protector. Retry count ${g.rng.range(1, 3)}`],
    error: [(g) => `Failed to notify users of pending reboot, error ${g.hr()}`],
  },
  {
    name: 'InventoryAgent',
    component: 'InventoryAgent',
    sources: ['collectiontask.cpp:726', 'agentstate.cpp:1736', 'datatask.cpp:588'],
    info: [
      [
        3,
        (g) =>
          `Collection: Namespace = \\\\localhost\\root\\cimv2; Query = SELECT __CLASS, __PATH, __RELPATH, ${g.rng.pick(['DisplayName, InstallDate, ProdID, Publisher, Version FROM Win32Reg_AddRemovePrograms64', 'Caption, CSDVersion, BuildNumber FROM Win32_OperatingSystem', 'Name, Manufacturer, Model FROM Win32_ComputerSystem'])}; Timeout = 600 secs.`,
      ],
      [1, (g) => `Inventory: Cycle completed in ${g.rng.range(1, 200)}.${pad3(g.rng.int(1000))} seconds`],
      [
        1,
        (g) =>
          `Collection: Class "${g.rng.pick(['Win32_TSLicenseKeyPack', 'SMS_SoftwareShortcut', 'Win32_ServerFeature'])}" does not exist.`,
      ],
    ],
    warn: [
      (g) =>
        `Collection: ${g.rng.pick(['Namespace root\\dellomci', 'Namespace root\\vm'])} does not exist, out of ${g.rng.range(1, 20)} queries`,
    ],
    error: [(g) => `Inventory: Failed to send report, error ${g.hr()}`],
  },
];

/** Components without their own templates: CCM-style method traces, with shared keys. */
function genericSpec(name: string, component: string): ComponentSpec {
  const cls = `C${component.replace(/[^A-Za-z]/g, '')}`;
  return {
    name,
    component,
    sources: [
      `${name.toLowerCase()}.cpp:${(name.length * 137) % 4000}`,
      `${name.toLowerCase()}util.cpp:${(name.length * 311) % 3000}`,
    ],
    info: [
      [3, (g) => `${cls}::${g.rng.pick(['Initialize', 'Execute', 'Notify', 'OnPolicyChange', 'Evaluate'])} - entered`],
      [
        2,
        (g) => `${cls}::Evaluate - evaluating ${g.rng.skewed(g.p.scopes)} for assignment ${braced(g.p.assignments, g)}`,
      ],
      [
        2,
        (g) =>
          `${cls}::Notify - ${g.rng.pick(['policy', 'settings', 'state'])} change received for ${braced(g.p.policies, g)}`,
      ],
      [1, (g) => `${cls}::Execute - completed in ${g.rng.range(1, 9000)} ms`],
    ],
    warn: [(g) => `${cls}::Execute - operation took longer than expected (${g.rng.range(10, 120)} seconds)`],
    error: [
      (g) => `${cls}::Execute - failed with error ${g.hr()}`,
      (g) => `Failed to open to WMI namespace '\\\\.\\root\\ccm\\${component}' (${hrNoPrefix(g)})`,
    ],
  };
}

const GENERIC: Array<[string, string]> = [
  ['PolicyEvaluator', 'PolicyAgent_PolicyEvaluator'],
  ['CIDownloader', 'CIDownloader'],
  ['CIStateStore', 'CIStateStore'],
  ['ClientIDManagerStartup', 'ClientIdStartup'],
  ['AppDiscovery', 'AppDiscovery'],
  ['AppIntentEval', 'AppIntentEval'],
  ['SrcUpdateMgr', 'SrcUpdateMgr'],
  ['CcmEval', 'CcmEval'],
  ['CcmNotificationAgent', 'BgbAgent'],
  ['EndpointProtectionAgent', 'EndpointProtectionAgent'],
  ['mtrmgr', 'mtrmgr'],
];

/** Components whose log rolled over once: an older dated sibling plus the current file. */
const ROLLED = [
  'CcmExec',
  'CAS',
  'DataTransferService',
  'PolicyAgent',
  'StateMessage',
  'UpdatesDeployment',
  'WUAHandler',
  'ScanAgent',
];

// ---- Corpus --------------------------------------------------------------------------------------

const BASE_MS = Date.UTC(2024, 2, 4, 8, 0, 0); // 2024-03-04 08:00 local (bias +300)
const BIAS = '+300';

function makeGen(rng: Rng, p: Pools): Gen {
  return {
    rng,
    p,
    hr: () => rng.pick(HRESULTS),
    update: () => rng.skewed(p.updates, 2),
    user: () => rng.pick(p.users),
  };
}

function pickWeighted(rng: Rng, items: Array<[number, Template]>, total: number): Template {
  let r = rng.next() * total;
  for (const [w, t] of items) {
    r -= w;
    if (r < 0) return t;
  }
  return items[items.length - 1][1];
}

function writeCmtrace(
  path: string,
  specs: ComponentSpec[],
  targetBytes: number,
  seed: number,
  startMs: number,
  eol: string,
  pools: Pools,
): GeneratedFile {
  const rng = new Rng(seed);
  const g = makeGen(rng, pools);
  const out = new TextFile(path, eol, true);
  const totals = specs.map((spec) => spec.info.reduce((n, [w]) => n + w, 0));
  const threads = Array.from({ length: rng.range(4, 12) }, () => rng.range(100, 12000));
  const clock = new Clock(startMs, rng, 800);
  let records = 0;
  let multiLine = 0;
  let errors = 0;
  let warnings = 0;
  let lastDay = -1;
  let dateText = '';
  // Roughly: 2% errors, 3% warnings; the rest information.
  while (out.written < targetBytes) {
    clock.tick();
    const t = clock.parts();
    if (t.d !== lastDay) {
      lastDay = t.d;
      dateText = `${pad2(t.mo)}-${pad2(t.d)}-${t.y}`;
    }
    const which = specs.length === 1 ? 0 : rng.int(specs.length);
    const spec = specs[which];
    const r = rng.next();
    let type = '1';
    let message: string;
    if (r < 0.02) {
      type = '3';
      errors++;
      message = rng.pick(spec.error)(g);
    } else if (r < 0.05) {
      type = '2';
      warnings++;
      message = rng.pick(spec.warn)(g);
    } else message = pickWeighted(rng, spec.info, totals[which])(g);
    const header = `]LOG]!><time="${pad2(t.h)}:${pad2(t.mi)}:${pad2(t.s)}.${pad3(t.f)}${BIAS}" date="${dateText}" component="${spec.component}" context="" type="${type}" thread="${rng.pick(threads)}" file="${rng.pick(spec.sources)}">`;
    if (message.includes('\n')) {
      multiLine++;
      const lines = message.split('\n');
      lines[0] = '<![LOG[' + lines[0];
      lines[lines.length - 1] += header;
      out.multi(lines);
    } else out.line(`<![LOG[${message}${header}`);
    records++;
  }
  out.close();
  return {
    path,
    format: 'cmtrace',
    eol: eol === '\r\n' ? 'crlf' : 'lf',
    bytes: statSync(path).size,
    records,
    lines: out.lines,
    multiLine,
    errors,
    warnings,
  };
}

// SMS trace (site server): WSyncMgr and WCM, with STATMSG records that span two lines.
function writeSms(
  path: string,
  component: string,
  targetBytes: number,
  seed: number,
  eol: string,
  pools: Pools,
): GeneratedFile {
  const rng = new Rng(seed);
  const g = makeGen(rng, pools);
  const out = new TextFile(path, eol, false);
  const clock = new Clock(BASE_MS, rng, 1500);
  const thread = rng.range(1000, 9000);
  let records = 0;
  let multiLine = 0;
  let errors = 0;
  let warnings = 0;
  const messages: Array<() => string> = [
    () => 'Wakeup for scheduled regular sync',
    () => `Synchronizing WSUS server ${SUP} ...`,
    () => 'sync: Starting WSUS synchronization',
    () =>
      `sync: WSUS synchronizing updates, processed ${rng.range(1, 130)} out of 130 items (${rng.range(1, 99)}%), ETA in 00:00:0${rng.range(1, 9)}`,
    () => `Synchronizing update ${g.update().id} - ${g.update().title}`,
    () => `Set content version of update source {${pools.updateSource}} for site CM1 to ${rng.range(30, 90)}`,
    () => `Done synchronizing WSUS Server ${SUP}`,
    () => 'Sleeping 2 more minutes for WSUS server sync results to become available',
    () =>
      `Updated ${rng.range(1, 900)} items in SMS database, new update source content version is ${rng.range(30, 90)}`,
    () => 'Checking runtime v2.0.50727...',
    () => `Successfully connected to server: ${SUP}, port: 8530, useSSL: False`,
  ];
  while (out.written < targetBytes) {
    clock.tick();
    const t = clock.parts();
    const trailer = `  $$<${component}><${pad2(t.mo)}-${pad2(t.d)}-${t.y} ${pad2(t.h)}:${pad2(t.mi)}:${pad2(t.s)}.${pad3(t.f)}${BIAS}><thread=${thread} (0x${thread.toString(16).toUpperCase()})>`;
    const r = rng.next();
    if (r < 0.06) {
      // STATMSG: the trailer only on the last of two lines
      const id = rng.pick([6701, 6702, 6703, 6704, 6705, 6706, 6600, 6601]);
      const sev = id === 6703 || id === 6601 ? 'E' : 'I';
      if (sev === 'E') errors++;
      out.line(
        `STATMSG: ID=${id} SEV=${sev} LEV=M SOURCE="SMS Server" COMP="${component}" SYS=CM1SITE.CONTOSO.COM SITE=CM1`,
      );
      out.line(
        `PID=${rng.range(400, 9000)} TID=${thread} GMTDATE=Mon Mar 04 13:${pad2(t.mi)}:${pad2(t.s)}.${pad3(t.f)} 2024 ISTR0="" ISTR1="" NUMATTRS=0${trailer}`,
      );
      multiLine++;
    } else if (r < 0.075) {
      errors++;
      out.line(
        `${rng.pick(['Sync failed: WSUS server not configured. Source: getSiteSUPSettings', `Failed to sync update ${g.update().id}. Error: The operation has timed out. Source: Microsoft.UpdateServices.Internal.DatabaseAccess`, `ERROR: Failed to connect to WSUS server ${SUP}, error ${g.hr()}`])}${trailer}`,
      );
    } else if (r < 0.09) {
      warnings++;
      out.line(
        `WARNING: ${rng.pick(['Sync completed with some errors, will retry', 'Failed to set proxy settings, using defaults'])}${trailer}`,
      );
    } else out.line(`${rng.pick(messages)()}${trailer}`);
    records++;
  }
  out.close();
  return {
    path,
    format: 'sms',
    eol: eol === '\r\n' ? 'crlf' : 'lf',
    bytes: statSync(path).size,
    records,
    lines: out.lines,
    multiLine,
    errors,
    warnings,
  };
}

// WindowsUpdate.log, classic (Windows 7 / Server 2008 R2): tab separated, local time, tz declared at service start.
function writeWuClassic(path: string, targetBytes: number, seed: number, pools: Pools): GeneratedFile {
  const rng = new Rng(seed);
  const g = makeGen(rng, pools);
  const out = new TextFile(path, '\r\n', false);
  const clock = new Clock(BASE_MS, rng, 1200);
  let records = 0;
  let errors = 0;
  let warnings = 0;
  let pid = 968;
  let tid = 'f58';
  const stamp = () => {
    clock.tick();
    const t = clock.parts();
    return `${t.y}-${pad2(t.mo)}-${pad2(t.d)}\t${pad2(t.h)}:${pad2(t.mi)}:${pad2(t.s)}:${pad3(t.f)}\t${String(pid).padStart(4)}\t${tid}`;
  };
  const line = (component: string, text: string) => {
    out.line(`${stamp()}\t${component}\t${text}`);
    records++;
  };
  while (out.written < targetBytes) {
    const r = rng.next();
    if (r < 0.01) {
      pid = rng.range(400, 2000);
      tid = rng.hex(3);
      line('Misc', '===========  Logging initialized (build: 7.6.7601.24436, tz: -0500)  ===========');
      line('Misc', '  = Process: C:\\Windows\\system32\\svchost.exe');
      line('Service', '** START **  Service: Service startup');
    } else if (r < 0.03) {
      errors++;
      line(
        rng.pick(['PT', 'Agent', 'DnldMgr']),
        rng.pick([
          `  * FAILED: Exit code = ${g.hr()}`,
          `FATAL: Failed to synchronize, error = ${g.hr()}`,
          `  * FAILED: Download of update ${g.update().id.toUpperCase()} failed, hr = ${g.hr()}`,
        ]),
      );
    } else if (r < 0.06) {
      warnings++;
      line(
        rng.pick(['PT', 'Agent', 'Report']),
        `WARNING: ${rng.pick(['Cached cookie has expired or new PID is available', `SyncUpdates failure, error = ${g.hr()}, soap client error = 5`, 'Failed to obtain the authorization cookie'])}`,
      );
    } else {
      const u = g.update();
      line(
        rng.pick(['Agent', 'AU', 'PT', 'Report', 'DnldMgr', 'COMAPI', 'Handler']),
        rng.pick([
          `  * Added update {${u.id.toUpperCase()}}.${u.revision} to search result`,
          `  * Found ${rng.int(200)} updates and ${rng.int(90)} categories in search; evaluated appl. rules of ${rng.int(700)} out of 1150 deployed entities`,
          `+ ServiceId = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = http://${SUP}:8530/ClientWebService/client.asmx`,
          '** START **  Agent: Finding updates [CallerId = CcmExec]',
          '** END **  Agent: Finding updates [CallerId = CcmExec]',
          '  * Online = Yes; Ignore download priority = Yes',
          `REPORT EVENT: {${rng.guid()}}\t2024-03-04 13:52:41:127-0500\t1\t147\t101\t{00000000-0000-0000-0000-000000000000}\t0\t0\tCcmExec\tSuccess\tSoftware Synchronization\tWindows Update Client successfully detected ${rng.int(30)} updates.`,
          `Title = ${u.title}`,
          `Updates to install = ${rng.int(12)}`,
        ]),
      );
    }
  }
  out.close();
  return {
    path,
    format: 'wulog',
    eol: 'crlf',
    bytes: statSync(path).size,
    records,
    lines: out.lines,
    multiLine: 0,
    errors,
    warnings,
  };
}

// WindowsUpdate.log from Get-WindowsUpdateLog (Windows 10+): space separated, 7 fraction digits.
function writeWuEtw(path: string, targetBytes: number, seed: number, pools: Pools): GeneratedFile {
  const rng = new Rng(seed);
  const g = makeGen(rng, pools);
  const out = new TextFile(path, '\r\n', false);
  const clock = new Clock(BASE_MS, rng, 1200);
  let records = 0;
  let errors = 0;
  const pids = [3304, 5812, 8668, 6932];
  while (out.written < targetBytes) {
    clock.tick();
    const t = clock.parts();
    const frac = pad3(t.f) + String(rng.int(10000)).padStart(4, '0');
    const component = rng.pick([
      'Agent',
      'ComApi',
      'IdleTimer',
      'SLS',
      'Shared',
      'DownloadManager',
      'Handler',
      'Misc',
      'ProtocolTalker',
    ]);
    const r = rng.next();
    let text: string;
    if (r < 0.02) {
      errors++;
      text = rng.pick([
        `FAILED [${g.hr().slice(2).toUpperCase()}] Synchronize updates`,
        `* END * Finding updates CallerId = CcmExec, Id = ${rng.int(9000)}, Exit code = ${g.hr()} (cV = ${rng.hex(16)}.1.0.1)`,
        `Failed to download update ${g.update().id} hr=${g.hr()}`,
      ]);
    } else {
      const u = g.update();
      text = rng.pick([
        `* START * Finding updates CallerId = CcmExec  Id = ${rng.int(9000)} (cV = ${rng.hex(16)}.1.0.1.0.0.${rng.int(20)}.1)`,
        'Online = No; Interactive = No; AllowCachedResults = No; Ignore download priority = No',
        'ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed',
        `WU operation (CSearchCall::Init ID ${rng.int(9000)}, operation # ${rng.int(90000)}) stopped; does not use network; is at background priority`,
        `Added update ${u.id.toUpperCase()}.${u.revision} to search result`,
        `Found ${rng.int(200)} updates and ${rng.int(90)} categories in search; evaluated appl. rules of ${rng.int(700)} out of 1150 deployed entities`,
        `*RESUMED*   Search ClientId = CcmExec, ServiceId = 3DA21691-E39D-4DA6-8A4B-B43877BCB1B7 (cV = ${rng.hex(16)}.1.0.1.0.0)`,
        `Title = ${u.title}`,
      ]);
    }
    out.line(
      `${t.y}/${pad2(t.mo)}/${pad2(t.d)} ${pad2(t.h)}:${pad2(t.mi)}:${pad2(t.s)}.${frac} ${String(rng.pick(pids)).padEnd(5)} ${String(rng.range(100, 12000)).padEnd(5)} ${component.padEnd(15)} ${text}`,
    );
    records++;
  }
  out.close();
  return {
    path,
    format: 'wuetw',
    eol: 'crlf',
    bytes: statSync(path).size,
    records,
    lines: out.lines,
    multiLine: 0,
    errors,
    warnings: 0,
  };
}

// WSUS SoftwareDistribution.log: UTC, tab separated, .NET stack traces on continuation lines.
function writeWsus(path: string, targetBytes: number, seed: number, pools: Pools): GeneratedFile {
  const rng = new Rng(seed);
  const g = makeGen(rng, pools);
  const out = new TextFile(path, '\r\n', false);
  const clock = new Clock(BASE_MS + 5 * 3600_000, rng, 2000);
  let records = 0;
  let multiLine = 0;
  let errors = 0;
  let warnings = 0;
  while (out.written < targetBytes) {
    clock.tick();
    const t = clock.parts();
    const stamp = `${t.y}-${pad2(t.mo)}-${pad2(t.d)} ${pad2(t.h)}:${pad2(t.mi)}:${pad2(t.s)}.${pad3(t.f)} UTC`;
    const r = rng.next();
    if (r < 0.02) {
      errors++;
      multiLine++;
      out.line(
        `${stamp}\tError\tw3wp.${rng.range(5, 80)}\tSoapUtilities.CreateException\tThrowException: actor = http://${SUP}:8530/ClientWebService/client.asmx, ID=${rng.guid().toLowerCase()}, ErrorCode=InternalServerError, Message=, Client=${rng.guid().toLowerCase()}`,
      );
      out.line(
        '   at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie, SyncUpdateParameters parameters)',
      );
      out.line(
        '   at Microsoft.UpdateServices.Internal.ClientWebService.SyncUpdates(Cookie cookie, SyncUpdateParameters parameters)',
      );
    } else if (r < 0.04) {
      warnings++;
      out.line(
        `${stamp}\tWarning\tWsusService.${rng.range(5, 40)}\tContentSyncAgent.WakeUpWorkerThreadProc\tFile ${rng.hex(40).toUpperCase()}.cab not found on ${rng.pick(['Microsoft Update', 'upstream server'])}, will retry`,
      );
    } else {
      const u = g.update();
      out.line(
        `${stamp}\t${rng.pick(['Info', 'Info', 'Info', 'Change'])}\t${rng.pick(['WsusService', 'w3wp'])}.${rng.range(5, 80)}\t${rng.pick(
          [
            'EventLogEventReporter.ReportEvent\tEventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.',
            'CatalogSyncAgent.SetSubscriptionStateWithRetry\tFiring event SyncFinish...',
            `CatalogSyncAgentCore.ImportUpdates\tImported update ${u.id} (${u.kb}) revision ${u.revision}`,
            'AdminDataAccess.StartSubscriptionManually\tSynchronization manually started',
            `ContentSyncAgent.ContentSyncSP\tDownloaded file for update ${u.id}, ${rng.range(1, 900000)} bytes`,
          ],
        )}`,
      );
    }
    records++;
  }
  out.close();
  return {
    path,
    format: 'wsus',
    eol: 'crlf',
    bytes: statSync(path).size,
    records,
    lines: out.lines,
    multiLine,
    errors,
    warnings,
  };
}

/** One large CMTrace log mixing every component (bench/memory.ts streams 1 GB of it). CRLF, UTF-8 with BOM. */
export function writeLargeCmtrace(path: string, targetBytes: number, seed = DEFAULT_SEED): GeneratedFile {
  const specs: ComponentSpec[] = [...COMPONENTS, ...GENERIC.map(([n, c]) => genericSpec(n, c))];
  return writeCmtrace(path, specs, targetBytes, seed + 77, BASE_MS, '\r\n', makePools(seed));
}

export interface GenerateOptions {
  seed?: number;
  /** 1 = about 200 MB of CMTrace plus about 25 MB of other formats. */
  scale?: number;
  log?: (line: string) => void;
}

/** Writes the corpus into `dir/cmtrace/` (40 files) and `dir/other/`, plus `dir/manifest.json`. */
export function generateCorpus(dir: string, options: GenerateOptions = {}): Manifest {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  const log = options.log ?? (() => {});
  const pools = makePools(seed);
  rmSync(join(dir, 'manifest.json'), { force: true });
  mkdirSync(join(dir, 'cmtrace'), { recursive: true });
  mkdirSync(join(dir, 'other'), { recursive: true });
  const rng = new Rng(seed);

  const specs: ComponentSpec[] = [...COMPONENTS, ...GENERIC.map(([n, c]) => genericSpec(n, c))];
  // 32 logs, 8 of them rolled over once: 40 files. Sizes vary from 0.4x to 1.6x the mean.
  const plan: Array<{ spec: ComponentSpec; file: string; weight: number; startMs: number }> = [];
  for (const spec of specs) {
    const startMs = BASE_MS + rng.int(3600_000);
    if (ROLLED.includes(spec.name)) {
      const d = new Date(startMs);
      const stamp = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}-${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
      plan.push({ spec, file: `${spec.name}-${stamp}.log`, weight: 0.4 + rng.next() * 1.2, startMs });
      plan.push({ spec, file: `${spec.name}.log`, weight: 0.4 + rng.next() * 1.2, startMs: startMs + 6 * 86400_000 });
    } else plan.push({ spec, file: `${spec.name}.log`, weight: 0.4 + rng.next() * 1.2, startMs });
  }
  const totalWeight = plan.reduce((n, p) => n + p.weight, 0);
  const cmtraceTarget = 200 * 1e6 * scale;
  const files: GeneratedFile[] = [];
  plan.forEach((p, i) => {
    // Most ConfigMgr logs end lines with CRLF; one in four here has LF, as logs do after passing through git or Unix tools.
    const eol = i % 4 === 3 ? '\n' : '\r\n';
    const f = writeCmtrace(
      join(dir, 'cmtrace', p.file),
      [p.spec],
      (cmtraceTarget * p.weight) / totalWeight,
      seed + 1000 + i,
      p.startMs,
      eol,
      pools,
    );
    files.push({ ...f, path: `cmtrace/${p.file}` });
    log(`  ${f.path.slice(dir.length + 1)}  ${(f.bytes / 1e6).toFixed(1)} MB  ${f.records} records`);
  });
  const other = 5 * 1e6 * scale;
  const more: Array<() => GeneratedFile> = [
    () => writeSms(join(dir, 'other', 'WSyncMgr.log'), 'SMS_WSUS_SYNC_MANAGER', other, seed + 1, '\r\n', pools),
    () => writeSms(join(dir, 'other', 'WCM.log'), 'SMS_WSUS_CONFIGURATION_MANAGER', other / 2, seed + 2, '\n', pools),
    () => writeWuClassic(join(dir, 'other', 'WindowsUpdate.log'), other, seed + 3, pools),
    () => writeWuEtw(join(dir, 'other', 'WindowsUpdate-etw.log'), other, seed + 4, pools),
    () => writeWsus(join(dir, 'other', 'SoftwareDistribution.log'), other, seed + 5, pools),
  ];
  for (const make of more) {
    const f = make();
    files.push({ ...f, path: `other/${f.path.slice(join(dir, 'other').length + 1)}` });
    log(`  ${f.path.slice(dir.length + 1)}  ${(f.bytes / 1e6).toFixed(1)} MB  ${f.records} records`);
  }
  const cm = files.filter((f) => f.format === 'cmtrace');
  const manifest: Manifest = {
    version: CORPUS_VERSION,
    seed,
    scale,
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    records: files.reduce((n, f) => n + f.records, 0),
    cmtraceBytes: cm.reduce((n, f) => n + f.bytes, 0),
    cmtraceRecords: cm.reduce((n, f) => n + f.records, 0),
    hotKeys: [pools.updateSource.toLowerCase(), ...pools.assignments.slice(0, 3).map((a) => a.toLowerCase())],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** The corpus in `dir` if it is complete and was made with these options; otherwise generates it. */
export function ensureCorpus(
  dir: string,
  options: GenerateOptions = {},
): { manifest: Manifest; generated: boolean; seconds: number } {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  const existing = readManifest(dir);
  if (existing && existing.version === CORPUS_VERSION && existing.seed === seed && existing.scale === scale) {
    const intact = existing.files.every(
      (f) => existsSync(join(dir, f.path)) && statSync(join(dir, f.path)).size === f.bytes,
    );
    if (intact) return { manifest: existing, generated: false, seconds: 0 };
  }
  const t0 = performance.now();
  const manifest = generateCorpus(dir, options);
  return { manifest, generated: true, seconds: (performance.now() - t0) / 1000 };
}

export function readManifest(dir: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

function main(argv: string[]): void {
  let dir = DEFAULT_DIR;
  let scale = 1;
  let seed = DEFAULT_SEED;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--scale') scale = Number(argv[++i]);
    else if (a === '--seed') seed = Number(argv[++i]);
    else if (a === '--force') force = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: node --import tsx bench/generate.ts [DIR] [--scale 1] [--seed 20131003] [--force]\n',
      );
      return;
    } else dir = resolve(a);
  }
  if (!Number.isFinite(scale) || scale <= 0 || !Number.isInteger(seed))
    throw new Error('--scale must be a positive number and --seed an integer');
  const t0 = performance.now();
  const log = (s: string) => process.stdout.write(s + '\n');
  const result = force
    ? { manifest: generateCorpus(dir, { seed, scale, log }), generated: true }
    : ensureCorpus(dir, { seed, scale, log });
  const m = result.manifest;
  log(
    `${result.generated ? 'generated' : 'up to date'}: ${dir}  ${m.files.length} files, ${(m.bytes / 1e6).toFixed(1)} MB, ${m.records} records (CMTrace ${(m.cmtraceBytes / 1e6).toFixed(1)} MB, ${m.cmtraceRecords} records) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

// Run as a script (not when bundled into bench/out/child.js, where `module` is the bundle's).
if (require.main === module && /generate\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) main(process.argv.slice(2));
