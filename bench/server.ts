// "A 500 MB log usable from VS Code through the server" (issue #8), measured: VS Code does not hand documents
// over 50 MB to extensions, so such a log reaches the language server only as a path (the timeline, diagnosis
// and stats requests of the Explorer and the palette), and the server reads it from disk. This stage makes one
// CMTrace log of >= 500 MB (the corpus's CMTrace files back to back, repeated), starts the bundled language
// server over stdio (bench/out/server.js, parallel.js beside it), and times, as the extension would ask:
//   - the first timeline page of that file (the server parses and indexes it first),
//   - its stats (record count), a page at its very end, and a page of the records holding a GUID,
// and reads the server's peak RSS (VmHWM) from /proc.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { Requests, type FileStats, type TimelinePage } from '../server/src/protocol';

export interface ServerFigures {
  file: string;
  bytes: number;
  records: number;
  firstPageMs: number;
  lastPageMs: number;
  keyPageMs: number;
  keyRecords: number;
  peakRssKB: number | null;
}

const MB = 1e6;

/** One log of at least `minBytes`, from `parts` repeated (kept between runs when its size is right). */
export function ensureBigLog(path: string, parts: string[], minBytes: number): number {
  const chunks = parts.map((p) => readFileSync(p));
  const round = chunks.reduce((n, c) => n + c.length, 0);
  const rounds = Math.ceil(minBytes / round);
  const size = rounds * round;
  if (existsSync(path) && statSync(path).size === size) return size;
  const fd = openSync(path, 'w');
  try {
    for (let r = 0; r < rounds; r++) for (const c of chunks) writeSync(fd, c);
  } finally {
    closeSync(fd);
  }
  return size;
}

/** Starts `serverJs --stdio` with an empty workspace and asks for the big log as the extension would. */
export async function measureServer(serverJs: string, emptyRoot: string, file: string, key: string): Promise<ServerFigures> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', () => [null]);
  connection.onNotification(() => undefined);
  connection.listen();
  try {
    const root = pathToFileURL(emptyRoot).toString();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: root, capabilities: {}, workspaceFolders: [{ uri: root, name: 'empty' }] });
    await connection.sendNotification('initialized', {});
    const uri = pathToFileURL(file).toString();
    const timed = async <T>(ask: () => Promise<T>): Promise<[T, number]> => {
      const t0 = performance.now();
      const value = await ask();
      return [value, performance.now() - t0];
    };
    const [first, firstPageMs] = await timed(() => connection.sendRequest<TimelinePage>(Requests.timeline.method, { uris: [uri], offset: 0, limit: 5000 }));
    const stats = await connection.sendRequest<FileStats | null>(Requests.fileStats.method, { uri });
    const [, lastPageMs] = await timed(() => connection.sendRequest<TimelinePage>(Requests.timeline.method, { uris: [uri], offset: Math.max(0, first.total - 5000), limit: 5000 }));
    const [byKey, keyPageMs] = await timed(() => connection.sendRequest<TimelinePage>(Requests.timeline.method, { uris: [uri], key, offset: 0, limit: 5000 }));
    const peakRssKB = peakRss(child.pid!);
    return { file, bytes: statSync(file).size, records: stats?.records ?? first.total, firstPageMs, lastPageMs, keyPageMs, keyRecords: byKey.total, peakRssKB };
  } finally {
    connection.dispose();
    child.kill();
  }
}

/** The process's peak resident set (Linux /proc), in KiB; null elsewhere. */
function peakRss(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function describeServer(f: ServerFigures): string {
  return (
    `${(f.bytes / MB).toFixed(0)} MB log through the language server (not opened: VS Code syncs no document over 50 MB): ` +
    `first timeline page after ${(f.firstPageMs / 1000).toFixed(2)} s (parse + index of ${f.records.toLocaleString('en-US')} records), ` +
    `page at the end ${f.lastPageMs.toFixed(0)} ms, the ${f.keyRecords.toLocaleString('en-US')} records of one GUID ${f.keyPageMs.toFixed(0)} ms; ` +
    `server peak RSS ${f.peakRssKB === null ? '-' : `${((f.peakRssKB * 1024) / MB).toFixed(0)} MB`}`
  );
}

export const BIG_LOG_NAME = join('big', 'CcmExec-500MB.log');
