// The language server: LSP wiring only. Everything it answers comes from the core through features/.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createConnection,
  DidChangeConfigurationNotification,
  LSPErrorCodes,
  MarkupContent,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
  type Range,
  type SemanticTokens,
} from 'vscode-languageserver/node';
import { formatLookup, lookup } from './core/decode/lookup';
import { diagnose } from './core/diagnose/index';
import { RecordTable } from './core/table';
import { diagnoseOffThread, diagnosisDiagnostics, diagnosisReport } from './features/diagnose';
import { listLogFiles } from './core/files';
import { documentDiagnostics, type DiagnosticsSettings, type ProblemCounts } from './features/diagnostics';
import { hover, type HoverSettings } from './features/hover';
import { documentLinks } from './features/links';
import { definition, keyAtPosition, references } from './features/references';
import { bigLogTokens, isTooLargeForTokenization, semanticTokens, TOKEN_LEGEND } from './features/semanticTokens';
import { documentSymbols, foldingRanges, workspaceSymbols } from './features/symbols';
import { fileStats, severityRanges } from './features/fileStats';
import { prepareTimeline, timelinePage } from './features/timeline';
import { FolderTails, type LogTail } from './features/timelineTail';
import { xmlAt } from './features/xml';
import { Requests, RESEND_TEXT_NOTIFICATION, type TimelineIndexing } from './protocol';
import { answer } from './requests';
import { DiskDocument, LogDocuments, type LogDocument } from './logDocument';
import { LoadingTimelines } from './loadingTimeline';
import { LogWorkspace, pathToUri, uriToPath, type IndexProgress } from './workspace';

interface Settings {
  diagnostics: DiagnosticsSettings;
  timeDisplay: HoverSettings['timeDisplay'];
  /** Read every log of the workspace folders at start (else only what a request needs). */
  indexWorkspaceOnStartup: boolean;
  /** Megabytes of logs read from disk kept indexed (0: no limit); open documents do not count. */
  index: { memoryBudgetMB: number };
  /** Folder → UTC offset ("UTC+01:00") for its logs that write local time with no zone (core/clock.ts). */
  folderOffsets: Record<string, string>;
}

const DEFAULT_SETTINGS: Settings = {
  diagnostics: { level: 'errorsAndWarnings', maxPerFile: 1000 },
  timeDisplay: 'utc',
  indexWorkspaceOnStartup: false,
  index: { memoryBudgetMB: 512 },
  folderOffsets: {},
};

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments<LogDocument>(LogDocuments);
const workspace = new LogWorkspace();
let settings: Settings = DEFAULT_SETTINGS;
/** The settings the client sent with `initialize`: what a client that answers no configuration request keeps. */
let initialSettings: Partial<Settings> | undefined;
let canPullConfiguration = false;
/** The client asks for semantic tokens again when told to (workspace/semanticTokens/refresh): VS Code does. */
let canRefreshTokens = false;

let workspaceRoots: string[] = [];

connection.onInitialize((params): InitializeResult => {
  canPullConfiguration = !!params.capabilities.workspace?.configuration;
  canRefreshTokens = !!params.capabilities.workspace?.semanticTokens?.refreshSupport;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceRoots = folders.filter((u) => u.startsWith('file:')).map(uriToPath);
  initialSettings = (params.initializationOptions ?? undefined) as Partial<Settings> | undefined;
  applySettings(mergeSettings(initialSettings));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      foldingRangeProvider: true,
      documentLinkProvider: { resolveProvider: false },
      semanticTokensProvider: { legend: TOKEN_LEGEND, full: true, range: true },
    },
    serverInfo: { name: 'cmlogs-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canPullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'cmlogs' });
    await refreshSettings();
  }
  if (settings.indexWorkspaceOnStartup) void indexWorkspaceFolders();
});

connection.onDidChangeConfiguration(async (change) => {
  const before = settings;
  if (canPullConfiguration) await refreshSettings();
  else applySettings(mergeSettings((change.settings as { cmlogs?: Partial<Settings> })?.cmlogs));
  if (settings.indexWorkspaceOnStartup && !before.indexWorkspaceOnStartup) void indexWorkspaceFolders();
  for (const doc of documents.all()) publishDiagnostics(doc);
});

