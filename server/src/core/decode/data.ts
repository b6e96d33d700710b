// Typed access to the generated tables in ./data (see data/README.md for where they came from).
// They are loaded with require() on purpose: a static JSON import would make the type checker infer
// a type with thousands of keys for hresults.json. esbuild still bundles them, each as a module that
// runs only when first required, so every table is parsed on first use and not at start-up: a log
// without a STATMSG never pays for the 2,700 status message rows, one without an NTSTATUS line never
// for the NTSTATUS table.

/* eslint-disable @typescript-eslint/no-require-imports */

import { brotliDecompressSync } from 'node:zlib';

export interface CodeTableData {
  /** The reference `source` column, interned. */
  sources: string[];
  /** Facility number → FACILITY_* name. */
  facilities: Record<string, string>;
  /** Codes whose stated facility differs from the one their bits give. */
  facilityOverrides: Record<string, number>;
  /** 8 upper-case hex digits → rows [symbolic name, message, source index], file order. */
  codes: Record<string, Array<[string, string, number]>>;
}

/** Kept for readers of the HRESULT table; the same layout serves every code table. */
export type HresultData = CodeTableData;

/** [severity letter or '', component or '', template, source index, module index, placeholder → ISTR index]. */
export type StatusMessageRow = [string, string, string, number, number, Record<string, number>?];

export interface StatusMessageData {
  /** Message modules, in the order module indexes refer to: server, client, provider. */
  modules: string[];
  sources: string[];
  messages: Record<string, StatusMessageRow[]>;
}

/** [state ID or null, name, kind index, source index]. */
export type StateRow = [number | null, string, number, number];

export interface StateData {
  kinds: string[];
  sources: string[];
  topics: Record<string, { name: string; rows: StateRow[] }>;
}

export interface TroubleshootingHint {
  /** "0x" + 8 upper-case hex digits. */
  code: string;
  /** Seed document id (file name without .txt) in ../shared/seeds. */
  seed: string;
  /** Headings above the section, outermost first. */
  path: string[];
  /** The heading (or bold lead line) that names the code, verbatim. */
  section: string;
  summary: string;
  steps: string[];
}

function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

/**
 * A large table from packedTables.ts (the same JSON, brotli-compressed: what the bundles carry, a
 * third of the size in the .vsix). Unpacking the largest takes a few milliseconds, once.
 */
function unpack<T>(name: string): T {
  const { PACKED_TABLES } = require('./data/packedTables') as { PACKED_TABLES: Record<string, string> };
  return JSON.parse(brotliDecompressSync(Buffer.from(PACKED_TABLES[name], 'base64')).toString('utf8')) as T;
}

/** hresults.tsv: Windows SDK, WU, BITS, WinINet/WinHTTP, VBScript, ConfigMgr codes. */
export const hresultData = once(() => unpack<CodeTableData>('hresults.json'));
/** WMI, Delivery Optimization, CBS and Intune codes (and their overlaps with hresults.tsv). */
export const codeFamilyData = once<CodeTableData>(() => require('./data/codeFamilies.json'));
/** NTSTATUS values (offered only where a line is about an NTSTATUS). */
export const ntstatusData = once(() => unpack<CodeTableData>('ntstatus.json'));
export const statusMessageData = once(() => unpack<StatusMessageData>('statusMessages.json'));
export const stateData = once<StateData>(() => require('./data/stateMessages.json'));
export const troubleshootingHints = once<TroubleshootingHint[]>(() => require('./data/troubleshootingHints.json'));
