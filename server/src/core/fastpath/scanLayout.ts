// The layout the WebAssembly scanner (server/wasm/cmtraceScan.ts) and its JavaScript side
// (fastpath/cmtraceScan.ts, fastpath/cmtraceBytes.ts) share: both import THIS file, the scanner when
// AssemblyScript compiles it (scripts/build-wasm.mjs) and JavaScript when it is bundled, so the offsets cannot
// drift apart. Plain integer constants only: the file must be valid TypeScript and AssemblyScript alike
// (AssemblyScript reads an integer literal as an i32).

/** i32 fields per record the scanner writes. */
export const FIELDS = 32;
export const F_MESSAGE = 0;
export const F_HEADER = 1;
export const F_BREAKS = 2;
export const F_NEXT = 3;
/** 7 attributes x (start, end): time, date, component, context, type, thread, file. */
export const F_BOUNDS = 4;
export const F_MILLIS = 18;
export const F_BIAS = 19;
export const F_FLAGS = 20;
export const F_THREAD = 21;
export const F_CLOCK_END = 22;
export const F_PAIRS_END = 23;
/** 7 attributes: the key table's index of the value (component, context, type, file), or -1. */
export const F_VALUES = 24;

/** Records a scan reads at most (the length of each batch column). */
export const MAX_RECORDS = 8192;
/** Bytes of scanner memory after the input that JavaScript leaves out of its view of the input (see reserve). */
export const INPUT_SLACK_BYTES = 64;
/** Bytes a key takes in the key table (a GUID; a KB number takes fewer). */
export const KEY_BYTES = 36;

/** The batch columns, by the number `batchOffsets(column)` takes: one per RecordTable column. */
export const COLUMN_UTC = 0;
export const COLUMN_THREAD = 1;
export const COLUMN_FILE_START = 2;
export const COLUMN_LINE = 3;
export const COLUMN_END_LINE = 4;
export const COLUMN_FILE_LENGTH = 5;
export const COLUMN_COMPONENT = 6;
export const COLUMN_CONTEXT = 7;
export const COLUMN_TYPE = 8;
export const COLUMN_SOURCE_FILE = 9;
export const COLUMN_INEXACT = 10;
export const COLUMN_BIAS = 11;
export const COLUMN_SEVERITY = 12;
/** Not a column: the scanner's severity table (type "0".."6", then any other type). */
export const SEVERITY_TABLE = 13;
