// A log's last records, read before the whole log (issue #20: a timeline's first rows). "Open in Timeline" on a
// folder opens at the end (the webview follows), and the end is what an admin reads first: the last records of
// every log, merged by UTC. Reading each of eight 32 MB logs in full took 1-2 s before the first rows; their last
// 16 KB take tens of milliseconds. The tails stand in for the logs not read yet, until each is read in full.
//
// What a tail cannot know is how many lines come before it (counting them means reading the whole file: ~0.3 s of
// CPU for 256 MB), so its rows carry no line number: the timeline numbers them -1, -2, ... from the log's end
// (never a line of the file) and the webview says "line known once read" instead of opening a wrong line.
import { open } from 'node:fs/promises';
import { detectFormat } from '../core/formats/detect';
import { parseBytes, type ParseResult } from '../core/parse';
import { sniffEncoding } from '../core/read/encoding';
import type { FormatId } from '../core/record';

/**
 * Bytes read from a log's end: ~64 CMTrace records: eight logs give ~500 rows, a dozen screens. The tails are parsed
 * on the server's main thread by the general parser while its JIT is cold, on the first rows' path: eight tails of
 * 64 KB took 220-240 ms of CPU, of 16 KB 40-60 ms (fresh process, scale logs, 2026-12-07).
 */
export const TAIL_BYTES = 16 * 1024;
/** Bytes of a log's head that decide its format and encoding (as a whole read's first chunk does). */
const HEAD_BYTES = 64 * 1024;
/** Where a CMTrace record starts. */
const CMTRACE_START = Buffer.from('<![LOG[');

/** A log's last records. `wholeFile`: the tail is the whole log (its lines are the file's lines). */
export interface LogTail {
  result: ParseResult;
  wholeFile: boolean;
  /** The log's size when its tail was read. */
  size: number;
}

/**
 * The records of the last `tailBytes` of `file`, from the first record that starts there; null when the tail cannot
 * be read the way the whole log would be (not UTF-8, no record boundary in it, unreadable): that log waits for its
 * whole read.
 */
export async function readLogTail(file: string, tailBytes = TAIL_BYTES): Promise<LogTail | null> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size === 0) return null;
    const headLength = Math.min(size, HEAD_BYTES);
    const head = await readAt(handle, 0, headLength);
    const sniffed = sniffEncoding(head);
    // UTF-16: a byte range cut at an arbitrary place cannot be decoded alone.
    if (sniffed.encoding !== 'utf-8') return null;
    if (size <= headLength + tailBytes) {
      const whole = headLength === size ? head : await readAt(handle, 0, size);
      return { result: parseBytes(whole, file), wholeFile: true, size };
    }
    // The format is the whole log's, as its first lines decide it (parse.ts), not the tail's.
    const format = detectFormat(new TextDecoder().decode(head.subarray(sniffed.bomLength)));
    const tail = await readAt(handle, size - tailBytes, tailBytes);
    const start = recordStart(tail, format);
    if (start < 0) return null;
    return { result: parseBytes(tail.subarray(start), file, { format }), wholeFile: false, size };
  } catch {
    return null;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Where the first whole record of a byte range cut at an arbitrary place starts: after its first line break, and
 * for CMTrace at the first line that opens a record (a record's message may span lines). -1: none.
 */
export function recordStart(bytes: Uint8Array, format: FormatId): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lineEnd = buffer.indexOf(0x0a);
  if (lineEnd < 0) return -1;
  if (format !== 'cmtrace') return lineEnd + 1 < buffer.length ? lineEnd + 1 : -1;
  for (let at = buffer.indexOf(CMTRACE_START, lineEnd + 1); at >= 0; at = buffer.indexOf(CMTRACE_START, at + 1))
    if (buffer[at - 1] === 0x0a) return at;
  return -1;
}

async function readAt(
  handle: import('node:fs/promises').FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}

/**
 * The tails of the logs of folders being loaded for a timeline, read once per log (per size: a log that grew is read
 * again) and forgotten when the folder is loaded.
 */
export class FolderTails {
  private readonly tails = new Map<string, Map<string, Promise<LogTail | null>>>();

  /** The tails of `files` of `folder` that could be read (see readLogTail), by file. */
  async of(folder: string, files: string[], sizeOf: (file: string) => number): Promise<Map<string, LogTail>> {
    let known = this.tails.get(folder);
    if (!known) this.tails.set(folder, (known = new Map()));
    const read = await Promise.all(
      files.map(async (file) => {
        let tail = known.get(file);
        const kept = tail && (await tail);
        if (!tail || (kept && kept.size !== sizeOf(file))) known.set(file, (tail = readLogTail(file)));
        return [file, await tail] as const;
      }),
    );
    const out = new Map<string, LogTail>();
    for (const [file, tail] of read) if (tail) out.set(file, tail);
    return out;
  }

  forget(folder: string): void {
    this.tails.delete(folder);
  }
}
