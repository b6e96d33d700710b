// A minimal LSP client for tests: starts the real server (server/out/server.js --stdio) and speaks
// JSON-RPC to it with vscode-jsonrpc, as any editor would.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { Requests, type Request } from '../../server/src/protocol';

export const SERVER = resolve(__dirname, '../../server/out/server.js');

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code?: string;
  message: string;
}

/** A work-done progress the server reported: its title and every message, and whether it ended. */
export interface ProgressSeen {
  token: string;
  title: string;
  messages: string[];
  ended: boolean;
}

export class TestClient {
  private readonly process: ChildProcess;
  readonly connection: MessageConnection;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: Array<() => void> = [];
  /** Work-done progress reported by the server, in the order begun. */
  readonly progress: ProgressSeen[] = [];

  /**
   * `settings`: the `cmlogs` section, sent with initialize and answered to configuration requests; `server`: the
   * server's script (the bench measures the bundle it builds).
   */
  constructor(
    private readonly settings: Record<string, unknown> | null = null,
    server = SERVER,
  ) {
    this.process = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onNotification(
      'textDocument/publishDiagnostics',
      (p: { uri: string; diagnostics: Diagnostic[] }) => {
        this.diagnostics.set(p.uri, p.diagnostics);
        this.waiters.splice(0).forEach((w) => w());
      },
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/configuration', () => [this.settings]);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification(
      '$/progress',
      (p: { token: string; value: { kind: string; title?: string; message?: string } }) => {
        let seen = this.progress.find((s) => s.token === p.token && !s.ended);
        if (p.value.kind === 'begin')
          this.progress.push((seen = { token: p.token, title: p.value.title ?? '', messages: [], ended: false }));
        if (!seen) return;
        if (p.value.message) seen.messages.push(p.value.message);
        if (p.value.kind === 'end') seen.ended = true;
      },
    );
    this.connection.listen();
  }

  /** `workspace`: client capabilities of the workspace to declare (e.g. semanticTokens.refreshSupport, as VS Code). */
  async initialize(rootPath: string, workspace: Record<string, unknown> = {}): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(rootPath),
      capabilities: {
        textDocument: { hover: { contentFormat: ['markdown'] }, semanticTokens: { requests: { full: true } } },
        window: { workDoneProgress: true },
        workspace,
      },
      initializationOptions: this.settings,
      workspaceFolders: [{ uri: uri(rootPath), name: 'root' }],
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  async open(path: string, languageId = 'cmlog', text = decodeFile(path)): Promise<string> {
    const docUri = uri(path);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId, version: 1, text },
    });
    return docUri;
  }

  async diagnosticsFor(docUri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    while (!this.diagnostics.has(docUri)) {
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${docUri}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return this.diagnostics.get(docUri)!;
  }

  /** The diagnostics the server has published for `docUri` so far (undefined: none yet). */
  publishedDiagnostics(docUri: string): Diagnostic[] | undefined {
    return this.diagnostics.get(docUri);
  }

  /** Waits until the server has indexed every one of `paths` (a background scan), or throws. */
  async waitIndexed(paths: string[], timeoutMs = 20_000): Promise<void> {
    const wanted = paths.map(uri);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.ask(Requests.indexStatus, {});
      const known = new Set(status.files.map((f) => f.uri));
      if (wanted.every((u) => known.has(u))) return;
      if (Date.now() > deadline) throw new Error(`not indexed: ${wanted.filter((u) => !known.has(u)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  /** A custom request of the product's protocol, typed by its descriptor. */
  ask<Params, Result>(request: Request<Params, Result>, params: Params): Promise<Result> {
    return this.request<Result>(request.method, params);
  }

  /** The server's process id (its memory is read from /proc by the bench). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /**
   * Shutdown and exit, then the process killed. The shutdown's answer is waited for 10 s at most: once, in a
   * clean-clone CI run, test/lsp/bigLogs.test.ts stayed alive 25 minutes after its 26 tests had passed (not seen in
   * the runs since); a server that does not answer is said on stderr and killed rather than keep the suite waiting.
   */
  async stop(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      this.connection.sendRequest('shutdown').then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000))),
    ]);
    clearTimeout(timer);
    if (!answered)
      process.stderr.write(`lspClient: the server (pid ${this.process.pid}) did not answer shutdown in 10 s\n`);
    await this.connection.sendNotification('exit').catch(() => undefined);
    this.connection.dispose();
    this.process.kill();
  }
}

export function uri(path: string): string {
  return pathToFileURL(resolve(path)).toString();
}

/** Text as an editor shows it: BOM removed, UTF-16 decoded. */
export function decodeFile(path: string): string {
  const bytes = readFileSync(path);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The 0-based position of the n-th occurrence of `needle` in a file (plus `delta` characters). */
export function positionOf(path: string, needle: string, delta = 1, nth = 0): { line: number; character: number } {
  const lines = decodeFile(path).split(/\r\n|\r|\n/);
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    for (let at = lines[line].indexOf(needle); at >= 0; at = lines[line].indexOf(needle, at + 1)) {
      if (seen++ === nth) return { line, character: at + delta };
    }
  }
  throw new Error(`"${needle}" not found in ${path}`);
}
