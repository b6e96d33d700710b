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
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { Requests, type FileStats, type IndexStatus, type TimelinePage } from '../server/src/protocol';

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
export async function measureServer(
  serverJs: string,
  emptyRoot: string,
  file: string,
  key: string,
): Promise<ServerFigures> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', () => [null]);
  connection.onNotification(() => undefined);
  connection.listen();
  try {
    const root = pathToFileURL(emptyRoot).toString();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: root,
      capabilities: {},
      workspaceFolders: [{ uri: root, name: 'empty' }],
    });
    await connection.sendNotification('initialized', {});
    const uri = pathToFileURL(file).toString();
    const timed = async <T>(ask: () => Promise<T>): Promise<[T, number]> => {
      const t0 = performance.now();
      const value = await ask();
      return [value, performance.now() - t0];
    };
    const [first, firstPageMs] = await timed(() =>
      connection.sendRequest<TimelinePage>(Requests.timeline.method, { uris: [uri], offset: 0, limit: 5000 }),
    );
    const stats = await connection.sendRequest<FileStats | null>(Requests.fileStats.method, { uri });
    const [, lastPageMs] = await timed(() =>
      connection.sendRequest<TimelinePage>(Requests.timeline.method, {
        uris: [uri],
        offset: Math.max(0, first.total - 5000),
        limit: 5000,
      }),
    );
    const [byKey, keyPageMs] = await timed(() =>
      connection.sendRequest<TimelinePage>(Requests.timeline.method, { uris: [uri], key, offset: 0, limit: 5000 }),
    );
    const peakRssKB = peakRss(child.pid!);
    return {
      file,
      bytes: statSync(file).size,
      records: stats?.records ?? first.total,
      firstPageMs,
      lastPageMs,
      keyPageMs,
      keyRecords: byKey.total,
      peakRssKB,
    };
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

// ---- A big log opened in the editor (issue #23) ----------------------------------------------------------------
// What the server does with a log VS Code does hand over (under 50 MB): the whole text arrives in didOpen and the
// server parses it before it answers anything about it. Measured as the extension asks, from a fresh server in a
// workspace holding only that log: the time until the log's diagnostics are published, a hover on its last line,
// semantic tokens for the first and the last screen, the Problems entries against the log's real counts, and the
// server's resident set before and after (per MB of log).

export interface OpenLogFigures {
  file: string;
  bytes: number;
  records: number;
  /** From didOpen sent to the log's diagnostics received. */
  diagnosticsMs: number;
  /** A hover on the last record's line, sent right after didOpen (it waits for the parse). */
  hoverMs: number;
  hoverAnswered: boolean;
  /** Semantic tokens of the first and last 100 lines (what VS Code asks for the visible range). */
  tokensTopMs: number;
  tokensBottomMs: number;
  /** The outline (document symbols) and the folding ranges of the whole log. */
  outlineMs: number;
  outlineSymbols: number;
  foldingMs: number;
  /** The log's error and warning records, and what the Problems panel lists. */
  errors: number;
  warnings: number;
  problemsListed: number;
  problemsTotal: number;
  /** Server RSS (current, /proc VmRSS) before didOpen and once everything above was answered; peak (VmHWM). */
  rssBeforeKB: number | null;
  rssAfterKB: number | null;
  peakRssKB: number | null;
  /** CPU time the server spent (user + system) from didOpen to the last answer: load on other processes does not count. */
  serverCpuMs: number | null;
  /** Files the server read from disk besides the open log (none: opening a log reads nothing else); null: not told. */
  otherReads: number | null;
  /** The server's V8 heap in use at the end. */
  heapUsedBytes: number | null;
}