/**
 * Every log of the opened folders (bounded), when the setting asks for it: links then reach across machines'
 * subfolders from the first hover. Without it, a log's folder is read when a cross-file feature first needs it.
 */
let workspaceIndexing: Promise<void> | undefined;
function indexWorkspaceFolders(): Promise<void> {
  return (workspaceIndexing ??= (async () => {
    for (const root of workspaceRoots) {
      const pending = workspace.workspaceLogs(root).length;
      const files = await withProgress(
        `Indexing the logs of the workspace folder ${basename(root)}`,
        pending,
        (report) => workspace.scanWorkspaceFolder(root, report),
      );
      for (const folder of new Set(files.map(dirname))) watchFolder(folder);
    }
  })().finally(() => (workspaceIndexing = undefined)));
}

async function refreshSettings(): Promise<void> {
  const pulled = (await connection.workspace.getConfiguration('cmlogs')) as Partial<Settings> | null;
  applySettings(mergeSettings(pulled ?? initialSettings));
}

function mergeSettings(partial: Partial<Settings> | undefined): Settings {
  const merged = {
    diagnostics: { ...DEFAULT_SETTINGS.diagnostics, ...(partial?.diagnostics ?? {}) },
    timeDisplay: hoverTimeDisplay(partial?.timeDisplay),
    indexWorkspaceOnStartup: partial?.indexWorkspaceOnStartup ?? DEFAULT_SETTINGS.indexWorkspaceOnStartup,
    index: { ...DEFAULT_SETTINGS.index, ...(partial?.index ?? {}) },
    folderOffsets: partial?.folderOffsets ?? DEFAULT_SETTINGS.folderOffsets,
  };
  const invalid = workspace.setFolderOffsets(merged.folderOffsets);
  if (invalid.length)
    connection.console.warn(
      `cmlogs.folderOffsets: not read (give offsets as "UTC+01:00", "UTC-05:00"): ${invalid.join('; ')}`,
    );
  return merged;
}

function applySettings(next: Settings): void {
  settings = next;
  const mb = Number(next.index.memoryBudgetMB);
  workspace.budgetBytes = Number.isFinite(mb) && mb > 0 ? mb * 1e6 : Infinity;
  workspace.enforceBudget();
}

/** Runs `work` under a progress item in the client (LSP work-done progress) when there is something to read. */
async function withProgress<T>(title: string, files: number, work: (report: IndexProgress) => Promise<T>): Promise<T> {
  if (files === 0) return work(() => undefined);
  // The work starts at once: the progress item is a round trip to the client (busy opening a timeline, say), which
  // the first logs read must not wait for. It shows how far the work is when it comes.
  type Reporter = Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>>;
  let progress: Reporter | undefined;
  let last: [number, number] | null = null;
  const show = ([done, total]: [number, number]) =>
    progress?.report(Math.floor((done * 100) / Math.max(1, total)), `${title}: ${done} of ${total} logs`);
  let finished = false;
  void connection.window.createWorkDoneProgress().then(
    (reporter) => {
      if (finished) return reporter.done();
      progress = reporter;
      reporter.begin('ConfigMgr Logs', 0, `${title} (${files} logs)`, false);
      if (last) show(last);
    },
    () => undefined,
  );
  try {
    return await work((done, total) => show((last = [done, total])));
  } finally {
    finished = true;
    progress?.done(); // made later: done as soon as it comes (above)
  }
}

/**
 * The logs beside an opened log, for the features that look across files (references, related events, a
 * diagnosis): read once, on the first such request, under a progress item; an untitled buffer has no folder.
 */
async function indexFolderOf(uri: string): Promise<void> {
  if (!uri.startsWith('file:')) return;
  await indexFolder(dirname(uriToPath(uri)));
}

async function indexFolder(folder: string): Promise<string[]> {
  const pending = workspace.isFolderIndexed(folder) ? 0 : workspace.unindexedLogsIn(folder);
  const added = await withProgress(`Indexing the logs of ${basename(folder)}`, pending, (report) =>
    workspace.scanFolder(folder, report),
  );
  watchFolder(folder);
  workspace.enforceBudget(new Set([...workspace.logsIn(folder), ...openFiles()]));
  return added;
}

