// The scenario generator's core: a seeded random source, machines with their own time zone, and logs that
// collect records at UTC times and are written in the real on-disk format of each log (CMTrace, SMS trace,
// WindowsUpdate.log classic and ETW-decoded, WSUS SoftwareDistribution.log), CRLF, with rolled-over halves.
//
// Formats are copied from the seed documents and from the samples re-typed from them (samples/README.md);
// the rolled-over names, the UTF-16 StateMessage.log and the ETW WindowsUpdate.log layout are the ones real
// clients write (see ../shared/corpus/real, e.g. ServiceWindowManager-20131010-060001.log).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

// ---------------------------------------------------------------------------------------------------
// Seeded random numbers (mulberry32): the same seed gives the same scenario on every machine.

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += '0123456789ABCDEF'[this.int(0, 15)];
    return out;
  }
  /** Upper-case GUID without braces, as ConfigMgr writes job IDs inside `{...}`. */
  guid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'A', 'B'])}${this.hex(3)}-${this.hex(12)}`;
  }
  /** A thread id as CMTrace writes it (decimal, a few thousand). */
  thread(): number {
    return this.int(200, 9000);
  }
}

// ---------------------------------------------------------------------------------------------------
// Time formatting. Windows bias rule: UTC = local + bias (minutes), so local = UTC - bias.

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function local(utc: number, bias: number): Date {
  return new Date(utc - bias * MIN);
}

/** `+300`, `-60`, `+000`: the bias as CMTrace and SMS trace write it. */
export function biasText(bias: number): string {
  return bias === 0 ? '+000' : bias > 0 ? `+${bias}` : `${bias}`;
}

export function mmddyyyy(d: Date): string {
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${d.getUTCFullYear()}`;
}

