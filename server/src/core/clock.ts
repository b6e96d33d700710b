// A machine's clock: which bias turns the local times of its zone-less logs into UTC.
//
// Many logs write local time with no zone: Intune Management Extension logs (CMTrace layout without a bias),
// setup, MSI, CBS/DISM/Panther, script logs. Their UTC is only known from the machine's other logs that do say
// their bias: CMTrace and SMS trace records carry one, classic WindowsUpdate.log declares "tz: -0500". Those
// are learnt (in the wall clock they wrote: local = UTC - bias) and a zone-less record takes the bias of the
// learnt record nearest in time, so a span across a DST change gets each side right. Logs that are UTC by
// definition (WSUS, IIS, a plain line ending in "Z") keep their own times but teach nothing: their bias 0 says
// nothing of the machine's zone. When nothing tells, records keep their local time and get no UTC at all; a
// user can set the offset of a folder, which then wins over what is learnt.
//
// One machine = one folder (a collected CCM\Logs, or one folder per machine in a case folder). The server
// (LogIndex), the CLI and the tests call applyClocks; everything downstream reads RecordTable.utc(), so the
// diagnosis, the timeline, stats and hovers all follow the same rule.
import { dirname, parse, relative, resolve, sep } from 'node:path';
import type { FormatId } from './record';
import type { RecordClock, RecordTable } from './table';
import { biasToOffset, parseUtcOffset, type UtcSource } from './time';

/** Formats whose bias is the writing machine's own offset (WSUS and IIS write UTC: a bias 0 that teaches nothing). */
const TEACHING_FORMATS = new Set<FormatId>(['cmtrace', 'sms', 'wulog']);
/** A log that changes bias at every record (two writers in two zones, or damage) is summed up per bias beyond this. */
const MAX_RUNS_PER_FILE = 64;
/** Beyond this many runs a machine keeps the largest (the clock is built in time quadratic in runs). */
const MAX_RUNS = 512;

/** Records of one log in a row with the same bias, in the wall clock they wrote (ms, local read as UTC). */
export interface BiasRun {
  file: string;
  bias: number;
  firstWall: number;
  lastWall: number;
  records: number;
}

/** The runs of a log's records that teach the machine's bias (records with a bias, of a local-time format). */
export function biasRunsOf(table: RecordTable): BiasRun[] {
  const runs: BiasRun[] = [];
  let run: BiasRun | null = null;
  for (let i = 0; i < table.length; i++) {
    const bias = table.biasMinutes(i);
    if (bias === null || !TEACHING_FORMATS.has(table.format(i))) continue;
    const wall = table.wallTime(i);
    if (wall === null) continue;
    if (run && run.bias === bias) {
      if (wall < run.firstWall) run.firstWall = wall;
      if (wall > run.lastWall) run.lastWall = wall;
      run.records++;
    } else runs.push((run = { file: table.file, bias, firstWall: wall, lastWall: wall, records: 1 }));
  }
  return runs.length > MAX_RUNS_PER_FILE ? onePerBias(runs) : runs;
}

function onePerBias(runs: BiasRun[]): BiasRun[] {
  const byBias = new Map<number, BiasRun>();
  for (const r of runs) {
    const seen = byBias.get(r.bias);
    if (!seen) byBias.set(r.bias, { ...r });
    else {
      seen.firstWall = Math.min(seen.firstWall, r.firstWall);
      seen.lastWall = Math.max(seen.lastWall, r.lastWall);
      seen.records += r.records;
    }
  }
  return [...byBias.values()];
}

/** A clock that knows nothing (its records have no UTC): what a table without a clock also means. */
export const UNKNOWN_CLOCK: RecordClock = { utcOf: () => null, sourceAt: () => ({ kind: 'none' }) };

/** The offset a user set for the folder: applied to every zone-less record of it. */
export function userClock(biasMinutes: number): RecordClock {
  const source: UtcSource = { kind: 'user', biasMinutes };
  return { utcOf: (wall) => wall + biasMinutes * 60_000, sourceAt: () => source };
}

/**
 * The clock learnt from a machine's runs: the wall-time line cut into pieces, each with the bias of the run that
 * owns it. Inside runs that disagree (two logs of the same hour with different biases: the repeated hour of a
 * DST change, or a log written elsewhere) the run with the most records wins; between runs, the nearest one
 * (the gap is split at its middle). Null when there is nothing to learn from.
 */
export function learntClock(allRuns: BiasRun[], sourceName: (file: string) => string = (f) => f): RecordClock | null {
  const runs = mergeSameBias(allRuns);
  if (!runs.length) return null;
  const sources = runs.map((r): UtcSource => ({ kind: 'inferred', from: sourceName(r.file), biasMinutes: r.bias }));
  if (new Set(runs.map((r) => r.bias)).size === 1) {
    const best = runs.reduce((a, b) => (b.records > a.records ? b : a));
    return constantClock(best.bias, sources[runs.indexOf(best)]);
  }
  const { starts, owners } = pieces(runs);
  const ownerAt = (wall: number) => owners[lastAtOrBefore(starts, wall)];
  return {
    utcOf: (wall) => wall + runs[ownerAt(wall)].bias * 60_000,
    sourceAt: (wall) => sources[ownerAt(wall)],
  };
}

