// HRESULT and Win32 error codes → names and messages from the generated reference table.
// A code missing from the table is still decomposed into its bits (severity, facility, code), but is
// never given a meaning: names stay empty and `known` is false.

import type { CodeTableData, TroubleshootingHint } from './data';
import { codeFamilyData, hresultData, ntstatusData, troubleshootingHints } from './data';
import {
  type CodeContext,
  type CodeFamily,
  familyOfSource,
  isAboutNtstatus,
  mentionsName,
  namePreference,
} from './codeContext';
import type { HttpStatus } from './httpStatus';
import { type CodeOutcome, outcomeOf } from './outcome';

export type { CodeContext, CodeFamily } from './codeContext';

export interface Facility {
  /** FACILITY_* name from winerror.h (ntstatus.h for NTSTATUS rows), or null when the reference gives only the number. */
  name: string | null;
  number: number;
}

/** "facility FACILITY_ITF (4), code 0x100E (4110)": what any HRESULT says about itself, in or out of the table. */
export function facilityText(facility: Facility, facilityCode: number): string {
  const name = facility.name ? `${facility.name} (${facility.number})` : String(facility.number);
  return `facility ${name}, code 0x${facilityCode.toString(16).toUpperCase()} (${facilityCode})`;
}

/** One row of the reference table for a code. */
export interface CodeEntry {
  name: string;
  message: string;
  source: string;
  /** True for rows that are a Win32 error converted with HRESULT_FROM_WIN32. */
  win32: boolean;
  /** Which table family the row comes from (its source says): win32, winhttp, wmi, ntstatus... */
  family: CodeFamily;
}

export interface Win32Part {
  /** The Win32 error number (the low 16 bits of a 0x8007xxxx HRESULT). */
  code: number;
  name: string | null;
  message: string | null;
}

export type CodeSeverity = 'success' | 'failure';

export type { CodeOutcome } from './outcome';

export interface CodeInfo {
  /** "0x" + 8 upper-case hex digits. */
  code: string;
  /** The code as an unsigned 32-bit number. */
  value: number;
  /** True when the reference table has at least one row for the code. */
  known: boolean;
  /** Every non-empty symbolic name, the best for the context first (see codeContext.ts), then the others. */
  names: string[];
  /** The message of the first row in `names` order ('' when unknown or not published). */
  message: string;
  /** All table rows in file order. */
  entries: CodeEntry[];
  facility: Facility;
  severity: CodeSeverity;
  outcome: CodeOutcome;
  /** Low 16 bits: the facility's own code number. */
  facilityCode: number;
  /** Present for FACILITY_WIN32 codes (0x8007xxxx), known or not. */
  win32?: Win32Part;
  /** Source of the first row in `names` order, or null when unknown. */
  source: string | null;
  troubleshooting?: TroubleshootingHint;
  /** Present when the number is an HTTP status (code "HTTP 404"), not an HRESULT. */
  http?: HttpStatus;
  /** Present when the tables name the value only through a winerror.h macro (see mappingOf). */
  mapped?: CodeMapping;
}

/** The winerror.h macro that makes the value from a code the tables have, and that code ("0x" + 8 hex digits). */
export interface CodeMapping {
  macro: 'HRESULT_FROM_NT' | 'HRESULT_FROM_SETUPAPI';
  code: string;
}

type Rows = CodeTableData['codes'][string];

interface CodeTable {
  data: CodeTableData;
  /** The value's rows, or undefined when the table has none. */
  rows: { get(value: number): Rows | undefined; has(value: number): boolean };
  /** Family of each source index. */
  families: CodeFamily[];
  /** Whether each source index is a HRESULT_FROM_WIN32 source (a Win32 error row). */
  win32: boolean[];
  /** The entries of each value asked for (rowsOf): error records repeat a few codes thousands of times. */
  entries: Map<number, CodeEntry[]>;
}

function tableOf(data: CodeTableData): CodeTable {
  return {
    data,
    rows: new RowsByValue(data.codes),
    families: data.sources.map(familyOfSource),
    win32: data.sources.map((s) => s.includes('HRESULT_FROM_WIN32')),
    entries: new Map(),
  };
}

/**
 * A table's rows by value, looked up in the parsed JSON by the value's key ("8 upper-case hex digits", the
 * tables' only key shape) and remembered: a Map of all 8,400 codes cost every thread that decodes (each parse
 * worker of cmlogs stats) ~30 ms before its first code, for the few hundred values a folder of logs names.
 */
class RowsByValue {
  private readonly known = new Map<number, Rows | null>();

  constructor(private readonly codes: CodeTableData['codes']) {}

