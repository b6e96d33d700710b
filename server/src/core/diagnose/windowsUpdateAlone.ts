// Windows Update outside Configuration Manager: the scans and installs WindowsUpdate.log records for its other
// callers (Automatic Updates / UpdateOrchestrator, the Settings app, Defender, driver retrieval...). Not in the
// seeds; it follows Microsoft's documentation of WindowsUpdate.log (Get-WindowsUpdateLog on Windows 10 and later:
// "* START * Finding updates CallerId = ...", "* END * Finding updates CallerId = ..., Exit code = 0x...") and
// real logs (../shared/corpus/real: a driver install ending "Exit code = 0x8024200B"). ConfigMgr's own calls
// (CcmExec) belong to the scan and deployment flows. An install failure points to CBS.log (or, for a driver,
// setupapi.dev.log), where Windows says why the package failed.
import { formatCode, lookupCode } from '../decode/hresult';
import { stepZone, type Evidence, type Finding, type FindingError, type FindingStep } from './findings';
import { SCAN_AGENT, WINDOWS_UPDATE, WUAHANDLER } from './logs';
import { re, rei } from './rules';
import { SCAN_ERROR_GROUPS } from './scan';
import { messageOf, type DiagnoseContext, type Source } from './sources';
import { isConfigMgrCaller, wuCallerOf } from './windowsUpdate';
import { installHistory, lastAttemptOf, type UpdateResult } from './windowsUpdateHistory';
import { toIsoUtc } from '../time';

type Kind = 'scan' | 'install';

const FLOW_TITLE = 'Windows Update outside Configuration Manager';

const CONFIGMGR_SCAN_LOGS = {
  logs: [...SCAN_AGENT.logs, ...WUAHANDLER.logs],
  components: [...SCAN_AGENT.components, ...WUAHANDLER.components],
};

/** The end of a search: the ETW form names caller and exit code on one line (read by etwSearchEnd). */
const SEARCH_END_ETW = rei`\* END \*\s+Finding updates CallerId = `;
const EXIT_CODE = rei`Exit code = (?<code>0x[0-9A-Fa-f]{8})`;

