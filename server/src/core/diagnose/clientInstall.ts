// Client installation (ccmsetup.log, %windir%\ccmsetup\Logs): not in the seeds; the flow follows Microsoft's
// documentation of client installation (ccmsetup downloads its manifest and files from the management point or
// a distribution point, installs the prerequisites, checks the site version and the management point, then
// installs client.msi and exits with a return code) and the lines of a real ccmsetup.log
// (../shared/corpus/real/jimbocalvo__Reddit: a bootstrap run that hands over to the ccmsetup service and exits
// 0, and the service run that fails with 0x80190194 when BITS gets HTTP 404 for a prerequisite).
//
// Several ccmsetup processes write the same log at once (the bootstrap and the service it starts): each run is
// told apart by thread — its start line's thread, and the service's own threads for the run started last.
import { stepZone, type Evidence, type Finding, type FindingError, type FindingStep } from './findings';
import { formatCode, lookupCode } from '../decode/hresult';
import { re, rei } from './rules';
import { messageOf, type DiagnoseContext, type Source } from './sources';
import { toIsoUtc } from '../time';

const CCMSETUP = { logs: ['ccmsetup.log'], components: ['ccmsetup'] };
const RUN_START = re`ccmsetup started in process (?<pid>\d+)`;

interface StepSpec {
  name: string;
  patterns: RegExp[];
  optional?: boolean;
  detail?: (m: RegExpExecArray) => string | undefined;
}

const STEPS: StepSpec[] = [
  {
    name: 'ccmsetup starts (command line and properties)',
    patterns: [re`Ccmsetup command line: (?<cmd>[^\n]+)`, RUN_START],
    detail: (m) => m.groups?.cmd?.trim(),
  },
  {
    name: 'The bootstrap hands over to the ccmsetup service',
    optional: true,
    patterns: [re`Successfully started the ccmsetup service`, re`In ServiceMain`],
  },
  {
    name: 'A management point answers with the site version (MP and site compatibility check)',
    optional: true,
    patterns: [
      rei`Retri?e?ved site version '(?<version>[^']+)' from MP '(?<mp>[^']+)'`,
      rei`MP '(?<mp>[^']+)' is compatible`,
    ],
    detail: (m) => (m.groups?.version ? `site ${m.groups.version} from ${m.groups.mp}` : m.groups?.mp),
  },
  {
    name: 'The management point certificates are checked',
    optional: true,
    patterns: [
      rei`MP certificates? (?:retrieved|validated|is valid)|Successfully (?:retrieved|validated) MP certificates?|Getting MP Certificates`,
    ],
  },
  {
    name: 'The client manifest (ccmsetup.cab) is downloaded and loaded',
    optional: true,
    patterns: [re`Successfully loaded ccmsetup manifest file`, re`Successfully extracted manifest file`],
  },
  {
    name: 'The prerequisites and client.msi are downloaded',
    optional: true,
    patterns: [rei`Successfully downloaded client files`, rei`Download complete`],
  },
  {
    name: 'The prerequisites are installed',
    optional: true,
    patterns: [
      rei`Successfully installed (?:prerequisite|'[^']+'|the prerequisite)`,
      rei`Installing file '(?<file>[^']+)'`,
    ],
    detail: (m) => m.groups?.file,
  },
  {
    name: 'client.msi is installed',
    optional: true,
    patterns: [rei`Installation succeeded`, rei`Running installation package`],
  },
  { name: 'ccmsetup exits with return code 0', patterns: [re`CcmSetup is exiting with return code 0\b`] },
];

const CHECK_ADVICE = [
  'Open ccmsetup.log from the end: the last "CcmSetup failed with error code" or "CcmSetup is exiting with return code" line gives the result; the lines just before it say which step failed.',
  'For a client.msi failure (Windows Installer error such as 1603) open client.msi.log in the same folder and search for "Return value 3": the lines above it name the failing action.',
  'For a download failure check that the management point and the distribution point the client was given answer over HTTP(S) from this computer (the URL is in the failing line), and that the client is in a boundary group with a distribution point that has the client package.',
  'For management point or certificate errors check the /mp: parameter and the SMSSITECODE property on the command line, and that the client trusts the management point certificate (HTTPS or Enhanced HTTP).',
];