/** The folders of the open logs: what "every log" means to a cross-file request that names none. */
async function indexFoldersOfOpenLogs(): Promise<void> {
  const folders = new Set(
    openFiles()
      .filter((file) => !file.includes('://') && !file.startsWith('untitled:'))
      .map(dirname),
  );
  for (const folder of folders) await indexFolder(folder);
}

function openFiles(): string[] {
  return documents.all().map((d) => uriToPath(d.uri));
}

/** The setting's 'auto' (the default) is the log's own time for a hover, which is about one record of one log. */
function hoverTimeDisplay(value: unknown): Settings['timeDisplay'] {
  return value === 'utc' || value === 'machineLocal' || value === 'logLocal'
    ? value
    : value === 'auto'
      ? 'logLocal'
      : DEFAULT_SETTINGS.timeDisplay;
}

// ---- Documents ------------------------------------------------------------------------------------

const pendingDiagnostics = new Map<string, NodeJS.Timeout>();

/** What a loading folder's timeline shows so far, and when the editor's requests come first (loadingTimeline.ts). */
const loadingTimelines = new LoadingTimelines();
/** The last records of a loading folder's logs, shown in their place until each is read (features/timelineTail.ts). */
const loadingTails = new FolderTails();
function editorRequest(): void {
  loadingTimelines.editorRequest();
}

// Opening a log indexes that log, and nothing else. Every request about a document waits until it is indexed
// (`indexed`), so a hover sent the moment a big log opens is answered from it, never empty.
documents.onDidOpen(({ document }) => {
  editorRequest();
  // The client said the log was its file, and the file holds other bytes now (rewritten, rolled over): its text.
  if (document.awaitingText) void connection.sendNotification(RESEND_TEXT_NOTIFICATION, { uri: document.uri });
  openedVersions.set(document.uri, document.version);
  workspace.openDocument(uriToPath(document.uri), document);
  const big = document.length >= BIG_DOCUMENT;
  const publishIfOpen = () => {
    const doc = documents.get(document.uri); // still open once the waiting requests are answered
    if (doc) publishDiagnostics(doc);
  };
  void afterIndexed(document.uri, () => afterWaitingRequests(publishIfOpen)).then(
    () => big && setTimeout(collectGarbage, GC_DELAY_MS),
  );
});

/**
 * Runs `work` once the requests that waited for the same parse are answered: their continuations are microtasks,
 * this a macrotask after them. The first screen's colour (semantic tokens of the visible range, asked the moment a
 * big log opens) waited behind the diagnostics (the 1,000 newest problems built and sent) and the full garbage
 * collection: 48 MB log, load 8, range tokens answered 1.1 s after the parse ended, 0.8 s in code-server.
 */
function afterWaitingRequests(work: () => void): Promise<void> {
  return new Promise((resolve) =>
    setImmediate(() => {
      try {
        work();
      } finally {
        resolve();
      }
    }),
  );
}
/** The full collection after a big open waits this long: the requests of the first screen come first. */
const GC_DELAY_MS = 1000;

/**
 * A big document arrives as one JSON message: its raw bytes and the parsed message are garbage once it is indexed,
 * as big as the log (or twice: V8 keeps a string with one non-Latin-1 character at 2 bytes a character). V8 collects
 * them only when the heap grows further, so a server that then sits idle keeps them: a full collection once such a
 * document is indexed returns them (about 50 ms). Still needed now that the document keeps no text (logDocument.ts),
 * measured on a 48 MB CMTrace log, server RSS 5 s after its diagnostics: 241-245 MB without it, 134-143 MB with it
 * (57 MB before the open; two runs each, 2026-12-07).
 */
const BIG_DOCUMENT = 8_000_000;
let fullCollection: (() => void) | null | undefined;
function collectGarbage(): void {
  if (fullCollection === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      fullCollection = runInNewContext('gc') as () => void;
    } catch {
      fullCollection = null;
    }
  }
  fullCollection?.();
}

