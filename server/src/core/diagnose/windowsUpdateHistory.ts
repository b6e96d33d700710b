// The install results of a Windows 10+ WindowsUpdate.log (Get-WindowsUpdateLog), one per update: the Agent writes
// "LogHistory called. idUpdate={U}.R, resultMapped=X, resultUnMapped=Y" when it records an update's install in the
// history (what Settings > Update history shows), then "WU client logged Install deloyment history, caller = C,
// update U.R, classification K". The deployment provider names the job's caller and each update's title:
// "Deployment job Id J : Beginning Installing of updates, CallerId = C." then "Title = T" and "UpdateId = U.R".
// Read from real logs (../shared/corpus/real: Appostarsi__WinErros, josemct__repo-01, ZayrexDev__stuff). An install
// call's own lines ("Exit code = 0x00000000" of the deployment job, "Install call complete") hide which update
// failed; the history does not, and it lets a failure be matched with a later success of the same update.
import { rei } from './rules';
import { messageOf, type Source } from './sources';

export interface UpdateResult {
  source: Source;
  index: number;
  time: number;
  /** The update's id (upper case, no braces, no revision). */
  update: string;
  title?: string;
  caller: string;
  /** The HRESULT the history records (0 = installed). */
  code: number;
  driver: boolean;
}

/**
 * Two wordings in real logs: "LogHistory called. idUpdate={U}.R, resultMapped=X, resultUnMapped=Y" (Windows 10
 * 22H2, Appostarsi__WinErros) and "LogHistory called for Caller=C, idUpdate=U.R, operation = Install,
 * resultMapped=X, resultUnMapped=Y" (Windows 11, Debajyati__logparsing, ZayrexDev__stuff), which names the caller.
 */
const HISTORY = rei`LogHistory called(?:\. | for Caller=(?<caller>[^,]+), )idUpdate=\{?(?<update>[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12})\}?\.\d+,(?: operation = Install,)? resultMapped=(?<mapped>[0-9A-F]+), resultUnMapped=(?<unmapped>[0-9A-F]+)`;
const HISTORY_CALLER = rei`logged Install de\w*ment history, caller = (?<caller>.+?), update (?<update>[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12})(?:\.\d+)?(?:, classification (?<classification>[0-9A-F-]{36}))?`;
const JOB_BEGIN = rei`Deployment job Id (?<job>[0-9A-F-]{36}) : Beginning Installing of updates, CallerId = (?<caller>.+?)\.?\s*$`;
const JOB_UPDATE = rei`Deployment job Id (?<job>[0-9A-F-]{36}) : Installing starting for update (?<update>[0-9A-F-]{36})`;
/** The install call a thread works for (Windows 10 1809 and earlier name no deployment job). */
const CALL_START = rei`\* START \*\s+Installing updates CallerId = (?<caller>.+?)\s*$`;
const TITLE = rei`^\s*Title = (?<title>.+?)\s*$`;
const UPDATE_ID = rei`^\s*UpdateId = (?<update>[0-9A-F-]{36})`;
/** The "Drivers" update classification (WSUS / Microsoft Update catalog). */
const DRIVERS = 'EBFC1FC5-71A4-4F7B-9ACA-3B9A503104A0';
/** How far after its history line the caller line is looked for (they are a few lines apart). */
const CALLER_AHEAD = 40;

/**
 * Every install result of the log, in log order, with its caller, title and whether it is a driver; none when the
 * log writes no Windows 10+ install history (then the handlers' exit codes are read instead).
 */
export function installHistory(source: Source): UpdateResult[] {
  const jobCaller = new Map<string, string>();
  const updateJob = new Map<string, string>();
  const titles = new Map<string, string>();
  const lastTitleByThread = new Map<number | null, string>();
  const callerByThread = new Map<number | null, string>();
  const out: UpdateResult[] = [];
  for (let i = 0; i < source.records.length; i++) {
    const message = messageOf(source, i);
    if (!/LogHistory|Deployment job|Installing updates|Title =|UpdateId =/.test(message)) continue;
    const thread = source.records.thread(i);
    const call = CALL_START.exec(message);
    if (call) callerByThread.set(thread, call.groups!.caller);
    const begin = JOB_BEGIN.exec(message);
    if (begin) jobCaller.set(begin.groups!.job.toUpperCase(), begin.groups!.caller.trim());
    const starting = JOB_UPDATE.exec(message);
    if (starting) updateJob.set(starting.groups!.update.toUpperCase(), starting.groups!.job.toUpperCase());
    const title = TITLE.exec(message);
    if (title) lastTitleByThread.set(thread, title.groups!.title);
    const id = UPDATE_ID.exec(message);
    const pending = lastTitleByThread.get(thread);
    if (id && pending !== undefined) {
      titles.set(id.groups!.update.toUpperCase(), pending);
      lastTitleByThread.delete(thread);
    }
    const history = HISTORY.exec(message);
    if (!history) continue;
    const update = history.groups!.update.toUpperCase();
    const mapped = Number.parseInt(history.groups!.mapped, 16) >>> 0;
    const unmapped = Number.parseInt(history.groups!.unmapped, 16) >>> 0;
    const named = callerLine(source, i, update);
    const job = updateJob.get(update);
    out.push({
      source,
      index: i,
      time: source.times[i],
      update,
      title: titles.get(update),
      caller:
        history.groups!.caller?.trim() ??
        named?.caller ??
        (job ? jobCaller.get(job) : undefined) ??
        callerByThread.get(thread) ??
        'Windows Update',
      code: mapped || unmapped,
      driver: named?.classification?.toUpperCase() === DRIVERS,
    });
  }
  return out;
}

/** The "logged Install deloyment history, caller = …" line that follows an update's history line. */
function callerLine(
  source: Source,
  index: number,
  update: string,
): { caller: string; classification?: string } | undefined {
  const end = Math.min(source.records.length, index + CALLER_AHEAD);
  for (let i = index + 1; i < end; i++) {
    const match = HISTORY_CALLER.exec(messageOf(source, i));
    if (match && match.groups!.update.toUpperCase() === update)
      return { caller: match.groups!.caller.trim(), classification: match.groups!.classification };
  }
  return undefined;
}

/**
 * Whether a failed result is the update's last word: no later result of the same update (by any caller)
 * exists. A failure followed by a success was recovered; one followed by another failure is charged to the
 * later attempt. `results` are one log's, so log order is time order (and holds for logs with no known zone).
 */
export function lastAttemptOf(results: UpdateResult[], result: UpdateResult): UpdateResult {
  let last = result;
  for (const other of results) if (other.update === result.update && other.index > last.index) last = other;
  return last;
}
