// The three tables of a fleet, one row shape each. The same rows become Parquet (through DuckDB) and
// JSONEachRow for ClickHouse, so their names and types are stated once, here, with each engine's column type.
import { createHash } from 'node:crypto';

export interface MachineRow {
  machine: string;
  /** 'folder', 'zip' or 'cab'. */
  source: string;
  /** Where the machine's logs were read from. */
  path: string;
  /** The Windows bias most of its records carry (UTC = local + bias, minutes; -60 is UTC+01:00), or null. */
  bias_minutes: number | null;
  logs: number;
  bytes: number;
  first_utc: string | null;
  last_utc: string | null;
  records: number;
  errors: number;
  warnings: number;
  findings: number;
  /** Findings whose status is not "complete" (broken, incomplete, and any status the engine adds). */
  not_complete: number;
  /** Where the name came from: 'entry' (folder or archive name) or 'logs' (see machineNameIn). */
  name_from: string;
  /** Files that could not be read (encrypted zip entries, I/O errors), "; "-separated, or null. */
  problems: string | null;
  /** See MachineStatus. */
  status: MachineStatus;
  /** Why a 'failed' machine could not be read (its other columns are then zeros and nulls), else null. */
  error: string | null;
}

/**
 * 'read': every log it has was read; 'partial': some files could not be (see problems), the rest are in the
 * tables; 'failed': nothing of it could be read (a damaged bundle, a folder that vanished, a reader that crashed,
 * records DuckDB could not write): only its machines row is in the tables, with the reason in `error`.
 */
export type MachineStatus = 'read' | 'partial' | 'failed';

export interface FindingRow {
  machine: string;
  flow: string;
  key: string;
  status: string;
  /** The step flagged as failed, else (for a flow that did not complete) the first required step not seen. */
  failed_step: string | null;
  code: string | null;
  code_name: string | null;
  heading: string | null;
  summary: string;
  evidence_file: string | null;
  evidence_line: number | null;
  evidence_utc: string | null;
}

export interface RecordRow {
  machine: string;
  /** UTC day (YYYY-MM-DD), the partition key beside the machine; null without a time. */
  day: string | null;
  file: string;
  line: number;
  /** UTC, milliseconds since the epoch (DateTime64 did not exist in ClickHouse 18.16: ms since the epoch do). */
  utc_ms: number | null;
  local: string | null;
  bias: number | null;
  severity: string;
  component: string;
  thread: number | null;
  code: string | null;
  code_name: string | null;
  message: string;
}

/** A record's first failure code, decoded as `cmlogs stats` decodes it. */
export interface FailureCode {
  code: string;
  name: string | null;
}

export type ColumnType = 'text' | 'int' | 'bigint' | 'timestamp' | 'date';

/** Column order and type of each table (the NDJSON files carry the same names). */
export const COLUMNS: Record<'machines' | 'findings' | 'records', Array<[string, ColumnType, boolean]>> = {
  // [name, type, nullable]
  machines: [
    ['machine', 'text', false],
    ['source', 'text', false],
    ['path', 'text', false],
    ['bias_minutes', 'int', true],
    ['logs', 'int', false],
    ['bytes', 'bigint', false],
    ['first_utc', 'timestamp', true],
    ['last_utc', 'timestamp', true],
    ['records', 'bigint', false],
    ['errors', 'bigint', false],
    ['warnings', 'bigint', false],
    ['findings', 'int', false],
    ['not_complete', 'int', false],
    ['name_from', 'text', false],
    ['problems', 'text', true],
    ['status', 'text', false],
    ['error', 'text', true],
  ],
  findings: [
    ['machine', 'text', false],
    ['flow', 'text', false],
    ['key', 'text', false],
    ['status', 'text', false],
    ['failed_step', 'text', true],
    ['code', 'text', true],
    ['code_name', 'text', true],
    ['heading', 'text', true],
    ['summary', 'text', false],
    ['evidence_file', 'text', true],
    ['evidence_line', 'int', true],
    ['evidence_utc', 'timestamp', true],
  ],
  records: [
    ['machine', 'text', false],
    ['day', 'date', true],
    ['file', 'text', false],
    ['line', 'int', false],
    ['utc_ms', 'bigint', true],
    ['local', 'text', true],
    ['bias', 'int', true],
    ['severity', 'text', false],
    ['component', 'text', false],
    ['thread', 'bigint', true],
    ['code', 'text', true],
    ['code_name', 'text', true],
    ['message', 'text', false],
  ],
};

/**
 * "YYYY-MM-DD hh:mm:ss.mmm" in UTC: what DuckDB's TIMESTAMP and (its first 19 characters) ClickHouse's DateTime
 * read from text, with no zone to misread.
 */
export function sqlUtc(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The folder a machine's records are partitioned under (records/machine_key=KEY/day=…/): the machine's name when it
 * is an ordinary host name (letters, digits, '.', '_', '-', at most 64 characters, as NetBIOS and DNS names are), so
 * that `WHERE machine_key = 'PC01'` prunes folders; otherwise (non-Latin letters, spaces, slashes, a name too long
 * for a folder once an engine percent-encodes it: 30 Japanese characters are 270 bytes, over the 255 a file name may
 * have) its ordinary characters, at most 24, then '~' and 16 hex digits of the name's SHA-256, which always fits.
 * Two names never share a key ('~' is not an ordinary character), and the real name is the `machine` column of every
 * records file, so queries by name never depend on the key. "NULL" (which hive readers take as a null partition) is
 * hashed too.
 */
export function machineKeyOf(machine: string): string {
  if (ORDINARY_NAME.test(machine) && machine.toUpperCase() !== 'NULL') return machine;
  const readable = machine.replace(/[^A-Za-z0-9._-]/gu, '_').slice(0, 24);
  return `${readable}~${createHash('sha256').update(machine, 'utf8').digest('hex').slice(0, 16)}`;
}

const ORDINARY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