  get(value: number): Rows | undefined {
    let rows = this.known.get(value);
    if (rows === undefined) {
      // Keys were whole unsigned 32-bit values: nothing else names a row.
      if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) return undefined;
      const key = formatCode(value).slice(2);
      rows = Object.hasOwn(this.codes, key) ? this.codes[key] : null;
      this.known.set(value, rows);
    }
    return rows ?? undefined;
  }

  has(value: number): boolean {
    return this.get(value) !== undefined;
  }
}

let hresultTables: CodeTable[] | undefined;
let ntstatusTable: CodeTable | undefined;
let hints: Map<number, TroubleshootingHint> | undefined;

/** The HRESULT tables (hresults.tsv, then the WMI / DO / CBS / Intune families), built on first use. */
function hresultTablesOf(): CodeTable[] {
  return (hresultTables ??= [tableOf(hresultData()), tableOf(codeFamilyData())]);
}

/** The NTSTATUS table: loaded only when a line is about an NTSTATUS (or a 0xC… value no HRESULT table has). */
function ntstatusTableOf(): CodeTable {
  return (ntstatusTable ??= tableOf(ntstatusData()));
}

function hintOf(value: number): TroubleshootingHint | undefined {
  hints ??= new Map(troubleshootingHints().map((hint) => [parseInt(hint.code, 16), hint] as const));
  return hints.get(value);
}