interface FailureSpec {
  pattern: RegExp;
  heading: string;
  nextLog?: string;
  /**
   * ccmsetup retries downloads and management points: such a failure is the run's cause only when no step
   * of the run was reached after it (an SSL failure at one MP followed by the manifest from another is not).
   */
  retried?: boolean;
  /** Says more than the line itself (the certificate check flags WinHTTP logged before the error). */
  explain?: (run: Run, index: number) => string | undefined;
}

/**
 * What WinHTTP's certificate flags mean for a client (Microsoft's "Configuration Manager clients fail to
 * communicate with CMG" article, KB 4503442 / 4495265; WinHTTP's WINHTTP_CALLBACK_STATUS_SECURE_FAILURE).
 */
const CERTIFICATE_FLAGS: Record<string, string> = {
  INVALID_CA:
    'the root certificate of the CA that issued the server certificate is not in the Trusted Root Certification Authorities store of the local computer',
  CERT_CN_INVALID: 'the host name the client connects to is not in the certificate (subject or alternative name)',
  CERT_REV_FAILED:
    'the certificate revocation list (CRL) cannot be reached: publish it, or install with /NoCRLCheck and clear CRL checking for clients',
  CERT_DATE_INVALID: 'the server certificate has expired or is not yet valid (or the client clock is wrong)',
  CERT_REVOKED: 'the server certificate was revoked',
  INVALID_CERT: 'the server certificate is invalid',
  CERT_WRONG_USAGE: 'the server certificate is not for server authentication',
  SECURITY_CHANNEL_ERROR: 'the TLS handshake failed (protocol or cipher not shared by client and server)',
};

const CERTIFICATE_FLAG = re`WINHTTP_CALLBACK_STATUS_FLAG_(?<flag>[A-Z_]+) is set`;

/** The flags WinHTTP set in the lines just before the failure (it logs them before the ERROR line). */
function certificateFlagsBefore(run: Run, index: number): string | undefined {
  const at = run.indexes.indexOf(index);
  const flags: string[] = [];
  for (let k = at - 1; k >= 0 && k >= at - 12; k--) {
    const flag = CERTIFICATE_FLAG.exec(messageOf(run.source, run.indexes[k]))?.groups?.flag;
    if (flag && !flags.includes(flag)) flags.unshift(flag);
  }
  if (flags.length === 0) return undefined;
  return flags
    .map((f) => `${f}: ${CERTIFICATE_FLAGS[f] ?? "see WinHTTP's WINHTTP_CALLBACK_STATUS_FLAG_" + f}`)
    .join('; ');
}