/** The version each document was opened at: TextDocuments fires a content change for the open itself too. */
const openedVersions = new Map<string, number>();

documents.onDidChangeContent(({ document }) => {
  if (openedVersions.get(document.uri) === document.version) return; // the open, handled above: not parsed twice
  editorRequest();
  openedVersions.delete(document.uri);
  workspace.updateDocument(uriToPath(document.uri), document);
  clearTimeout(pendingDiagnostics.get(document.uri));
  pendingDiagnostics.set(
    document.uri,
    setTimeout(() => void afterIndexed(document.uri, publishDiagnostics), 300),
  );
});

documents.onDidClose(({ document }) => {
  openedVersions.delete(document.uri);
  workspace.closeDocument(uriToPath(document.uri));
  problemCounts.delete(uriToPath(document.uri));
  connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  void workspace.fileChanged(uriToPath(document.uri)); // the disk copy takes over
});

// Findings of the last diagnosis, by file: shown beside the per-record diagnostics.
let diagnosisByFile = new Map<string, Diagnostic[]>();
/** What each open log's diagnostics counted against what they list (the status bar shows both). */
const problemCounts = new Map<string, ProblemCounts>();

/** Runs `then` with the document once its records are indexed, if it is still open. */
async function afterIndexed(uri: string, then: (doc: LogDocument) => void): Promise<void> {
  await indexed(uri);
  const doc = documents.get(uri);
  if (doc) then(doc);
}

/** Resolves when the document's records are in the index (at once for a log that is not being parsed). */
function indexed(uri: string): Promise<void> {
  return workspace.ready(uriToPath(uri));
}

function publishDiagnostics(doc: LogDocument): void {
  const file = uriToPath(doc.uri);
  const result = workspace.index.file(file);
  if (!result) return;
  const { diagnostics, counts } = documentDiagnostics(result.records, settings.diagnostics, lineLengthOf(doc));
  problemCounts.set(file, counts);
  connection.sendDiagnostics({ uri: doc.uri, diagnostics: [...diagnostics, ...(diagnosisByFile.get(file) ?? [])] });
}

function publishDiagnosis(byFile: Map<string, Diagnostic[]>): void {
  const previous = diagnosisByFile;
  diagnosisByFile = byFile;
  for (const file of new Set([...previous.keys(), ...byFile.keys()])) {
    const doc = documents.get(pathToUri(file));
    if (doc) publishDiagnostics(doc);
    else connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: byFile.get(file) ?? [] });
  }
}

function lineLengthOf(doc: LogDocument): (line: number) => number {
  return (line) => doc.lineText(line).length;
}

// Logs beside an open one keep growing while the client works: follow them.
const watchers = new Map<string, FSWatcher>();
const pendingFileEvents = new Map<string, NodeJS.Timeout>();

function watchFolder(folder: string): void {
  if (watchers.has(folder)) return;
  try {
    const watcher = watch(folder, (_event, name) => {
      if (!name) return;
      const file = join(folder, name.toString());
      clearTimeout(pendingFileEvents.get(file));
      pendingFileEvents.set(
        file,
        setTimeout(() => void workspace.fileChanged(file).catch(() => workspace.fileDeleted(file)), 200),
      );
    });
    watcher.on('error', () => watchers.delete(folder));
    watchers.set(folder, watcher);
  } catch {
    // A folder we cannot watch still works; it just does not follow growth.
  }
}

// ---- Features -------------------------------------------------------------------------------------

/**
 * A request about a document the server has neither open nor indexed is answered from its file, read now, never
 * after a wait for a didOpen that may not come: vscode-languageclient can send a request made while it starts before
 * the didOpen of a log open then (both wait for its start), and another client may name a log it never opened. A
 * didOpen that follows takes that read instead of parsing the log again (LogWorkspace.openDocument). What is no
 * file (untitled, virtual, gone, a folder) is answered as unknown at once.
 */
async function known(uri: string): Promise<void> {
  const file = uriToPath(uri);
  if (documents.get(uri) || workspace.index.file(file) || !uri.startsWith('file:')) return;
  await workspace.ensureFile(file).catch(() => undefined); // gone, a folder, unreadable: unknown
  workspace.enforceBudget(new Set([file, ...openFiles()]));
}

