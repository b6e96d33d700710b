// DuckDB for `cmlogs fleet`: it turns the records the machines are read into (one CSV file per machine) into
// Parquet, partitioned by machine and UTC day, and it answers `cmlogs fleet query` over those files with no server.
// It is loaded only when a fleet command runs (a 70 MB native module: the CLI bundle keeps it external and the
// extension never loads it), with a clear message when it is not installed.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { RECORD_CSV_COLUMNS } from '../core/fleet/recordsCsv';
import { COLUMNS, machineKeyOf, type ColumnType } from '../core/fleet/rows';
import { UsageError } from './common';

type DuckApi = typeof import('@duckdb/node-api');

export const DUCKDB_MISSING =
  'DuckDB is not installed: cmlogs fleet writes and queries Parquet through it. Install it beside cmlogs (npm install @duckdb/node-api), or pass --jsoneachrow --no-parquet to write JSON lines only.';

function loadDuckDb(): DuckApi {
  try {
    // A plain require, resolved at run time from cmlogs' own node_modules (the bundle marks it external).
    return require('@duckdb/node-api') as DuckApi;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new UsageError(DUCKDB_MISSING);
    throw error;
  }
}

const DUCK_TYPE: Record<ColumnType, string> = {
  text: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
};

/** read_json's column list for a table's JSON lines: the types are given, never guessed from a sample. */
function jsonColumns(table: keyof typeof COLUMNS): string {
  return '{' + COLUMNS[table].map(([name, type]) => `${name}: '${DUCK_TYPE[type]}'`).join(', ') + '}';
}

/** RecordCsvWriter's files as DuckDB reads them: its columns and types given, nothing sniffed. */
function recordCsvSource(path: string): { from: string; day: string } {
  const types = new Map(COLUMNS.records.map(([name, type]) => [name, DUCK_TYPE[type]]));
  const columns = '{' + RECORD_CSV_COLUMNS.map((name) => `${name}: '${types.get(name)}'`).join(', ') + '}';
  return {
    from: `read_csv(${sqlString(path)}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', allow_quoted_nulls = false, max_line_size = ${MAX_RECORD_BYTES}, columns = ${columns})`,
    day: 'CAST(epoch_ms(utc_ms) AS DATE)',
  };
}

function recordJsonSource(path: string): { from: string; day: string } {
  return {
    from: `read_json(${sqlString(path)}, format = 'newline_delimited', columns = ${jsonColumns('records')}, maximum_object_size = ${MAX_RECORD_BYTES})`,
    day: 'day',
  };
}

/** The longest record DuckDB is asked to read (its defaults, 2 MB for a CSV line, are below real huge messages). */
const MAX_RECORD_BYTES = 67108864;

/** The records view's columns, in its order (for an empty fleet; see attachFleet). */
const RECORD_SELECT: Array<[string, string]> = [
  ['file', 'VARCHAR'],
  ['line', 'INTEGER'],
  ['utc', 'TIMESTAMP'],
  ['utc_ms', 'BIGINT'],
  ['local', 'VARCHAR'],
  ['bias', 'INTEGER'],
  ['severity', 'VARCHAR'],
  ['component', 'VARCHAR'],
  ['thread', 'BIGINT'],
  ['code', 'VARCHAR'],
  ['code_name', 'VARCHAR'],
  ['message', 'VARCHAR'],
  ['day', 'DATE'],
  ['machine', 'VARCHAR'],
  ['machine_key', 'VARCHAR'],
];

function hasParquet(dir: string): boolean {
  try {
    return readdirSync(dir, { recursive: true }).some((name) => String(name).endsWith('.parquet'));
  } catch {
    return false;
  }
}

/** True when DIR/records is partitioned by machine=NAME (as cmlogs wrote it before machine_key). */
function isNameLayout(recordsDir: string): boolean {
  return readdirSync(recordsDir).some((name) => name.startsWith('machine='));
}