/** "* END * Finding updates CallerId = Device Driver Retrieval Client, Id = 52, Exit code = 0x8024000B": caller and code. */
function etwSearchEnd(message: string): { caller: string; code: string } | undefined {
  const head = SEARCH_END_ETW.exec(message);
  if (!head) return undefined;
  const rest = message.slice(head.index + head[0].length);
  const exit = EXIT_CODE.exec(rest);
  if (!exit) return undefined;
  const end = [rest.indexOf(', Id = '), rest.indexOf('  Id = '), rest.indexOf(', Exit code')].filter((i) => i > 0);
  return {
    caller: callerName(rest.slice(0, Math.min(...end, exit.index))),
    code: exit.groups!.code,
  };
}
/** "<<PROCESS>>: taskhostw.exe, " → "taskhostw.exe": the agent's placeholder for a caller that gave no name. */
function callerName(raw: string): string {
  return raw
    .trimEnd()
    .replace(/,$/, '')
    .trim()
    .replace(/^<<PROCESS>>:\s*/i, '');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The classic form: the exit code is a warning line of the thread, then the END line names the caller. */
const SEARCH_END_CLASSIC = rei`\*\*\s+END\s+\*\*\s+Agent: Finding updates \[CallerId = (?<caller>[^\]]*)\]`;
/** Windows 7/8 agents may write "[CallerId = ]": a search whose caller gave no name. */
const UNNAMED_CALLER = 'a caller with no name';
const CLASSIC_EXIT = rei`WARNING: Exit code = (?<code>0x[0-9A-Fa-f]{8})`;
/** An install result: the handler's exit code (ETW), the classic CBS result, or the Reporter's failure line. */
const INSTALL_RESULT = [
  rei`^\s*Exit code = (?<code>0x[0-9A-Fa-f]{8})\s*$`,
  rei`Completed install of CBS update[^\n]{0,80}?installerError=(?<installerError>\d+)[^\n]{0,40}?hr=(?<code>0x[0-9A-Fa-f]+)`,
  rei`Installation Failure: Windows failed to install the following update with error (?<code>0x[0-9A-Fa-f]{8})`,
];
const DRIVER_INSTALL = re`Driver Install`;
/** "The operation was cancelled": its caller gave up; neither a success nor a failure. */
const CANCELLED = 0x8024000b;
/**
 * WU_E_UH_POSTREBOOTSTILLPENDING: the install history's code for an update installed that waits for a restart
 * (the same call ends "Install call complete (succeeded = 1 …)" and "Reboot required = True").
 */
const PENDING_RESTART = 0x80242014;
/** Only an HRESULT with the severity bit set is a failure: 0x00240010 ("skipped") is a success code. */
const failed = (code: number) => code >= 0x80000000 && code !== PENDING_RESTART;

interface Event {
  source: Source;
  index: number;
  time: number;
  code: number;
  driver: boolean;
}

const SCAN_ADVICE = [
  'Look up the exit code (Windows Update error codes); the lines of the same thread before the "END" line in WindowsUpdate.log say which phase failed (PT = the web service protocol to the update server, Agent = evaluation).',
  'For communication errors (0x8024401x, 0x80244xxx, 0x80072xxx) check the proxy (netsh winhttp show proxy) and that the update server (WSUS or Microsoft Update) answers from this computer.',
];
const INSTALL_ADVICE = [
  'Open CBS.log (%windir%\\Logs\\CBS\\CBS.log) at the time of the failure: the component servicing stack writes why the package failed to install (search for "error" or the HRESULT).',
  'For a driver update, open %windir%\\INF\\setupapi.dev.log at the same time: the PnP install of the device is logged there.',
  'Try installing the update manually (Microsoft Update Catalog); run DISM /Online /Cleanup-Image /RestoreHealth and sfc /scannow when CBS.log reports corruption.',
];

function scanEvents(source: Source): Array<Event & { caller: string }> {
  const out: Array<Event & { caller: string }> = [];
  const lastExitByThread = new Map<number | null, number>();
  for (let i = 0; i < source.records.length; i++) {
    const message = messageOf(source, i);
    if (!message.includes('Exit code') && !message.includes('END')) continue;
    const thread = source.records.thread(i);
    const exit = CLASSIC_EXIT.exec(message);
    if (exit) {
      lastExitByThread.set(thread, Number.parseInt(exit.groups!.code.slice(2), 16) >>> 0);
      continue;
    }
    const etw = etwSearchEnd(message);
    const classic = etw ? null : SEARCH_END_CLASSIC.exec(message);
    if (!etw && !classic) continue;
    const code = etw ? Number.parseInt(etw.code.slice(2), 16) >>> 0 : (lastExitByThread.get(thread) ?? 0);
    lastExitByThread.delete(thread);
    out.push({
      source,
      index: i,
      time: source.times[i],
      code,
      driver: false,
      caller: etw ? etw.caller : classic!.groups!.caller.trim() || UNNAMED_CALLER,
    });
  }
  return out;
}

function installEvents(source: Source): Array<Event & { caller: string }> {
  const out: Array<Event & { caller: string }> = [];
  let driver = false;
  for (let i = 0; i < source.records.length; i++) {
    const message = messageOf(source, i);
    if (/\* START \*/.test(message) && /Install/.test(message)) driver = DRIVER_INSTALL.test(message);
    const match = INSTALL_RESULT.map((p) => p.exec(message)).find(Boolean);
    if (!match) continue;
    // The bare "Exit code = ..." is the install handler's result only on a Handler line.
    if (match[0].trimStart().startsWith('Exit code') && source.records.component(i) !== 'Handler') continue;
    const code = Number.parseInt(match.groups!.code.replace(/^0x/i, ''), 16) >>> 0;
    const installerFailed = match.groups!.installerError !== undefined && match.groups!.installerError !== '0';
    out.push({
      source,
      index: i,
      time: source.times[i],
      code: installerFailed && !failed(code) ? 0x80004005 : code,
      driver,
      caller: wuCallerOf(source, i) ?? 'Windows Update',
    });
  }
  return out;
}

function step(name: string, event: Event): FindingStep {
  const utc = toIsoUtc(Number.isNaN(event.time) ? null : event.time);
  return {
    name,
    seen: true,
    file: event.source.file,
    line: event.source.records.line(event.index),
    ...(utc ? { utc } : {}),
    ...stepZone(event.source.records, event.index),
    log: 'WindowsUpdate.log',
    logPresent: true,
    detail: event.code ? formatCode(event.code) : 'exit code 0x00000000',
  };
}

function errorOf(event: Event, kind: Kind): FindingError {
  const info = lookupCode(event.code);
  const heading =
    kind === 'scan'
      ? 'Windows Update scan failed (outside Configuration Manager)'
      : `Windows Update ${event.driver ? 'driver ' : ''}install failed (outside Configuration Manager)`;
  const error: FindingError = {
    heading,
    code: formatCode(event.code),
    message: info.known && info.message ? info.message : messageOf(event.source, event.index).slice(0, 300),
    file: event.source.file,
    line: event.source.records.line(event.index),
  };
  if (info.known && info.names[0]) error.name = info.names[0];
  return error;
}

function findingOf(kind: Kind, caller: string, events: Event[]): Finding {
  const relevant = events.filter((e) => e.code !== CANCELLED).sort((a, b) => a.time - b.time);
  const last = relevant[relevant.length - 1];
  const failures = relevant.filter((e) => failed(e.code));
  const what = kind === 'scan' ? 'scan' : 'install';
  // One title for the flow: the Diagnosis view groups findings by title (flow → instance), and the instance's key
  // ("MoUpdateOrchestrator install") says which caller; a title per caller was cut off before its caller.
  const title = FLOW_TITLE;
  const steps = [step(kind === 'scan' ? `Last search for updates by ${caller}` : `Last install by ${caller}`, last)];
  const evidence: Evidence[] = failures.slice(-5).map((e) => ({
    file: e.source.file,
    line: e.source.records.line(e.index),
    text: messageOf(e.source, e.index).slice(0, 300),
    note: 'failure',
  }));
  const base = { flow: 'windowsUpdate', title, key: `${caller} ${kind}`, steps, evidence };
  const advice = kind === 'scan' ? SCAN_ADVICE : INSTALL_ADVICE;
  const nextLog =
    kind === 'install'
      ? last.driver
        ? 'setupapi.dev.log (%windir%\\INF)'
        : 'CBS.log (%windir%\\Logs\\CBS)'
      : undefined;
  if (!failures.length)
    return {
      ...base,
      status: 'complete',
      summary: `${plural(relevant.length, what)} by ${caller}, none failed.`,
      advice: [],
    };
  const byCode =
    kind === 'scan'
      ? SCAN_ERROR_GROUPS.find((g) =>
          g.codes.some((c) => Number.parseInt(c.slice(2), 16) >>> 0 === failures[failures.length - 1].code),
        )
      : undefined;
  const fullAdvice = byCode ? [...byCode.advice, ...advice] : advice;
  if (!failed(last.code)) {
    const error = { ...errorOf(failures[failures.length - 1], kind), recovered: true };
    return {
      ...base,
      status: 'complete',
      summary: `${failures.length} of ${plural(relevant.length, what)} by ${caller} failed; the last one succeeded.`,
      error,
      advice: fullAdvice,
    };
  }
  const error = errorOf(last, kind);
  return {
    ...base,
    status: 'broken',
    summary: `${error.heading}: ${caller}'s last ${kind} ended with ${error.code}${failures.length > 1 ? ` (${failures.length} of ${plural(relevant.length, what)} failed)` : ''}.`,
    error,
    advice: fullAdvice,
    ...(nextLog ? { nextLog } : {}),
  };
}

/** An update named as an admin finds it in Update history: its title, else its id. */
function updateName(result: UpdateResult): string {
  return result.title ? `"${result.title}" (${result.update})` : `update ${result.update}`;
}

/**
 * A caller's installs from the Windows 10+ install history: each update's failure is charged to the attempt that
 * was the update's last one (a driver offered by Device Driver Retrieval Client and failed, then retried by the
 * Update Orchestrator, is the Orchestrator's failure); a failure followed by a success of the same update is
 * recovered, whoever installed it.
 */
function historyFinding(caller: string, mine: UpdateResult[], all: UpdateResult[]): Finding {
  const failures = mine.filter((r) => failed(r.code));
  const open = failures.filter((r) => lastAttemptOf(all, r) === r);
  const last = mine[mine.length - 1];
  const title = FLOW_TITLE;
  const evidence: Evidence[] = failures.slice(-5).map((r) => ({
    file: r.source.file,
    line: r.source.records.line(r.index),
    text: messageOf(r.source, r.index).slice(0, 300),
    note: `failure: ${updateName(r)}`,
  }));
  const base = { flow: 'windowsUpdate', title, key: `${caller} install`, evidence };
  const pending = mine.filter((r) => r.code === PENDING_RESTART && lastAttemptOf(all, r) === r).length;
  const restart = pending ? ` ${pending} of them wait for a restart to finish.` : '';
  const counted = `${plural(mine.length, 'update install')} by ${caller}`;
  if (!failures.length)
    return {
      ...base,
      status: 'complete',
      summary: `${counted}, none failed.${restart}`,
      steps: [step(`Last install by ${caller}`, last)],
      advice: [],
    };
  if (!open.length) {
    const laterFailed = failures.filter((r) => failed(lastAttemptOf(all, r).code));
    const retriedBy = [...new Set(laterFailed.map((r) => lastAttemptOf(all, r).caller))];
    const failure = failures[failures.length - 1];
    const outcome = laterFailed.length
      ? `retried later by ${retriedBy.join(', ')} (diagnosed there)`
      : 'each failed update was installed later';
    return {
      ...base,
      status: 'complete',
      summary: `${failures.length} of ${counted} failed; ${outcome}.${restart}`,
      steps: [step(`Last install by ${caller}`, last)],
      error: { ...errorOf(failure, 'install'), recovered: true },
      advice: [],
    };
  }
  const failure = open[open.length - 1];
  const error = errorOf(failure, 'install');
  const others = open.length > 1 ? ` ${open.length - 1} other update(s) by ${caller} also failed for good.` : '';
  return {
    ...base,
    status: 'broken',
    summary: `${error.heading}: ${updateName(failure)} failed with ${error.code}${error.name ? ` (${error.name})` : ''} and no later install of it succeeded.${others}`,
    steps: [
      { ...step(`Install of ${updateName(failure)} by ${caller}`, failure), failed: true },
      step(`Last install by ${caller}`, last),
    ],
    error,
    advice: INSTALL_ADVICE,
    nextLog: failure.driver ? 'setupapi.dev.log (%windir%\\INF)' : 'CBS.log (%windir%\\Logs\\CBS)',
  };
}

/**
 * ConfigMgr's own searches (CcmExec) when ScanAgent.log and WUAHandler.log are not among the files: Windows'
 * side of the scan is proven, ConfigMgr's (the scan request, the update source, the state message) is not.
 * Without this a ConfigMgr client's WindowsUpdate.log alone said "no documented flow found".
 */
function configMgrScanFinding(scans: Array<Event & { caller: string }>): Finding {
  const finding = findingOf('scan', 'CcmExec', scans);
  const base = {
    ...finding,
    // Under the scan flow's own title: it is ConfigMgr's scan, seen from Windows' side only.
    title: 'Software update scan on the client',
    key: 'CcmExec scan',
  };
  if (finding.status === 'broken') return { ...base, nextLog: 'WUAHandler.log' };
  const missingLogs = ['ScanAgent.log', 'WUAHandler.log'];
  return {
    ...base,
    status: 'unproven',
    summary: `${finding.summary} ScanAgent.log and WUAHandler.log are not among the files, so Configuration Manager's side of the scan (the scan request, the update source, the state message) is unproven.`,
    steps: [
      ...finding.steps,
      ...missingLogs.map((log) => ({
        name: `Configuration Manager's side of the scan (${log})`,
        seen: false,
        log,
        logPresent: false,
      })),
    ],
    missingLogs,
    nextLog: missingLogs[1],
  };
}

function byCaller<T extends { caller: string }>(events: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const event of events) {
    if (isConfigMgrCaller(event.caller)) continue;
    const list = out.get(event.caller);
    if (list) list.push(event);
    else out.set(event.caller, [event]);
  }
  return out;
}