/** Opens `file` in a fresh `serverJs --stdio` whose workspace is `root`, as VS Code would, and measures. */
export async function measureOpenLog(serverJs: string, root: string, file: string): Promise<OpenLogFigures> {
  // BENCH_SERVER_NODE_ARGS: Node options for the server alone (e.g. --cpu-prof --cpu-prof-dir=DIR, to see where its time goes).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', () => [null]);
  const uri = pathToFileURL(file).toString();
  let diagnosticsAt = 0;
  let problemsListed = 0;
  const published = new Promise<void>((resolve) =>
    connection.onNotification(
      'textDocument/publishDiagnostics',
      (p: { uri: string; diagnostics: Array<{ code?: string }> }) => {
        if (p.uri !== uri) return;
        diagnosticsAt = performance.now();
        problemsListed = p.diagnostics.filter((d) => d.code !== 'cmlogs.unlisted').length;
        resolve();
      },
    ),
  );
  connection.onNotification(() => undefined);
  connection.listen();
  try {
    const rootUri = pathToFileURL(root).toString();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: {},
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    });
    await connection.sendNotification('initialized', {});
    await new Promise((r) => setTimeout(r, 500)); // the server settles (a startup scan would show in otherReads)
    const rssBeforeKB = procStatus(child.pid!, 'VmRSS');
    const cpuBefore = cpuMs(child.pid!);
    const raw = readFileSync(file, 'utf8');
    const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw; // an editor does not show the BOM
    // The last record's line, on its time (a hover that always has an answer: the time in UTC).
    const lastRecord = text.lastIndexOf('<![LOG[');
    const lastLine = countLines(text, lastRecord);
    const timeAt =
      text.indexOf('time="', lastRecord) - text.lastIndexOf('\n', text.indexOf('time="', lastRecord)) - 1 + 7;
    const t0 = performance.now();
    void connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'cmlog', version: 1, text },
    });
    const hover = await connection.sendRequest<unknown>('textDocument/hover', {
      textDocument: { uri },
      position: { line: lastLine, character: timeAt },
    });
    const hoverMs = performance.now() - t0;
    await published;
    const tokens = async (from: number) => {
      const t = performance.now();
      await connection.sendRequest('textDocument/semanticTokens/range', {
        textDocument: { uri },
        range: { start: { line: from, character: 0 }, end: { line: from + 100, character: 0 } },
      });
      return performance.now() - t;
    };
    const tokensTopMs = await tokens(0);
    const tokensBottomMs = await tokens(Math.max(0, lastLine - 100));
    const timedRequest = async (method: string): Promise<[unknown[], number]> => {
      const t = performance.now();
      const answer = await connection.sendRequest<unknown[] | null>(method, { textDocument: { uri } });
      return [answer ?? [], performance.now() - t];
    };
    const [outline, outlineMs] = await timedRequest('textDocument/documentSymbol');
    const [, foldingMs] = await timedRequest('textDocument/foldingRange');
    const stats = await connection.sendRequest<FileStats | null>(Requests.fileStats.method, { uri });
    const status = await connection.sendRequest<IndexStatus>(Requests.indexStatus.method, {}).catch(() => null); // servers before 0.2 lack it
    const problems = stats?.problems;
    const cpuAfter = cpuMs(child.pid!);
    return {
      serverCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      file,
      bytes: statSync(file).size,
      records: stats?.records ?? 0,
      diagnosticsMs: diagnosticsAt - t0,
      hoverMs,
      hoverAnswered: hover !== null,
      tokensTopMs,
      tokensBottomMs,
      outlineMs,
      outlineSymbols: outline.length,
      foldingMs,
      errors: stats?.errors ?? 0,
      warnings: stats?.warnings ?? 0,
      problemsListed,
      problemsTotal: problems ? problems.errors + problems.warnings + problems.information : 0,
      rssBeforeKB,
      rssAfterKB: procStatus(child.pid!, 'VmRSS'),
      peakRssKB: procStatus(child.pid!, 'VmHWM'),
      otherReads: status ? Object.keys(status.reads).filter((u) => u !== uri).length : null,
      heapUsedBytes: status?.heapUsedBytes ?? null,
    };
  } finally {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    await new Promise((r) => setTimeout(r, nodeArgs.length ? 2000 : 0)); // a profile is written at exit
    connection.dispose();
    child.kill();
  }
}

/** Line breaks before `end`: the 0-based line of that offset. */
function countLines(text: string, end: number): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** User + system CPU time of a process (Linux /proc), in ms; null elsewhere. */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Server RSS added by the open log, per MB of it. */
export function rssPerMB(f: OpenLogFigures): number | null {
  return f.rssAfterKB === null || f.rssBeforeKB === null ? null : ((f.rssAfterKB - f.rssBeforeKB) * 1024) / f.bytes;
}

export function describeOpenLog(f: OpenLogFigures): string {
  const perMB = rssPerMB(f);
  const mb = (kb: number | null) => (kb === null ? '-' : `${((kb * 1024) / MB).toFixed(0)} MB`);
  return (
    `${(f.bytes / MB).toFixed(0)} MB log opened (didOpen): diagnostics after ${(f.diagnosticsMs / 1000).toFixed(2)} s ` +
    `(server CPU ${f.serverCpuMs === null ? '-' : `${(f.serverCpuMs / 1000).toFixed(2)} s`}), ` +
    `hover sent with didOpen answered after ${(f.hoverMs / 1000).toFixed(2)} s${f.hoverAnswered ? '' : ' (EMPTY)'}, ` +
    `semantic tokens top ${f.tokensTopMs.toFixed(0)} ms / bottom ${f.tokensBottomMs.toFixed(0)} ms; ` +
    `outline ${f.outlineMs.toFixed(0)} ms (${f.outlineSymbols} symbols), folding ${f.foldingMs.toFixed(0)} ms; ` +
    `${f.records.toLocaleString('en-US')} records, ${f.errors.toLocaleString('en-US')} errors and ${f.warnings.toLocaleString('en-US')} warnings, ` +
    `Problems lists ${f.problemsListed.toLocaleString('en-US')} of ${f.problemsTotal.toLocaleString('en-US')}; ` +
    `server RSS ${mb(f.rssBeforeKB)} -> ${mb(f.rssAfterKB)} (peak ${mb(f.peakRssKB)}): ${perMB === null ? '-' : perMB.toFixed(1)} MB per MB of log; ` +
    `heap ${f.heapUsedBytes === null ? '-' : `${(f.heapUsedBytes / MB).toFixed(0)} MB`}; other logs read: ${f.otherReads ?? '-'}`
  );
}