/** Resolves once the document is indexed, read from its file first when the server does not have it (`known`). */
async function ready(uri: string): Promise<void> {
  await known(uri);
  await indexed(uri);
}

/** The open document, or for a file the client has not opened (see `known`), the file read as a document. */
function documentOf(uri: string): LogDocument | undefined {
  const open = documents.get(uri);
  if (open || !workspace.index.file(uriToPath(uri))) return open;
  const key = `${uri}\n${fileStateOf(uriToPath(uri))}`;
  if (unopened?.key !== key) unopened = { key, doc: DiskDocument.ofFile(uri, 'cmlog') ?? undefined };
  return unopened.doc;
}
/** The last file read as a document: the requests of one screen (hover, tokens) ask about the same file. */
let unopened: { key: string; doc: LogDocument | undefined } | undefined;

function fileStateOf(file: string): string {
  try {
    const info = statSync(file);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

/** The records of a document once indexed (none for a file the server does not know). */
async function recordsOf(uri: string): Promise<RecordTable> {
  await ready(uri);
  return workspace.index.file(uriToPath(uri))?.records ?? new RecordTable(uriToPath(uri));
}

connection.onHover(async ({ textDocument, position }) => {
  editorRequest();
  await ready(textDocument.uri);
  const doc = documentOf(textDocument.uri);
  if (!doc) return null;
  const file = uriToPath(textDocument.uri);
  const lineText = doc.lineText(position.line);
  const answer = hover(workspace.index, file, position, lineText, {
    timeDisplay: settings.timeDisplay,
    folders: workspaceRoots,
  });
  if (answer && MarkupContent.is(answer.contents) && keyAtPosition(workspace.index, file, position))
    answer.contents.value += folderNotIndexedNote(textDocument.uri);
  return answer;
});

/** Under a key's counts, when the logs beside this one were not read yet: they are counted once a cross-file feature asks. */
function folderNotIndexedNote(uri: string): string {
  if (!uri.startsWith('file:')) return '';
  const folder = dirname(uriToPath(uri));
  if (workspace.isFolderIndexed(folder)) return '';
  const pending = workspace.unindexedLogsIn(folder);
  return pending
    ? `\n\n_The ${pending} other log(s) of this folder are not indexed yet: Find All References (Shift+F12) reads them._`
    : '';
}

// Go to Definition answers from the logs indexed (the open ones, folders already read), reading nothing more: VS Code
// also asks for it whenever Ctrl is held with the mouse over a word (to underline a link), so a Ctrl+End or Ctrl+C
// over a GUID read a whole 1 GB folder (test:scale with CMLOGS_SCALE_FOLDER_GB=1, issue #23). The hover says when
// the folder is not read yet and that Find All References reads it.
connection.onDefinition(async ({ textDocument, position }) => {
  await ready(textDocument.uri);
  return definition(workspace.index, uriToPath(textDocument.uri), position) ?? null;
});
// Find All References reads the logs beside the document first (once): its answer is never cut short by indexing.
connection.onReferences(async ({ textDocument, position }) => {
  await ready(textDocument.uri);
  await indexFolderOf(textDocument.uri);
  return references(workspace.index, uriToPath(textDocument.uri), position);
});
connection.onDocumentSymbol(async ({ textDocument }) => documentSymbols(await recordsOf(textDocument.uri)));
connection.onWorkspaceSymbol(async ({ query }) => {
  await Promise.all(documents.all().map((d) => indexed(d.uri)));
  await indexFoldersOfOpenLogs();
  return workspaceSymbols(workspace.index, query);
});
connection.onFoldingRanges(async ({ textDocument }) => foldingRanges(await recordsOf(textDocument.uri)));
connection.onDocumentLinks(async ({ textDocument }) =>
  documentLinks(uriToPath(textDocument.uri), await recordsOf(textDocument.uri)),
);

// A log too large for VS Code to tokenize is coloured by range only (what is visible, asked again at each scroll):
// the full request is refused as cancelled by the server, which VS Code takes as "no answer, ask by range".
connection.languages.semanticTokens.on(async ({ textDocument }) => {
  editorRequest();
  const records = await recordsOf(textDocument.uri);
  const doc = documentOf(textDocument.uri);
  if (!doc) return { data: [] };
  if (isTooLargeForTokenization(doc.length, doc.lineCount))
    throw new ResponseError(LSPErrorCodes.ServerCancelled, 'a big log is coloured by range');
  return semanticTokens(records, lineLengthOf(doc));
});
connection.languages.semanticTokens.onRange(async ({ textDocument, range }) => {
  editorRequest();
  const whileIndexing = await textTokensWhileIndexing(textDocument.uri, range);
  if (whileIndexing) return whileIndexing;
  const records = await recordsOf(textDocument.uri);
  const doc = documentOf(textDocument.uri);
  if (!doc) return { data: [] };
  const to = Math.min(range.end.line, doc.lineCount - 1);
  return isTooLargeForTokenization(doc.length, doc.lineCount)
    ? bigLogTokens(records, (line) => doc.lineText(line), range.start.line, to)
    : semanticTokens(records, lineLengthOf(doc), range.start.line, to);
});

/**
 * The visible lines of a big log asked while its parse runs (the editor asks the moment it opens): the text's own
 * tokens at once (GUIDs, KB numbers, times, codes, error words, the markup: none needs the records), and the client
 * told to ask again once the parse ends, for the records' severities too. Null when the log is indexed, small (VS
 * Code colours its text itself), not open, or the client cannot be told (it then waits for the parse, as before).
 */
async function textTokensWhileIndexing(uri: string, range: Range): Promise<SemanticTokens | null> {
  const doc = documents.get(uri);
  if (!doc || !canRefreshTokens || !isTooLargeForTokenization(doc.length, doc.lineCount)) return null;
  const parsed = await Promise.race([
    indexed(uri).then(() => true),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
  if (parsed) return null;
  if (!refreshWhenIndexed.has(uri)) {
    refreshWhenIndexed.add(uri);
    void indexed(uri)
      .then(() => afterWaitingRequests(() => void connection.languages.semanticTokens.refresh().catch(() => undefined)))
      .finally(() => refreshWhenIndexed.delete(uri));
  }
  const to = Math.min(range.end.line, doc.lineCount - 1);
  return bigLogTokens(new RecordTable(uriToPath(uri)), (line) => doc.lineText(line), range.start.line, to);
}
/** Big logs whose text's tokens went out while they were parsed: the client is told to ask again once, at the end. */
const refreshWhenIndexed = new Set<string>();

// ---- Product requests -----------------------------------------------------------------------------

answer(connection, Requests.fileStats, async ({ uri }) => {
  await ready(uri);
  const stats = fileStats(workspace.index, uriToPath(uri));
  const counts = problemCounts.get(uriToPath(uri));
  return stats && counts
    ? {
        ...stats,
        problems: {
          errors: counts.errors,
          warnings: counts.warnings,
          information: counts.information,
          listed: counts.listed,
        },
      }
    : stats;
});
answer(connection, Requests.indexStatus, () => {
  const memory = process.memoryUsage();
  return {
    files: workspace.index
      .fileNames()
      .map((file) => ({ uri: pathToUri(file), bytes: sizeOf(file), open: workspace.isOpen(file) })),
    reads: Object.fromEntries([...workspace.reads].map(([file, n]) => [pathToUri(file), n])),
    budgetBytes: Number.isFinite(workspace.budgetBytes) ? workspace.budgetBytes : null,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
});
answer(connection, Requests.severityRanges, async ({ uri }) => severityRanges(await recordsOf(uri)));
answer(connection, Requests.lookup, ({ text }) => {
  const results = lookup(text.trim().split(/\s+/));
  return { results, text: formatLookup(results), unknown: results.some((r) => r.kind === 'unknown') };
});
answer(connection, Requests.related, async ({ uri, position }) => {
  await ready(uri);
  await indexFolderOf(uri);
  return { key: keyAtPosition(workspace.index, uriToPath(uri), position)?.key ?? null };
});
answer(connection, Requests.xmlAt, async ({ uri, position }) => {
  await ready(uri);
  return xmlAt(workspace.index, uriToPath(uri), position);
});
answer(connection, Requests.indexFolder, async ({ path, listOnly }) => {
  if (listOnly) return { files: workspace.logsIn(path).map(pathToUri), added: 0 };
  const added = await indexFolder(path);
  return {
    files: workspace.index
      .fileNames()
      .filter((f) => dirname(f) === path)
      .map(pathToUri),
    added: added.length,
  };
});
answer(connection, Requests.diagnose, async ({ uris, folder }) => {
  // A folder (ConfigMgr: Diagnose on a folder) is indexed first, subfolders too (one per machine): a fresh
  // folder is diagnosed, not reported as "no flow found".
  const folderFiles = folder ? listLogFiles([uriToPath(folder)]).files : [];
  for (const file of folderFiles) await workspace.ensureFile(file).catch(() => undefined);
  for (const uri of uris ?? []) await indexed(uri).then(() => workspace.ensureFile(uriToPath(uri)));
  await Promise.all(documents.all().map((d) => indexed(d.uri)));
  if (!folder && !uris?.length) await indexFoldersOfOpenLogs();
  const files = folder || uris?.length ? [...folderFiles, ...(uris ?? []).map(uriToPath)] : workspace.index.fileNames();
  const findings = await diagnoseOffThread(files, () => diagnose(files.flatMap((f) => workspace.index.file(f) ?? [])));
  publishDiagnosis(diagnosisDiagnostics(findings));
  return { markdown: diagnosisReport(findings, files), findings, files: files.map(pathToUri) };
});
// Files are read from disk here, whatever the editor syncs: VS Code never sends a document over 50 MB to the server.
// Their folders are watched so that the timeline follows them as they grow.
answer(connection, Requests.timeline, async (params) => {
  await Promise.all(documents.all().map((d) => indexed(d.uri)));
  const needed = new Set<string>();
  for (const uri of params.uris ?? []) {
    needed.add(uriToPath(uri));
    await indexed(uri);
    const file = uriToPath(uri);
    await workspace.ensureFile(file);
    if (uri.startsWith('file:')) watchFolder(dirname(file));
  }
  let indexing: TimelineIndexing | undefined;
  let tails: Map<string, LogTail> | undefined;
  // What the page merges: the folders, but of a folder still loading only the logs its answers show so far.
  const mergedFolders = new Set(params.folders ?? []);
  const mergedFiles: string[] = [];
  for (const uri of params.folders ?? []) {
    if (!uri.startsWith('file:')) continue;
    const folder = uriToPath(uri);
    const first = !foldersLoaded.has(folder);
    // The tails are read before the load starts: its worker threads' start and parsing would share the cores with
    // the first rows (8 tails: ~0.19 s of CPU cold, 1.1 s of wall time beside the workers at load 10).
    if (params.partial && first && !folderLoads.has(folder))
      await loadingTails.of(folder, workspace.logsIn(folder), sizeOf);
    const load = folderLoad(folder);
    watchFolder(folder);
    if (params.partial && first && !load.done) {
      // The logs indexed so far now, and the last records of the others in their place (the end is what the panel
      // shows first), the rest as they come (the panel asks again): first rows at once.
      const logs = workspace.logsIn(folder);
      const nothingRead = logs.length && !logs.some((file) => workspace.index.file(file));
      // No log read and none whose tail can be read (UTF-16): the first log read, rather than an empty answer.
      if (nothingRead && !(await loadingTails.of(folder, logs, sizeOf)).size)
        await Promise.race([load.first, new Promise((resolve) => setTimeout(resolve, FIRST_LOG_WAIT_MS))]);
      for (const file of logs) needed.add(file);
      indexing ??= { done: 0, total: 0 };
      indexing.total += logs.length;
      indexing.done += logs.filter((file) => workspace.index.file(file)).length;
      const shown = loadingTimelines.shownWhileLoading(
        folder,
        logs.flatMap((file) => {
          const records = workspace.index.file(file)?.records.length;
          return records === undefined ? [] : [{ file, records }];
        }),
      );
      // The others by their tails, a log read but not merged yet too (merges wait for the records to grow by half).
      const shownNow = new Set(shown);
      const folderTails = await loadingTails.of(
        folder,
        logs.filter((file) => !shownNow.has(file)),
        sizeOf,
      );
      const tailed = logs.filter((file) => folderTails.has(file));
      for (const file of tailed) (tails ??= new Map()).set(file, folderTails.get(file)!);
      if (tailed.length) indexing.tails = (indexing.tails ?? 0) + tailed.length;
      if (shown.length || tailed.length) {
        mergedFolders.delete(uri);
        mergedFiles.push(...[...shown, ...tailed].sort());
      }
      continue;
    }
    loadingTails.forget(folder); // a partial answer in flight when the load ended may have read tails again
    for (const file of await load.files) needed.add(file);
  }
  // Logs dropped to keep within the budget are the ones needed longest ago; none that this page shows.
  if (params.uris?.length || params.folders?.length) workspace.enforceBudget(needed);
  const pageParams = mergedFiles.length
    ? { ...params, uris: [...(params.uris ?? []), ...mergedFiles.map(pathToUri)], folders: [...mergedFolders] }
    : params;
  // The merge in slices first (millions of records: seconds), the editor's requests answered between them.
  await prepareTimeline(workspace.index, pageParams, tails, timeBoxedTurns(MERGE_TURN_MS));
  const page = timelinePage(workspace.index, pageParams, tails);
  if (indexing) page.indexing = indexing;
  return page;
});

/**
 * A folder's logs being indexed for a timeline: one load at a time per folder. Partial answers do not wait for a
 * folder's first load; later ones wait (for the logs that appeared since: fast), so a log that cannot be read does
 * not keep a panel asking again for ever.
 */
interface FolderLoad {
  files: Promise<string[]>;
  /** Settles once the first of its logs is indexed (or the load ends). */
  first: Promise<unknown>;
  done: boolean;
}
const folderLoads = new Map<string, FolderLoad>();
const foldersLoaded = new Set<string>();
/**
 * How long a partial answer waits for a folder's first log when none is indexed yet: an empty answer would only make
 * the panel ask again (a poll, a probe, the webview's query: several round trips, ~0.5 s on a loaded machine).
 */
const FIRST_LOG_WAIT_MS = 5000;

/** The load of `folder`'s logs in flight, or a new one (each request reads the logs that appeared since). */
function folderLoad(folder: string): FolderLoad {
  const running = folderLoads.get(folder);
  if (running && !running.done) return running;
  const pending = workspace.isFolderIndexed(folder) ? 0 : workspace.unindexedLogsIn(folder);
  let firstIndexed!: () => void;
  const firstLog = new Promise<void>((resolve) => (firstIndexed = resolve));
  const files = withProgress(`Indexing the logs of ${basename(folder)}`, pending, (report) =>
    workspace.logsInFolder(folder, (done, total) => {
      if (done > 0) firstIndexed();
      report(done, total);
    }),
  );
  const load: FolderLoad = { files, first: Promise.race([firstLog, files.catch(() => undefined)]), done: false };
  folderLoads.set(folder, load);
  void files
    .finally(() => {
      load.done = true;
      foldersLoaded.add(folder);
      loadingTimelines.loaded(folder);
      loadingTails.forget(folder);
    })
    .catch(() => undefined);
  return load;
}

/**
 * CPU a merge takes before the editor's requests are let in (issue #23). Each JSON-RPC message is handled in a turn
 * of its own (vscode-jsonrpc queues them with setImmediate), so a hover waits a few of these: 1 GB folder (3.9 M
 * records) at load ~10, longest hover wait 0.16-0.36 s with a turn every 65,536 records (5-10 ms of CPU unloaded).
 */
const MERGE_TURN_MS = 8;

/**
 * A pause for a merge's slices (core/timeline.ts mergeOrderAsync): a turn of the event loop, so that the messages
 * that arrived meanwhile (a hover, a colour request) are handled first, once `budgetMs` of work have run since the
 * last one; else none (the slices are small: a turn after each would cost the merge its speed).
 */
function timeBoxedTurns(budgetMs: number): () => Promise<void> {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return Promise.resolve();
    return new Promise((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

documents.listen(connection);
connection.listen();