/** Moves the files of STAGING/day=D/ into DIR/machine_key=KEY/day=D/ (names are unique: part_{uuid}). */
function movePartitions(staging: string, machineDir: string): void {
  for (const file of readdirSync(staging, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const from = join(file.parentPath, file.name);
    const to = join(machineDir, relative(staging, from));
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
  }
}

export const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** One DuckDB database in memory, with a thread count that leaves the cores to the machine readers. */
export class FleetDuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(threads?: number): Promise<FleetDuckDb> {
    const duck = loadDuckDb();
    const instance = await duck.DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
    return new FleetDuckDb(instance, await instance.connect());
  }

  /**
   * A machine's records appended to DIR/records/machine_key=KEY/day=YYYY-MM-DD/*.parquet (KEY: machineKeyOf), from
   * the CSV a fleet worker wrote (RecordCsvWriter) or, with --jsoneachrow, from its JSON lines. The UTC time becomes
   * a TIMESTAMP (`utc`) and its UTC date the day partition; utc_ms stays for engines that prefer numbers. Records
   * without a time go to the day partition DuckDB names __HIVE_DEFAULT_PARTITION__ (read back as NULL). `machine`,
   * a column of every file (not a folder name, which a long non-Latin name would not fit), is the name the fleet
   * settled on (JSON rows carry the one the worker read, which differs when two entries share a name).
   */
  async appendRecords(path: string, format: 'csv' | 'json', recordsDir: string, machine: string): Promise<void> {
    // Written beside DIR/records first and moved in once whole: a COPY that fails half way (a record DuckDB cannot
    // read) leaves no part of the machine in the tables, and the run goes on without it.
    const staging = `${recordsDir.replace(/\/+$/, '')}.staging`;
    rmSync(staging, { recursive: true, force: true });
    const source = format === 'csv' ? recordCsvSource(path) : recordJsonSource(path);
    try {
      await this.connection.run(
        `COPY (SELECT ${source.day} AS day, file, line, epoch_ms(utc_ms) AS utc, utc_ms, local, bias, severity, component, thread, code, code_name, message, ${sqlString(machine)} AS machine
               FROM ${source.from})
         TO ${sqlString(staging)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day), FILENAME_PATTERN 'part_{uuid}')`,
      );
      movePartitions(staging, join(recordsDir, `machine_key=${machineKeyOf(machine)}`));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /**
   * A table as one Parquet file, sorted by machine so row groups prune by it: machines (small) sorted here;
   * findings from files already in (machine, flow, key) order, read in the order given (one thread: no sort).
   */
  async writeTable(table: 'machines' | 'findings', json: string | string[], parquetPath: string): Promise<void> {
    const files = typeof json === 'string' ? sqlString(json) : `[${json.map(sqlString).join(', ')}]`;
    const order =
      typeof json === 'string' ? ` ORDER BY ${table === 'machines' ? 'machine' : 'machine, flow, key'}` : '';
    await this.connection.run(
      `COPY (SELECT * FROM read_json(${files}, format = 'newline_delimited', columns = ${jsonColumns(table)}, maximum_object_size = 67108864)${order})
       TO ${sqlString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  }

  /** Views `machines`, `findings`, `records` over a fleet output folder, so queries name tables, not files. */
  async attachFleet(dir: string): Promise<void> {
    const at = (name: string) => sqlString(`${dir.replace(/\/+$/, '')}/${name}`);
    await this.connection.run(
      `CREATE OR REPLACE VIEW machines AS SELECT * FROM read_parquet(${at('machines.parquet')})`,
    );
    await this.connection.run(
      `CREATE OR REPLACE VIEW findings AS SELECT * FROM read_parquet(${at('findings.parquet')})`,
    );
    // The columns in the order the view has always had (day and machine last), the partition key after them. A DIR
    // written before machine_key (records/machine=NAME/…) is read as it was, with the name as its key.
    const files = `read_parquet(${at('records/*/*/*.parquet')}, hive_partitioning = true`;
    const records = !hasParquet(join(dir, 'records'))
      ? `SELECT ${RECORD_SELECT.map(([name, type]) => `NULL::${type} AS ${name}`).join(', ')} WHERE false` // a fleet with no records
      : isNameLayout(join(dir, 'records'))
        ? `SELECT * EXCLUDE (day, machine), day, machine, machine AS machine_key FROM ${files}, hive_types = {'machine': VARCHAR, 'day': DATE})`
        : `SELECT * EXCLUDE (day, machine, machine_key), day, machine, machine_key FROM ${files}, hive_types = {'machine_key': VARCHAR, 'day': DATE})`;
    await this.connection.run(`CREATE OR REPLACE VIEW records AS ${records}`);
  }

  /** Column names and rows as JSON-safe values (timestamps as ISO text, big integers as numbers when they fit). */
  async query(sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    const reader = await this.connection.runAndReadAll(sql);
    // DuckDB's JSON form writes 64-bit integers (count(*), records) as text: numbers when they are exact.
    const wide = reader.columnTypes().map((type) => /^(?:U?BIGINT|U?HUGEINT)$/.test(type.toString()));
    const rows = (reader.getRowsJson() as unknown[][]).map((row) =>
      row.map((v, i) => (wide[i] && typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v)),
    );
    return { columns: reader.columnNames(), rows };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
