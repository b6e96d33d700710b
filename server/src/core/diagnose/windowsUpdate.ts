// Who a WindowsUpdate.log line works for. The Windows Update Agent serves several callers at once —
// ConfigMgr (CcmExec), Automatic Updates, Defender, the Store, Windows Update settings — and its failure
// lines ("WARNING: Exit code = 0x8024...") do not name the caller: the "** START ** Agent: Finding updates
// [CallerId = X]" line of the same thread does (seed 000 "Software Update Scan on Clients": the ConfigMgr
// search is "Agent: Finding updates [CallerId = CcmExec]", the API call "COMAPI: Search [ClientId = CcmExec]").
import { messageOf, type Source } from './sources';

/** An Agent or COMAPI call opening or closing, with its caller (classic log and Get-WindowsUpdateLog forms). */
const CALL =
  /(?<edge>\bSTART\b|\bEND\b)\s*[*-]{1,2}\s+(?:(?:Agent|COMAPI):\s+)?(?:Finding updates|Installing updates|Downloading updates|Search|Install|Download)[^\n]{0,40}?(?:CallerId|ClientId)\s*=\s*(?<caller>[^\]\s,]+)/i;
/** The ETW form writes the caller on the result line itself. */
const INLINE_CALLER = /(?:CallerId|ClientId)\s*=\s*(?<caller>[^\]\s,]+)/i;

const LOOK_BACK = 5_000;

/**
 * The caller of the WUA call that line `index` belongs to: the caller named on the line, else the call
 * opened and not yet closed on the same thread, else the last call opened in the log and not closed since.
 * Undefined when the log does not say.
 */
export function wuCallerOf(source: Source, index: number): string | undefined {
  const own = INLINE_CALLER.exec(messageOf(source, index));
  if (own) return own.groups!.caller;
  const thread = source.records.thread(index);
  const closed = new Set<string>();
  let anyOpen: string | undefined;
  for (let i = index - 1; i >= 0 && i >= index - LOOK_BACK; i--) {
    const call = CALL.exec(messageOf(source, i));
    if (!call) continue;
    const { edge, caller } = call.groups!;
    const sameThread = thread !== null && source.records.thread(i) === thread;
    if (/end/i.test(edge)) {
      if (sameThread) return undefined; // the thread's last call ended before this line
      closed.add(caller.toLowerCase());
      continue;
    }
    if (sameThread) return caller;
    if (anyOpen === undefined && !closed.has(caller.toLowerCase())) anyOpen = caller;
  }
  return anyOpen;
}

/** ConfigMgr's caller name in WindowsUpdate.log. */
export function isConfigMgrCaller(caller: string | undefined): boolean {
  return !!caller && /^CcmExec$/i.test(caller);
}