export const OPEN_LOG_NAME = join('open', 'CcmExec-48MB.log');

// ---- One small log opened in a big folder (issue #23) ----------------------------------------------------------
// Opening one log must read that log only; the folder is read when a cross-file feature first asks (here Find All
// References), under a progress item.

export interface FolderFigures {
  folder: string;
  folderLogs: number;
  folderBytes: number;
  opened: string;
  /** Logs read from disk 2 s after the log was opened (should be 0), and the server's RSS then. */
  readsAfterOpen: number;
  rssAfterOpenKB: number | null;
  /** Find All References on the opened log: time (the folder is indexed first), logs read, RSS after. */
  referencesMs: number;
  references: number;
  readsAfterReferences: number;
  rssAfterReferencesKB: number | null;
  progressItems: number;
}

export async function measureFolderOpen(
  serverJs: string,
  folder: string,
  file: string,
  position: { line: number; character: number },
): Promise<FolderFigures> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', () => [null]);
  connection.onRequest('window/workDoneProgress/create', () => null);
  let progressItems = 0;
  connection.onNotification(
    '$/progress',
    (p: { value: { kind: string } }) => void (p.value.kind === 'begin' && progressItems++),
  );
  connection.onNotification(() => undefined);
  connection.listen();
  try {
    const rootUri = pathToFileURL(folder).toString();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: { window: { workDoneProgress: true } },
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    });
    await connection.sendNotification('initialized', {});
    const uri = pathToFileURL(file).toString();
    const raw = readFileSync(file, 'utf8');
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'cmlog', version: 1, text: raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw },
    });
    await new Promise((r) => setTimeout(r, 2000));
    const status = () => connection.sendRequest<IndexStatus>(Requests.indexStatus.method, {});
    const afterOpen = await status();
    const rssAfterOpenKB = procStatus(child.pid!, 'VmRSS');
    const t0 = performance.now();
    const locations = await connection.sendRequest<unknown[]>('textDocument/references', {
      textDocument: { uri },
      position,
      context: { includeDeclaration: true },
    });
    const referencesMs = performance.now() - t0;
    const afterReferences = await status();
    const logs = afterReferences.files.filter((f) => !f.open);
    return {
      folder,
      folderLogs: logs.length + 1,
      folderBytes: afterReferences.files.reduce((n, f) => n + f.bytes, 0),
      opened: file,
      readsAfterOpen: Object.keys(afterOpen.reads).length,
      rssAfterOpenKB,
      referencesMs,
      references: locations.length,
      readsAfterReferences: Object.keys(afterReferences.reads).length,
      rssAfterReferencesKB: procStatus(child.pid!, 'VmRSS'),
      progressItems,
    };
  } finally {
    connection.dispose();
    child.kill();
  }
}

export function describeFolderOpen(f: FolderFigures): string {
  const mb = (kb: number | null) => (kb === null ? '-' : `${((kb * 1024) / MB).toFixed(0)} MB`);
  return (
    `one log opened in a folder of ${f.folderLogs} logs (${(f.folderBytes / MB).toFixed(0)} MB): ${f.readsAfterOpen} other logs read after 2 s, server RSS ${mb(f.rssAfterOpenKB)}; ` +
    `Find All References then indexed the folder (${f.progressItems} progress item) in ${(f.referencesMs / 1000).toFixed(2)} s: ${f.references.toLocaleString('en-US')} locations, ` +
    `${f.readsAfterReferences} logs read, server RSS ${mb(f.rssAfterReferencesKB)}`
  );
}

// ---- By hand: `node --import tsx bench/server.ts [--server JS] LOG...` ---------------------------------------------
// Opens each log in a fresh server (the one npm run build writes, server/out/server.js, unless --server names
// another) as measureOpenLog does, and prints the figures: RSS per MB of log before and after a change.
if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--server');
  const serverJs = at >= 0 ? args.splice(at, 2)[1] : join(__dirname, '..', 'server', 'out', 'server.js');
  void (async () => {
    for (const file of args) {
      const figures = await measureOpenLog(serverJs, dirname(file), file);
      console.log(describeOpenLog(figures));
      console.log(JSON.stringify({ ...figures, rssPerMB: rssPerMB(figures) }));
    }
  })();
}