/** Most precise first: the exit line last, so that the cause it follows is named. */
const FAILURES: FailureSpec[] = [
  {
    pattern: rei`Failed to download (?:client )?files(?: by| through) BITS\. Error:? (?<code>0x[0-9A-Fa-f]{8})`,
    heading: 'Client installation: the client files could not be downloaded',
    retried: true,
  },
  {
    pattern: rei`Installation failed with error code (?<exit>\d+)|client\.msi installation failed[^\n]*?(?<code>0x[0-9A-Fa-f]{8})?`,
    heading: 'Client installation: client.msi failed',
    nextLog: 'client.msi.log (%windir%\\ccmsetup\\Logs)',
  },
  {
    pattern: rei`Failed to (?:get|verify|validate) (?:the )?(?:MP )?certificate[^\n]*?(?<code>0x[0-9A-Fa-f]{8})?|certificate[^\n]{0,80}(?:has expired|is not valid|was revoked)`,
    heading: 'Client installation: the management point certificate check failed',
  },
  {
    // [CCMHTTP] ERROR: URL=https://…, Port=443, Options=224, Code=12175, Text=ERROR_WINHTTP_SECURE_FAILURE
    pattern: re`\[CCMHTTP\] ERROR: URL=(?<url>[^,\s]+)[^\n]{0,80}Code=12175, Text=ERROR_WINHTTP_SECURE_FAILURE`,
    heading: 'Client installation: the server certificate is not trusted (ERROR_WINHTTP_SECURE_FAILURE)',
    retried: true,
    explain: certificateFlagsBefore,
  },
  {
    // [CCMHTTP] ERROR INFO: StatusCode=401 StatusText=CMGService_Invalid_Token (an expired /regtoken or a client
    // silent for over 30 days)
    pattern: re`\[CCMHTTP\] ERROR INFO: StatusCode= ?(?<http>401|403) StatusText= ?(?<status>CMG\w+)`,
    heading: 'Client installation: the cloud management gateway refused the client',
    retried: true,
    explain: (run, index) => cmgRefusal(messageOf(run.source, index)),
  },
  {
    pattern: rei`(?:MP|site) version[^\n]{0,80}is not compatible|Failed to get site version from (?:all )?MPs?[^\n]*?(?<code>0x[0-9A-Fa-f]{8})?`,
    heading: 'Client installation: no compatible management point / site version',
    retried: true,
  },
  {
    pattern: rei`CcmSetup failed with error code (?<code>0x[0-9A-Fa-f]{8})`,
    heading: 'Client installation failed (ccmsetup error code)',
  },
  {
    pattern: rei`CcmSetup is exiting with return code (?<exit>[1-9]\d*)`,
    heading: 'Client installation: ccmsetup exited with a non-zero return code',
  },
];

interface Run {
  source: Source;
  start: number;
  thread: number | null;
  pid: string;
  indexes: number[];
}

/** Each "ccmsetup started in process N" line opens a run; lines go to the run of their thread, else the latest run. */
function runsOf(source: Source): Run[] {
  const runs: Run[] = [];
  const byThread = new Map<number, Run>();
  for (let i = 0; i < source.records.length; i++) {
    const thread = source.records.thread(i);
    const start = RUN_START.exec(messageOf(source, i));
    if (start) {
      const run: Run = { source, start: i, thread, pid: start.groups!.pid, indexes: [i] };
      runs.push(run);
      if (thread !== null) byThread.set(thread, run);
      continue;
    }
    const run = (thread !== null ? byThread.get(thread) : undefined) ?? runs[runs.length - 1];
    if (!run) continue;
    run.indexes.push(i);
    if (thread !== null && !byThread.has(thread)) byThread.set(thread, run);
  }
  return runs;
}

function lineStep(spec: StepSpec, run: Run): { step: FindingStep; at?: number } {
  const step: FindingStep = {
    name: spec.name,
    seen: false,
    log: 'ccmsetup.log',
    logPresent: true,
    ...(spec.optional ? { optional: true } : {}),
  };
  for (const index of run.indexes) {
    const match = spec.patterns.map((p) => p.exec(messageOf(run.source, index))).find(Boolean);
    if (!match) continue;
    const utc = toIsoUtc(Number.isNaN(run.source.times[index]) ? null : run.source.times[index]);
    const detail = spec.detail?.(match);
    return {
      step: {
        ...step,
        seen: true,
        file: run.source.file,
        line: run.source.records.line(index),
        ...(utc ? { utc } : {}),
        ...stepZone(run.source.records, index),
        ...(detail ? { detail } : {}),
      },
      at: index,
    };
  }
  return { step };
}

/** Microsoft's documented causes of the CMG's refusals (KB 4503442). */
function cmgRefusal(text: string): string | undefined {
  if (/CMGService_Invalid_Token/.test(text))
    return 'CMGService_Invalid_Token: the token is expired or was not added (a /regtoken older than its lifetime, or a client that has not talked to the site for over 30 days): create a new bulk registration token or install the client on the intranet';
  if (/CMGConnector_Clientcertificaterequired/.test(text))
    return 'CMGConnector_Clientcertificaterequired: the CMG connection point has no valid client authentication certificate to forward requests to an HTTPS management point';
  if (/CMGConnector_Forbidden/.test(text))
    return "CMGConnector_Forbidden: the management point's IIS 443 binding has the wrong certificate (HTTPS: a PKI server authentication certificate; Enhanced HTTP: the SMS Role SSL certificate)";
  return undefined;
}

