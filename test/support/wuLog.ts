// A Windows 10+ WindowsUpdate.log (Get-WindowsUpdateLog form) written from entries, for the diagnosis tests:
// "2023/05/22 08:22:09.4659154 6868  2916  Agent           text", times `seconds` after `base` (UTC ms).
import { parseText, type ParseResult } from '../../server/src/core/parse';

export type WuEntry = [seconds: number, pid: number, tid: number, component: string, text: string];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function wuLine(base: number, [seconds, pid, tid, component, text]: WuEntry): string {
  const d = new Date(base + seconds * 1000);
  const date = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}0000`;
  return `${date} ${time} ${String(pid).padEnd(5)} ${String(tid).padEnd(5)} ${component.padEnd(15)} ${text}`;
}

export function wu10Log(file: string, base: number, entries: WuEntry[]): ParseResult {
  return parseText(entries.map((e) => wuLine(base, e)).join('\r\n'), file);
}