export function hms(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function hmsms(d: Date): string {
  return `${hms(d)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** The local date/time of a UTC instant on a machine, for messages that quote times ("2/9/2014 12:00:00 AM"). */
export function localDate(utc: number, bias: number): Date {
  return local(utc, bias);
}

/** `-0500` for bias +300: the zone WindowsUpdate.log (WUA 7) writes in "Logging initialized (…, tz: -0500)". */
export function wuTz(bias: number): string {
  const m = Math.abs(bias);
  return `${bias > 0 ? '-' : '+'}${pad(Math.floor(m / 60))}${pad(m % 60)}`;
}

/** `Thu Jan 16 18:53:52.608 2014`: the GMTDATE of a STATMSG line (always UTC). */
export function gmtDate(utc: number): string {
  const d = new Date(utc);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${day} ${mon} ${pad(d.getUTCDate())} ${hmsms(d)} ${d.getUTCFullYear()}`;
}

/** `02/09/2014 07:15:00 PM`: how Scheduler.log writes a local time. */
export function usDateTime(d: Date): string {
  const h = d.getUTCHours();
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(((h + 11) % 12) + 1)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

// ---------------------------------------------------------------------------------------------------
// Records and logs

export type LogFormat = 'cmtrace' | 'smstrace' | 'wuClassic' | 'wuEtw' | 'wsus';

export interface Entry {
  utc: number;
  /** Insertion order, so records of the same millisecond keep the order they were written in. */
  seq: number;
  message: string;
  /** CMTrace/SMS trace component; WindowsUpdate.log component (Agent, COMAPI...); WSUS level+thread+method. */
  component: string;
  /** CMTrace type: 1 info, 2 warning, 3 error. */
  type: 1 | 2 | 3;
  thread: number;
  /** CMTrace `file="..."` (source file:line); WindowsUpdate.log process id. */
  source: string;
}

export interface Rollover {
  /** Records before this UTC go to the older half. */
  atUtc: number;
  /** `lo_`: Name.lo_ (the default single history file); `stamped`: Name-YYYYMMDD-HHMMSS.log (LogMaxHistory > 1). */
  style: 'lo_' | 'stamped';
}

export interface LogOptions {
  format: LogFormat;
  /** Component written on every record unless a record names its own. */
  component?: string;
  encoding?: 'utf8bom' | 'utf16le' | 'ansi';
  rollover?: Rollover;
  /** Chance that a record is written a few ms after the next one (two threads flushing): times go back a little. */
  threadJitter?: number;
}

export class Log {
  readonly entries: Entry[] = [];
  constructor(
    readonly machine: Machine,
    readonly name: string,
    readonly options: LogOptions,
  ) {}

  add(
    utc: number,
    message: string,
    opts: { component?: string; type?: 1 | 2 | 3; thread?: number; source?: string } = {},
  ): void {
    this.entries.push({
      utc: Math.round(utc),
      seq: this.machine.nextSeq(),
      message,
      component: opts.component ?? this.options.component ?? '',
      type: opts.type ?? 1,
      thread: opts.thread ?? this.machine.defaultThread,
      source: opts.source ?? '',
    });
  }

  /** Records in the order the file holds them: by time, with the occasional late flush of another thread. */
  ordered(): Entry[] {
    const sorted = [...this.entries].sort((a, b) => a.utc - b.utc || a.seq - b.seq);
    const jitter = this.options.threadJitter ?? 0;
    if (!jitter) return sorted;
    const rng = new Rng(sorted.length * 7919 + this.name.length);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const [a, b] = [sorted[i], sorted[i + 1]];
      if (a.thread !== b.thread && b.utc - a.utc <= 40 && rng.chance(jitter)) {
        sorted[i] = b;
        sorted[i + 1] = a;
        i++;
      }
    }
    return sorted;
  }
}

export class Machine {
  private seq = 0;
  readonly logs = new Map<string, Log>();
  /** Logs left out of the collected folder (not given to the diagnosis: "missing logs"). */
  readonly missing = new Set<string>();
  /** The logs were collected at this UTC: later lines are not in the files (a run still under way). */
  collectedAt?: number;
  defaultThread: number;

  constructor(
    /** Folder name in the scenario (client, siteserver, mp...). */
    readonly folder: string,
    /** Minutes, UTC = local + bias. Changes mid-log are given with `biasAt`. */
    readonly bias: number,
    rng: Rng,
    /** Daylight saving: from this UTC on the machine's bias is `to` (a log spanning the switch). */
    public biasChange?: { atUtc: number; to: number },
  ) {
    this.defaultThread = rng.thread();
  }

  nextSeq(): number {
    return this.seq++;
  }

  biasAt(utc: number): number {
    return this.biasChange && utc >= this.biasChange.atUtc ? this.biasChange.to : this.bias;
  }

  log(name: string, options: LogOptions): Log {
    let log = this.logs.get(name);
    if (!log) this.logs.set(name, (log = new Log(this, name, options)));
    return log;
  }
}

// ---------------------------------------------------------------------------------------------------
// Rendering

function cmtraceLine(e: Entry, bias: number): string {
  const d = local(e.utc, bias);
  return `<![LOG[${e.message}]LOG]!><time="${hmsms(d)}${biasText(bias)}" date="${mmddyyyy(d)}" component="${e.component}" context="" type="${e.type}" thread="${e.thread}" file="${e.source}">`;
}

/**
 * SMS trace (site server): `text  $$<Component><MM-DD-YYYY HH:MM:SS.fff+bias><thread=N (0xN)>`. A multi-line
 * message (WCM's exception stack) keeps its newlines, the trailer ends its last line; WSyncMgr writes some
 * embedded newlines as `~~`, which builders put in the message themselves.
 */
function smsTraceLine(e: Entry, bias: number): string {
  const d = local(e.utc, bias);
  return `${e.message}  $$<${e.component}><${mmddyyyy(d)} ${hmsms(d)}${biasText(bias)}><thread=${e.thread} (0x${e.thread.toString(16).toUpperCase()})>`;
}

/** WindowsUpdate.log of Windows 7/8 (WUA 7.x): local time, tab separated, `pid` right-aligned in 4. */
function wuClassicLine(e: Entry, bias: number): string {
  const d = local(e.utc, bias);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${hms(d)}:${pad(d.getUTCMilliseconds(), 3)}`;
  return `${date}\t${time}\t${e.source.padStart(4)}\t${e.thread.toString(16)}\t${e.component}\t${e.message}`;
}

/** WindowsUpdate.log of Windows 10+ (Get-WindowsUpdateLog): local time with 7 fraction digits, columns padded. */
function wuEtwLine(e: Entry, bias: number): string {
  const d = local(e.utc, bias);
  const date = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const frac = `${pad(d.getUTCMilliseconds(), 3)}${pad((e.seq * 7919) % 10000, 4)}`;
  return `${date} ${hms(d)}.${frac} ${e.source.padEnd(5)} ${String(e.thread).padEnd(5)} ${e.component.padEnd(15)} ${e.message}`;
}

/** WSUS SoftwareDistribution.log: UTC, tab separated; component holds `Level\tThread\tMethod`. */
function wsusLine(e: Entry): string {
  const d = new Date(e.utc);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${hmsms(d)} UTC\t${e.component}\t${e.message}`;
}

export function renderEntry(log: Log, e: Entry): string {
  const bias = log.machine.biasAt(e.utc);
  switch (log.options.format) {
    case 'cmtrace':
      return cmtraceLine(e, bias);
    case 'smstrace':
      return smsTraceLine(e, bias);
    case 'wuClassic':
      return wuClassicLine(e, bias);
    case 'wuEtw':
      return wuEtwLine(e, bias);
    case 'wsus':
      return wsusLine(e);
  }
}

function encode(text: string, encoding: LogOptions['encoding']): Buffer {
  if (encoding === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (encoding === 'utf8bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  return Buffer.from(text, 'latin1');
}

/** Records' text with CRLF line ends; a record's own newlines (multi-line messages) become CRLF too. */
function fileText(log: Log, entries: Entry[]): string {
  return entries.map((e) => renderEntry(log, e).replace(/\r?\n/g, '\r\n') + '\r\n').join('');
}

function stampedName(name: string, utc: number, bias: number): string {
  const d = local(utc, bias);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return name.replace(/\.log$/i, `-${stamp}.log`);
}

/** The files of one log: the current one, and the rolled-over older half when the log rolled over. */
export function logFiles(log: Log, collectedAt = Infinity): Array<{ name: string; bytes: Buffer }> {
  const entries = log.ordered().filter((e) => e.utc <= collectedAt);
  const encoding = log.options.encoding ?? (log.options.format === 'cmtrace' ? 'utf8bom' : 'ansi');
  const roll = log.options.rollover;
  if (!roll) return [{ name: log.name, bytes: encode(fileText(log, entries), encoding) }];
  const older = entries.filter((e) => e.utc < roll.atUtc);
  const current = entries.filter((e) => e.utc >= roll.atUtc);
  const olderName =
    roll.style === 'lo_'
      ? log.name.replace(/\.log$/i, '.lo_')
      : stampedName(log.name, roll.atUtc, log.machine.biasAt(roll.atUtc));
  return [
    { name: olderName, bytes: encode(fileText(log, older), encoding) },
    { name: log.name, bytes: encode(fileText(log, current), encoding) },
  ];
}

/** Writes every machine's present logs under `dir/<machine folder>/`. Returns the paths written. */
export function writeMachines(dir: string, machines: Machine[]): string[] {
  const written: string[] = [];
  for (const machine of machines) {
    const folder = join(dir, machine.folder);
    mkdirSync(folder, { recursive: true });
    for (const log of machine.logs.values()) {
      if (machine.missing.has(log.name) || !log.entries.length) continue;
      for (const file of logFiles(log, machine.collectedAt)) {
        const path = join(folder, file.name);
        writeFileSync(path, file.bytes);
        written.push(path);
      }
    }
  }
  return written;
}