type FailureAt = { spec: FailureSpec; index: number; match: RegExpExecArray };

/** The first failure by precedence; a retried one only when the run reached no step after it. */
function firstFailure(run: Run, lastStepAt: number): FailureAt | undefined {
  for (const spec of FAILURES) {
    for (const index of run.indexes) {
      if (spec.retried && index < lastStepAt) continue;
      const match = spec.pattern.exec(messageOf(run.source, index));
      if (match) return { spec, index, match };
    }
  }
  return undefined;
}

function errorOf(run: Run, failure: FailureAt): FindingError {
  const line = run.source.records.line(failure.index);
  const raw = failure.match.groups?.code;
  const exit = failure.match.groups?.exit;
  const text = messageOf(run.source, failure.index).split('\n', 1)[0].slice(0, 300);
  const error: FindingError = { heading: failure.spec.heading, message: text, file: run.source.file, line };
  if (raw) {
    const value = Number.parseInt(raw.slice(2), 16) >>> 0;
    const info = lookupCode(value);
    error.code = formatCode(value);
    if (info.known) {
      error.message = info.message || text;
      if (info.names[0]) error.name = info.names[0];
    }
  } else if (exit)
    error.message = exit === '7' ? `${text} (7: a prerequisite asked for a restart; ccmsetup resumes after it)` : text;
  const explained = failure.spec.explain?.(run, failure.index);
  if (explained) error.message = `${error.message} — ${explained}`;
  return error;
}

function findingOf(run: Run): Finding {
  const walked = STEPS.map((spec) => lineStep(spec, run));
  const steps = walked.map((w) => w.step);
  const evidence: Evidence[] = steps
    .filter((s) => s.seen)
    .map((s) => ({
      file: s.file!,
      line: s.line!,
      text: messageOf(run.source, walked[steps.indexOf(s)].at!).slice(0, 300),
    }));
  const base = {
    flow: 'clientInstall',
    title: 'Client installation (ccmsetup)',
    key: `process ${run.pid}`,
    steps,
    evidence,
  };
  const lastStepAt = Math.max(-1, ...walked.filter((w) => w.at !== undefined && w.at !== run.start).map((w) => w.at!));
  const failure = firstFailure(run, lastStepAt);
  const exited = steps[steps.length - 1].seen;
  if (failure && !exited) {
    const error = errorOf(run, failure);
    evidence.push({
      file: run.source.file,
      line: error.line,
      text: messageOf(run.source, failure.index).slice(0, 300),
      note: 'failure',
    });
    steps[steps.length - 1].failed = true;
    const summary = `${error.heading}${error.code ? ` (${error.code})` : ''}`;
    return {
      ...base,
      status: 'broken',
      summary,
      error,
      advice: CHECK_ADVICE,
      nextLog: failure.spec.nextLog ?? 'ccmsetup.log',
    };
  }
  if (exited) {
    const handedOver = steps[1].seen && !steps[steps.length - 2].seen;
    const summary = handedOver
      ? 'The ccmsetup bootstrap handed over to the ccmsetup service and exited with 0; the service run carries the installation.'
      : 'ccmsetup finished with return code 0.';
    return { ...base, status: 'complete', summary, advice: [] };
  }
  return {
    ...base,
    status: 'incomplete',
    summary:
      'ccmsetup.log ends before ccmsetup exits: the installation is still running, or the log was collected during it.',
    advice: CHECK_ADVICE,
    nextLog: 'ccmsetup.log',
  };
}

function diagnoseClientInstall(context: DiagnoseContext): Finding[] {
  return context.sourcesFor(CCMSETUP).flatMap((source) => runsOf(source).map(findingOf));
}

export const clientInstallModule = {
  id: 'clientInstall',
  title: 'Client installation (ccmsetup)',
  adviceFrom:
    "Microsoft's documentation of client installation and of clients that cannot reach a cloud management gateway (KB 4503442)",
  diagnose: diagnoseClientInstall,
};
