// HRESULT and Win32 error codes → names and messages from the generated reference table.
// A code missing from the table is still decomposed into its bits (severity, facility, code), but is
// never given a meaning: names stay empty and `known` is false.

import type { HresultData, SeedHint } from './data';
import { hresultData, seedHints } from './data';

export interface Facility {
  /** FACILITY_* name from winerror.h, or null when the reference gives only the number. */
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
}

export interface Win32Part {
  /** The Win32 error number (the low 16 bits of a 0x8007xxxx HRESULT). */
  code: number;
  name: string | null;
  message: string | null;
}

export type CodeSeverity = 'success' | 'failure';

export interface CodeInfo {
  /** "0x" + 8 upper-case hex digits. */
  code: string;
  /** The code as an unsigned 32-bit number. */
  value: number;
  /** True when the reference table has at least one row for the code. */
  known: boolean;
  /** Every non-empty symbolic name, Win32 rows first, then in table order. */
  names: string[];
  /** The message of the first row in `names` order ('' when unknown or not published). */
  message: string;
  /** All table rows in file order. */
  entries: CodeEntry[];
  facility: Facility;
  severity: CodeSeverity;
  /** Low 16 bits: the facility's own code number. */
  facilityCode: number;
  /** Present for FACILITY_WIN32 codes (0x8007xxxx), known or not. */
  win32?: Win32Part;
  /** Source of the first row in `names` order, or null when unknown. */
  source: string | null;
  seedHint?: SeedHint;
}

interface CodeTable {
  rows: Map<number, HresultData['codes'][string]>;
  win32Sources: Set<number>;
  hints: Map<number, SeedHint>;
}

let table: CodeTable | undefined;

/** Built on first use so that importing the module costs nothing until a code is decoded. */
function codeTable(): CodeTable {
  if (table) return table;
  const rows = new Map<number, HresultData['codes'][string]>();
  for (const [hex, entries] of Object.entries(hresultData.codes)) rows.set(parseInt(hex, 16), entries);
  const win32Sources = new Set<number>();
  hresultData.sources.forEach((source, i) => {
    if (source.includes('HRESULT_FROM_WIN32')) win32Sources.add(i);
  });
  const hints = new Map(seedHints.map((hint) => [parseInt(hint.code, 16), hint] as const));
  return (table = { rows, win32Sources, hints });
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

/** True when the reference table has a row for the code (cheap: used while scanning logs). */
export function isKnownCode(value: number): boolean {
  return codeTable().rows.has(value >>> 0);
}

/** True when the table has a Win32 row (HRESULT_FROM_WIN32) for this Win32 error number. */
export function isKnownWin32(win32: number): boolean {
  if (win32 <= 0 || win32 > 0xffff) return false;
  const { rows, win32Sources } = codeTable();
  return (rows.get(hresultFromWin32(win32)) ?? []).some((row) => win32Sources.has(row[2]));
}

export function facilityOf(value: number): Facility {
  const key = formatCode(value).slice(2);
  // winerror.h's HRESULT_FACILITY masks 13 bits (so 0x8DDD0018 is facility 3549).
  const number = hresultData.facilityOverrides[key] ?? (value >>> 16) & 0x1fff;
  return { name: hresultData.facilities[String(number)] ?? null, number };
}

function entriesOf(value: number): CodeEntry[] {
  const { rows, win32Sources } = codeTable();
  return (rows.get(value) ?? []).map(([name, message, source]) => ({
    name,
    message,
    source: hresultData.sources[source],
    win32: win32Sources.has(source),
  }));
}

/** Win32 rows first (stable), as a reader of a 0x8007xxxx code expects the system message. */
function win32First(entries: CodeEntry[]): CodeEntry[] {
  return [...entries.filter((e) => e.win32), ...entries.filter((e) => !e.win32)];
}

function win32PartOf(value: number, entries: CodeEntry[]): Win32Part | undefined {
  if (!isWin32Facility(value)) return undefined;
  const row = entries.find((e) => e.win32);
  return { code: value & 0xffff, name: row?.name || null, message: row?.message || null };
}

/** Decodes a 32-bit code (signed or unsigned); every field comes from the table or the code's bits. */
export function lookupCode(input: number): CodeInfo {
  const value = input >>> 0;
  const entries = entriesOf(value);
  const ordered = win32First(entries);
  const first = ordered[0];
  const info: CodeInfo = {
    code: formatCode(value),
    value,
    known: entries.length > 0,
    names: ordered.map((e) => e.name).filter((name) => name !== ''),
    message: first?.message ?? '',
    entries,
    facility: facilityOf(value),
    severity: value >>> 31 ? 'failure' : 'success',
    facilityCode: value & 0xffff,
    source: first?.source ?? null,
  };
  const win32 = win32PartOf(value, entries);
  if (win32) info.win32 = win32;
  const hint = codeTable().hints.get(value);
  if (hint) info.seedHint = hint;
  return info;
}

/** Decodes a Win32 error number (0..65535) through its HRESULT_FROM_WIN32 form. */
export function lookupWin32(win32: number): CodeInfo {
  return lookupCode(hresultFromWin32(win32));
}