function constantClock(bias: number, source: UtcSource): RecordClock {
  return { utcOf: (wall) => wall + bias * 60_000, sourceAt: () => source };
}

/**
 * Runs of the same bias that overlap or touch, from any log, become one (its `file` is the log that gave the
 * most records); runs are then sorted by start. The largest MAX_RUNS are kept.
 */
function mergeSameBias(allRuns: BiasRun[]): BiasRun[] {
  const sorted = [...allRuns].sort((a, b) => a.bias - b.bias || a.firstWall - b.firstWall);
  const merged: Array<BiasRun & { byFile: Map<string, number> }> = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.bias === r.bias && r.firstWall <= last.lastWall + 1) {
      last.lastWall = Math.max(last.lastWall, r.lastWall);
      last.records += r.records;
      last.byFile.set(r.file, (last.byFile.get(r.file) ?? 0) + r.records);
    } else merged.push({ ...r, byFile: new Map([[r.file, r.records]]) });
  }
  const runs = merged.map(({ byFile, ...r }) => ({ ...r, file: mostRecords(byFile) }));
  if (runs.length > MAX_RUNS) runs.sort((a, b) => b.records - a.records).splice(MAX_RUNS);
  return runs.sort((a, b) => a.firstWall - b.firstWall || a.bias - b.bias);
}

function mostRecords(byFile: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [file, count] of byFile)
    if (count > bestCount || (count === bestCount && file < best)) [best, bestCount] = [file, count];
  return best;
}

/** Piece k runs from starts[k] to starts[k + 1] and belongs to run owners[k]; the first starts at -Infinity. */
function pieces(runs: BiasRun[]): { starts: number[]; owners: number[] } {
  // Runs cover [firstWall, lastWall + 1): between consecutive edges the runs that cover a time do not change.
  const edges = [...new Set(runs.flatMap((r) => [r.firstWall, r.lastWall + 1]))].sort((a, b) => a - b);
  const cuts = [-Infinity, ...edges];
  for (let k = 0; k + 1 < edges.length; k++) {
    const middle = Math.floor((edges[k] + edges[k + 1]) / 2); // where a gap's nearest run changes
    cuts.push(middle, middle + 1);
  }
  const sortedCuts = [...new Set(cuts)].sort((a, b) => a - b);
  const starts: number[] = [];
  const owners: number[] = [];
  for (const cut of sortedCuts) {
    const owner = ownerAt(runs, cut === -Infinity ? edges[0] - 1 : cut);
    if (owners.length && owners[owners.length - 1] === owner) continue;
    starts.push(cut);
    owners.push(owner);
  }
  return { starts, owners };
}

/** The run that owns a wall time: among those covering it the one with most records, else the nearest. */
function ownerAt(runs: BiasRun[], wall: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k];
    const distance = wall < r.firstWall ? r.firstWall - wall : wall > r.lastWall ? wall - r.lastWall : 0;
    if (distance < bestDistance || (distance === bestDistance && better(r, runs[best])))
      [best, bestDistance] = [k, distance];
  }
  return best;
}

function better(a: BiasRun, b: BiasRun): boolean {
  return (
    a.records > b.records || (a.records === b.records && (a.file < b.file || (a.file === b.file && a.bias < b.bias)))
  );
}