function installFindings(source: Source): Finding[] {
  const history = installHistory(source);
  if (history.length) return [...byCaller(history)].map(([caller, mine]) => historyFinding(caller, mine, history));
  return [...byCaller(installEvents(source))]
    .filter(([, list]) => list.some((e) => e.code !== CANCELLED))
    .map(([caller, list]) => findingOf('install', caller, list));
}

/** One finding per machine, caller and kind (a Windows 10 log holds hundreds of scans): the last one decides. */
function diagnoseWindowsUpdate(context: DiagnoseContext): Finding[] {
  const out: Finding[] = [];
  for (const source of context.sourcesFor(WINDOWS_UPDATE)) {
    const scans = scanEvents(source);
    const configMgrScans = scans.filter((e) => isConfigMgrCaller(e.caller));
    const scanLogsHere = context.sourcesFor(CONFIGMGR_SCAN_LOGS).some((s) => s.folder === source.folder);
    // On a ConfigMgr client the other callers' searches (Defender's definitions, Automatic Updates) are not the
    // machine's update scan: ConfigMgr's is. Their failures are noise for an admin; installs stay diagnosed.
    const managed = configMgrScans.length > 0 || scanLogsHere;
    if (!managed)
      for (const [caller, list] of byCaller(scans))
        if (list.some((e) => e.code !== CANCELLED)) out.push(findingOf('scan', caller, list));
    if (configMgrScans.some((e) => e.code !== CANCELLED) && !scanLogsHere)
      out.push(configMgrScanFinding(configMgrScans));
    out.push(...installFindings(source));
  }
  return out;
}

export const windowsUpdateModule = {
  id: 'windowsUpdate',
  title: FLOW_TITLE,
  adviceFrom: "Microsoft's documentation of WindowsUpdate.log and CBS.log, and the seed's groups of scan errors",
  diagnose: diagnoseWindowsUpdate,
};