export function formatCode(value: number): string {
  return '0x' + (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** HRESULT_FROM_WIN32: 0 stays 0, 1..0xFFFF become 0x8007xxxx. */
export function hresultFromWin32(win32: number): number {
  return win32 <= 0 ? 0 : ((win32 & 0xffff) | 0x80070000) >>> 0;
}

export function isWin32Facility(value: number): boolean {
  return value >>> 16 === 0x8007;
}

/** True when an HRESULT table has a row for the code (cheap: used while scanning logs). */
export function isKnownCode(value: number): boolean {
  return hresultTablesOf().some((t) => t.rows.has(value >>> 0));
}

/** True when the NTSTATUS table has the value. */
export function isKnownNtstatus(value: number): boolean {
  return ntstatusTableOf().rows.has(value >>> 0);
}

/** True when the table has a Win32 row (HRESULT_FROM_WIN32) for this Win32 error number. */
export function isKnownWin32(win32: number): boolean {
  if (win32 <= 0 || win32 > 0xffff) return false;
  const value = hresultFromWin32(win32);
  return hresultTablesOf().some((t) => (t.rows.get(value) ?? []).some((row) => t.win32[row[2]]));
}

const facilities = new Map<number, Facility>();

export function facilityOf(value: number): Facility {
  const known = facilities.get(value);
  if (known) return { ...known };
  const facility = facilityFromTables(value);
  facilities.set(value, facility);
  return { ...facility };
}

function facilityFromTables(value: number): Facility {
  const key = formatCode(value).slice(2);
  const [main, families] = hresultTablesOf();
  // winerror.h's HRESULT_FACILITY masks 13 bits (so 0x8DDD0018 is facility 3549).
  const number = main.data.facilityOverrides[key] ?? families.data.facilityOverrides[key] ?? (value >>> 16) & 0x1fff;
  return { name: main.data.facilities[String(number)] ?? families.data.facilities[String(number)] ?? null, number };
}

/** NTSTATUS facilities are 12 bits wide and have their own names (ntstatus.h). */
function ntstatusFacilityOf(value: number): Facility {
  const { data } = ntstatusTableOf();
  const number = data.facilityOverrides[formatCode(value).slice(2)] ?? (value >>> 16) & 0xfff;
  return { name: data.facilities[String(number)] ?? null, number };
}

/** The value's rows as entries, made once per value (callers copy the array, never change an entry). */
function rowsOf(table: CodeTable, value: number): readonly CodeEntry[] {
  let entries = table.entries.get(value);
  if (entries) return entries;
  entries = (table.rows.get(value) ?? []).map(([name, message, source]) => {
    return {
      name,
      message,
      source: table.data.sources[source],
      win32: table.win32[source],
      family: table.families[source],
    };
  });
  table.entries.set(value, entries);
  return entries;
}

/** Every row for a value, table order: hresults.tsv, the other families, and NTSTATUS when asked for. */
function entriesOf(value: number, withNtstatus: boolean): CodeEntry[] {
  const entries = hresultTablesOf().flatMap((t) => rowsOf(t, value));
  return withNtstatus ? [...entries, ...rowsOf(ntstatusTableOf(), value)] : entries;
}

/** Win32 rows first (stable), as a reader of a 0x8007xxxx code expects the system message. */
function win32First(entries: CodeEntry[]): CodeEntry[] {
  return [...entries.filter((e) => e.win32), ...entries.filter((e) => !e.win32)];
}

/**
 * The context's preferred families first (in its order), then the rest Win32-first; a family the
 * context puts last (NTSTATUS outside an NTSTATUS line) goes after everything. `ranks` are contextRanks'.
 */
function ordered(base: CodeEntry[], ranks: number[] | null): CodeEntry[] {
  if (!ranks) return base;
  return base
    .map((e, i) => ({ e, i, r: ranks[i] }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.e);
}

/** The rank the context gives each entry of `base` (a name the line writes first), or null when it has no say. */
function contextRanks(base: CodeEntry[], manyNames: boolean, context: CodeContext | undefined): number[] | null {
  // One name (or none): nothing to choose between, so the line need not be read.
  if (!context || !manyNames) return null;
  const { prefer, text } = namePreference(context);
  return base.map((e) => {
    if (e.name && mentionsName(text, e.name)) return -1;
    const i = prefer.indexOf(e.family);
    return i >= 0 ? i : prefer.length;
  });
}

function win32PartOf(value: number, entries: CodeEntry[]): Win32Part | undefined {
  if (!isWin32Facility(value)) return undefined;
  const row = entries.find((e) => e.win32);
  return { code: value & 0xffff, name: row?.name || null, message: row?.message || null };
}

export { outcomeOf } from './outcome';

/**
 * S_OK and S_FALSE are #defines in winerror.h without a MessageId block, so the reference has no row
 * for them; they are the commonest results logs print, so their names are given here.
 */
const WELL_KNOWN: Record<number, CodeEntry> = {
  0: {
    name: 'S_OK',
    message: 'The operation succeeded.',
    source: 'winerror.h: #define S_OK ((HRESULT)0L) (no MessageId block)',
    win32: false,
    family: 'sdk',
  },
  1: {
    name: 'S_FALSE',
    message: 'The operation succeeded with a negative or no-op answer (S_FALSE).',
    source: 'winerror.h: #define S_FALSE ((HRESULT)1L) (no MessageId block)',
    win32: false,
    family: 'sdk',
  },
};

/**
 * Should the NTSTATUS table be read for this value? Where the line is about an NTSTATUS, yes; else
 * only for a 0xC… value (NTSTATUS error severity) that no HRESULT table knows: then it is the only
 * meaning there is, and it is labelled as an NTSTATUS.
 */
function wantsNtstatus(value: number, context: CodeContext | undefined, known: boolean): boolean {
  if (!known && value >>> 30 === 3) return true;
  return context !== undefined && isAboutNtstatus(context);
}

/**
 * Decodes a 32-bit code (signed or unsigned); every field comes from the tables or the code's bits.
 * With a context (the line, its component and file), the name that fits the line comes first:
 * 0x80072F8F is ERROR_WINHTTP_SECURE_FAILURE in a WinHTTP line, ERROR_INTERNET_DECODING_FAILED in a
 * WinINet one. Without one (cmlogs lookup), the table order stands: Win32 system message first.
 */
export function lookupCode(input: number, context?: CodeContext): CodeInfo {
  const value = input >>> 0;
  const withNtstatus = wantsNtstatus(value, context, rowsOfValue(value, false).entries.length > 0);
  const rows = rowsOfValue(value, withNtstatus);
  const ranks = contextRanks(rows.base, rows.manyNames, context);
  // The same value, tables and ranks make the same answer: a log's error lines repeat a few codes thousands of
  // times, and building it (arrays, sorts, sets) cost more than reading the line for its context.
  const key = `${value}:${withNtstatus ? 1 : 0}:${ranks ? ranks.join(',') : ''}`;
  let info = infos.get(key);
  if (!info) remember(infos, key, (info = buildInfo(value, rows, ranks)));
  return copyOf(info);
}

/** Each value's rows with and without the NTSTATUS table, and what does not depend on the line. */
interface ValueRows {
  /** WELL_KNOWN's entry (if any), then every table row, file order. */
  all: CodeEntry[];
  /** The rows of the tables (not WELL_KNOWN). */
  entries: CodeEntry[];
  /** `all`, Win32 rows first. */
  base: CodeEntry[];
  /** More than one distinct name: the line chooses which comes first. */
  manyNames: boolean;
  /** Set when the rows are another code's, read through a winerror.h macro. */
  mapped?: MappedValue;
}

const valueRows = [new Map<number, ValueRows>(), new Map<number, ValueRows>()];
const infos = new Map<string, CodeInfo>();

/**
 * Real logs repeat a few hundred codes; a log full of distinct hex values (addresses, hashes) must not grow the
 * language server without bound: past this many answers the memory starts again.
 */
const MAX_REMEMBERED = 20_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_REMEMBERED) map.clear();
  map.set(key, value);
}

function rowsOfValue(value: number, withNtstatus: boolean): ValueRows {
  const cache = valueRows[withNtstatus ? 1 : 0];
  let rows = cache.get(value);
  if (rows) return rows;
  const well = WELL_KNOWN[value];
  let entries = entriesOf(value, withNtstatus);
  let mapped: MappedValue | undefined;
  if (entries.length === 0 && !well) [entries, mapped] = mappedEntries(value);
  const all = well ? [well, ...entries] : entries;
  const base = win32First(all);
  rows = { all, entries, base, manyNames: new Set(base.map((e) => e.name)).size >= 2, mapped };
  remember(cache, value, rows);
  return rows;
}

interface MappedValue {
  macro: CodeMapping['macro'];
  /** The code the tables have. */
  target: number;
}

/**
 * Values the tables name only through a winerror.h macro. HRESULT_FROM_NT sets FACILITY_NT_BIT (0x10000000) on an
 * NTSTATUS: CBS/CSI's "0xD0000034" is STATUS_OBJECT_NAME_NOT_FOUND. SetupAPI errors (setupapi.dev.log's "Error
 * 0xe0000228") are APPLICATION_ERROR_MASK | ERROR_SEVERITY_ERROR | n, which HRESULT_FROM_SETUPAPI turns into
 * 0x800F0nnn (SPAPI_E_*). Only the ranges those macros give real codes: NT errors and warnings (0xD…, 0x9…) and
 * SetupAPI's 0xE000xxxx, so that 0xE06D7363 (a C++ exception) is never read as a SetupAPI error.
 */
function mappingOf(value: number): MappedValue | undefined {
  if (value >>> 16 === 0xe000) return { macro: 'HRESULT_FROM_SETUPAPI', target: (0x800f0000 | (value & 0xffff)) >>> 0 };
  const top = value >>> 28;
  if (top === 0xd || top === 0x9) return { macro: 'HRESULT_FROM_NT', target: (value & ~0x10000000) >>> 0 };
  return undefined;
}

/** The mapped code's rows, each source saying how the value was read; none when the mapped code is unknown too. */
function mappedEntries(value: number): [CodeEntry[], MappedValue | undefined] {
  const mapping = mappingOf(value);
  if (!mapping) return [[], undefined];
  const { macro, target } = mapping;
  const rows =
    macro === 'HRESULT_FROM_NT'
      ? rowsOf(ntstatusTableOf(), target)
      : hresultTablesOf().flatMap((t) => rowsOf(t, target));
  if (rows.length === 0) return [[], undefined];
  const how =
    macro === 'HRESULT_FROM_NT'
      ? `${formatCode(value)} = HRESULT_FROM_NT(${formatCode(target)}) (winerror.h: FACILITY_NT_BIT)`
      : `${formatCode(value)} is a SetupAPI error; HRESULT_FROM_SETUPAPI gives ${formatCode(target)} (winerror.h)`;
  return [rows.map((e) => ({ ...e, source: `${how}; ${e.source}` })), mapping];
}

function buildInfo(value: number, { all, entries, base, mapped }: ValueRows, ranks: number[] | null): CodeInfo {
  const rows = ordered(base, ranks);
  const first = rows[0];
  const ntstatusOnly = rows.length > 0 && rows.every((e) => e.family === 'ntstatus');
  const facilityValue = mapped?.target ?? value;
  const info: CodeInfo = {
    code: formatCode(value),
    value,
    known: all.length > 0,
    names: [...new Set(rows.map((e) => e.name).filter((name) => name !== ''))],
    message: first?.message ?? '',
    entries: all,
    facility:
      ntstatusOnly || first?.family === 'ntstatus' ? ntstatusFacilityOf(facilityValue) : facilityOf(facilityValue),
    severity: value >>> 31 ? 'failure' : 'success',
    outcome: outcomeOf(value),
    facilityCode: value & 0xffff,
    source: first?.source ?? null,
  };
  const win32 = win32PartOf(value, entries);
  if (win32) info.win32 = win32;
  if (mapped) info.mapped = { macro: mapped.macro, code: formatCode(mapped.target) };
  const hint = hintOf(value);
  if (hint) info.troubleshooting = hint;
  return info;
}

/** A remembered answer as if made anew: callers get arrays and objects of their own. */
function copyOf(info: CodeInfo): CodeInfo {
  const copy: CodeInfo = {
    ...info,
    names: [...info.names],
    entries: [...info.entries],
    facility: { ...info.facility },
  };
  if (info.win32) copy.win32 = { ...info.win32 };
  if (info.mapped) copy.mapped = { ...info.mapped };
  return copy;
}

/** Decodes a Win32 error number (0..65535) through its HRESULT_FROM_WIN32 form. */
export function lookupWin32(win32: number, context?: CodeContext): CodeInfo {
  return lookupCode(hresultFromWin32(win32), context);
}