function lastAtOrBefore(starts: number[], wall: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= wall) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The machine a log belongs to: its folder (as normalizeFolder writes it, so a user's folder setting matches it). */
export function machineOf(file: string): string {
  return normalizeFolder(dirname(file));
}

export interface ClockOptions {
  /** The bias a user set for a folder (UTC = local + bias), or undefined. */
  userBias?: (folder: string) => number | undefined;
  /** A log's runs, when the caller keeps them (the server does, for logs that grow). */
  runsOf?: (table: RecordTable) => BiasRun[];
  /** How an inferred UTC names the log it came from (UtcSource.from): its path as the tables name it by default. */
  sourceName?: (file: string) => string;
}

/**
 * Gives every table its machine's clock (tables grouped by folder): the user's offset for the folder if set,
 * else the one learnt from the folder's logs, else none (records without a bias then have no UTC).
 */
export function applyClocks(tables: RecordTable[], options: ClockOptions = {}): void {
  // The source log is named relative to the folder all the logs are in (PC01/ccmsetup.log, PC02/ccmsetup.log).
  const folder = commonFolder(tables.map((t) => t.file));
  options = { sourceName: (file) => sourceLogPath(file, folder ? [folder] : []), ...options };
  for (const [machine, group] of byMachine(tables)) {
    const clock = machineClock(machine, group, options);
    for (const table of group) table.clock = clock;
  }
}

function byMachine(tables: RecordTable[]): Map<string, RecordTable[]> {
  const groups = new Map<string, RecordTable[]>();
  for (const table of tables) {
    const machine = machineOf(table.file);
    const group = groups.get(machine);
    if (group) group.push(table);
    else groups.set(machine, [table]);
  }
  return groups;
}

/**
 * applyClocks for the tables no clock was given yet (callers that parse and answer at once: the diagnosis of
 * parsed results, tests). Tables whose clock was set (the server's index, the CLI) keep it.
 */
export function ensureClocks(tables: RecordTable[]): void {
  const unset = tables.filter((t) => t.clock === undefined);
  if (!unset.length) return;
  for (const [machine, group] of byMachine(tables)) {
    const waiting = group.filter((t) => unset.includes(t));
    if (!waiting.length) continue;
    const clock = machineClock(machine, group);
    for (const table of waiting) table.clock = clock;
  }
}

/** The clock of one machine's logs. */
export function machineClock(machine: string, tables: RecordTable[], options: ClockOptions = {}): RecordClock | null {
  const user = options.userBias?.(machine);
  if (user !== undefined) return userClock(user);
  if (!tables.some((t) => t.hasLocalOnlyTimes())) return null; // nothing to convert: no need to learn
  return learntClock(
    tables.flatMap((t) => (options.runsOf ?? biasRunsOf)(t)),
    options.sourceName,
  );
}

/** The folder all `files` lie in (their deepest common directory), or null when they share only the root. */
export function commonFolder(files: readonly string[]): string | null {
  if (!files.length) return null;
  let common = dirname(resolve(files[0]));
  for (const file of files) {
    const dir = dirname(resolve(file));
    while (common !== dir && !dir.startsWith(common.endsWith(sep) ? common : common + sep)) {
      const up = dirname(common);
      if (up === common) break;
      common = up;
    }
  }
  return common === parse(common).root ? null : common;
}

/**
 * The log an inferred UTC came from, as people read it: its path relative to the deepest of `folders` it lies
 * in (two machines' logs of one name read "PC01/ccmsetup.log" and "PC02/ccmsetup.log"), else its full path.
 */
export function sourceLogPath(file: string, folders: readonly string[]): string {
  const full = resolve(file);
  let best: string | null = null;
  for (const folder of folders) {
    const inside = relative(resolve(folder), full);
    if (inside && !inside.startsWith('..') && !parse(inside).root && (best === null || inside.length < best.length))
      best = inside;
  }
  return best ?? full;
}

/** For people (the CLI): "bias -60 (UTC+01:00), inferred from ccmsetup.log of the same folder" and the like. */
export function describeUtcSource(source: UtcSource): string {
  const bias = source.biasMinutes;
  const zone = bias === undefined ? '' : `bias ${bias > 0 ? '+' : ''}${bias} (${biasToOffset(bias)})`;
  switch (source.kind) {
    case 'log':
      return 'given by the log itself';
    case 'inferred':
      return `${zone}, inferred from ${source.from ?? ''} (this log writes local time with no zone)`;
    case 'user':
      return `${zone}, the offset set for this folder`;
    default:
      return 'unknown: this log writes local time with no zone, and no log of its folder gives one (its times are shown as local, never as UTC)';
  }
}

/**
 * The `cmlogs.folderOffsets` setting: folder path → UTC offset as people write it ("UTC+01:00", "UTC-5",
 * "UTC+05:30", "UTC"), never a bare number (a bias and an offset have opposite signs). Returns the biases by
 * folder (paths as the index names folders: resolved, no trailing separator) and the entries it could not read.
 */
export function folderBiasesFrom(
  setting: unknown,
  toPath: (folder: string) => string = (f) => f,
): { biases: Map<string, number>; invalid: string[] } {
  const biases = new Map<string, number>();
  const invalid: string[] = [];
  if (!setting || typeof setting !== 'object') return { biases, invalid };
  for (const [folder, value] of Object.entries(setting as Record<string, unknown>)) {
    const bias = typeof value === 'string' ? parseUtcOffset(value) : null;
    if (bias === null || !folder.trim()) invalid.push(`${folder}: ${JSON.stringify(value)}`);
    else biases.set(normalizeFolder(toPath(folder)), bias);
  }
  return { biases, invalid };
}

/** A folder path resolved, without a trailing separator; in lower case where paths ignore case (Windows). */
export function normalizeFolder(folder: string): string {
  const resolved = resolve(folder);
  const trimmed =
    resolved.length > 1 && /[\\/]$/.test(resolved) && !/^[A-Za-z]:[\\/]$/.test(resolved)
      ? resolved.slice(0, -1)
      : resolved;
  return process.platform === 'win32' ? trimmed.toLowerCase() : trimmed;
}
