// The language server: LSP wiring only. Everything it answers comes from the core through features/.
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatLookup, lookup } from './core/decode/lookup';
import { diagnose } from './core/diagnose/index';
import { RecordTable } from './core/table';
import { diagnoseOffThread, diagnosisDiagnostics, diagnosisReport } from './features/diagnose';
import { listLogFiles } from './core/files';
import { documentDiagnostics, type DiagnosticsSettings } from './features/diagnostics';
import { hover, type HoverSettings } from './features/hover';
import { documentLinks } from './features/links';
import { definition, keyAtPosition, references } from './features/references';
import { semanticTokens, TOKEN_LEGEND } from './features/semanticTokens';
import { documentSymbols, foldingRanges, workspaceSymbols } from './features/symbols';
import { fileStats, severityRanges } from './features/fileStats';
import { timelinePage } from './features/timeline';
import { xmlAt } from './features/xml';
import { Requests, type DiagnoseParams, type FileStatsParams, type RelatedParams, type TimelineParams } from './protocol';
import { LogWorkspace, pathToUri, uriToPath } from './workspace';

interface Settings {
  diagnostics: DiagnosticsSettings;
  timeDisplay: HoverSettings['timeDisplay'];
}

const DEFAULT_SETTINGS: Settings = { diagnostics: { level: 'errorsAndWarnings', maxPerFile: 1000 }, timeDisplay: 'utc' };

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const workspace = new LogWorkspace();
let settings: Settings = DEFAULT_SETTINGS;
let canPullConfiguration = false;

let workspaceRoots: string[] = [];

connection.onInitialize((params): InitializeResult => {
  canPullConfiguration = !!params.capabilities.workspace?.configuration;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceRoots = folders.filter((u) => u.startsWith('file:')).map(uriToPath);
  const options = params.initializationOptions as Partial<Settings> | undefined;
  settings = mergeSettings(options);
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
  void indexWorkspaceFolders();
  if (canPullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'cmlogs' });
    await refreshSettings();
  }
});

connection.onDidChangeConfiguration(async (change) => {
  if (canPullConfiguration) await refreshSettings();
  else settings = mergeSettings((change.settings as { cmlogs?: Partial<Settings> })?.cmlogs);
  for (const doc of documents.all()) publishDiagnostics(doc);
});

/** The logs of the opened folders are indexed in the background; features answer from what is there. */
async function indexWorkspaceFolders(): Promise<void> {
  for (const root of workspaceRoots) {
    const files = await workspace.scanWorkspaceFolder(root);
    for (const folder of new Set(files.map(dirname))) watchFolder(folder);
  }
}

async function refreshSettings(): Promise<void> {
  const pulled = (await connection.workspace.getConfiguration('cmlogs')) as Partial<Settings> | null;
  settings = mergeSettings(pulled ?? undefined);
}

function mergeSettings(partial: Partial<Settings> | undefined): Settings {
  return {
    diagnostics: { ...DEFAULT_SETTINGS.diagnostics, ...(partial?.diagnostics ?? {}) },
    timeDisplay: partial?.timeDisplay ?? DEFAULT_SETTINGS.timeDisplay,
  };
}

// ---- Documents ------------------------------------------------------------------------------------

const pendingDiagnostics = new Map<string, NodeJS.Timeout>();

documents.onDidOpen(async ({ document }) => {
  workspace.openDocument(uriToPath(document.uri), document.getText());
  publishDiagnostics(document);
  const file = uriToPath(document.uri);
  if (document.uri.startsWith('file:')) {
    await workspace.scanFolderOf(file);
    watchFolder(dirname(file));
  }
});

documents.onDidChangeContent(({ document }) => {
  workspace.updateDocument(uriToPath(document.uri), document.getText());
  clearTimeout(pendingDiagnostics.get(document.uri));
  pendingDiagnostics.set(document.uri, setTimeout(() => publishDiagnostics(document), 300));
});

documents.onDidClose(({ document }) => {
  workspace.closeDocument(uriToPath(document.uri));
  connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  void workspace.fileChanged(uriToPath(document.uri)); // the disk copy takes over
});

// Findings of the last diagnosis, by file: shown beside the per-record diagnostics.
let diagnosisByFile = new Map<string, Diagnostic[]>();

function publishDiagnostics(doc: TextDocument): void {
  const file = uriToPath(doc.uri);
  const result = workspace.index.file(file);
  if (!result) return;
  const records = documentDiagnostics(result.records, settings.diagnostics, lineLengthOf(doc));
  connection.sendDiagnostics({ uri: doc.uri, diagnostics: [...records, ...(diagnosisByFile.get(file) ?? [])] });
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

function lineLengthOf(doc: TextDocument): (line: number) => number {
  return (line) => {
    const start = doc.offsetAt({ line, character: 0 });
    const end = doc.offsetAt({ line, character: Number.MAX_SAFE_INTEGER });
    return end - start;
  };
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
      pendingFileEvents.set(file, setTimeout(() => void workspace.fileChanged(file).catch(() => workspace.fileDeleted(file)), 200));
    });
    watcher.on('error', () => watchers.delete(folder));
    watchers.set(folder, watcher);
  } catch {
    // A folder we cannot watch still works; it just does not follow growth.
  }
}

// ---- Features -------------------------------------------------------------------------------------

const recordsOf = (uri: string) => workspace.index.file(uriToPath(uri))?.records ?? new RecordTable(uriToPath(uri));

connection.onHover(({ textDocument, position }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return null;
  const lineText = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }).replace(/\r?\n$/, '');
  return hover(workspace.index, uriToPath(textDocument.uri), position, lineText, { timeDisplay: settings.timeDisplay });
});

connection.onDefinition(({ textDocument, position }) => definition(workspace.index, uriToPath(textDocument.uri), position) ?? null);
connection.onReferences(({ textDocument, position }) => references(workspace.index, uriToPath(textDocument.uri), position));
connection.onDocumentSymbol(({ textDocument }) => documentSymbols(recordsOf(textDocument.uri)));
connection.onWorkspaceSymbol(({ query }) => workspaceSymbols(workspace.index, query));
connection.onFoldingRanges(({ textDocument }) => foldingRanges(recordsOf(textDocument.uri)));
connection.onDocumentLinks(({ textDocument }) => documentLinks(uriToPath(textDocument.uri), recordsOf(textDocument.uri)));

connection.languages.semanticTokens.on(({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  return doc ? semanticTokens(recordsOf(textDocument.uri), lineLengthOf(doc)) : { data: [] };
});
connection.languages.semanticTokens.onRange(({ textDocument, range }) => {
  const doc = documents.get(textDocument.uri);
  return doc ? semanticTokens(recordsOf(textDocument.uri), lineLengthOf(doc), range.start.line, range.end.line) : { data: [] };
});

// ---- Product requests -----------------------------------------------------------------------------

connection.onRequest(Requests.fileStats, ({ uri }: FileStatsParams) => fileStats(workspace.index, uriToPath(uri)));
connection.onRequest(Requests.severityRanges, ({ uri }: FileStatsParams) => severityRanges(recordsOf(uri)));
connection.onRequest(Requests.lookup, ({ text }: { text: string }) => {
  const results = lookup(text.trim().split(/\s+/));
  return { results, text: formatLookup(results), unknown: results.some((r) => r.kind === 'unknown') };
});
connection.onRequest(Requests.related, ({ uri, position }: RelatedParams) => ({ key: keyAtPosition(workspace.index, uriToPath(uri), position)?.key ?? null }));
connection.onRequest(Requests.xmlAt, ({ uri, position }: RelatedParams) => xmlAt(workspace.index, uriToPath(uri), position));
connection.onRequest(Requests.indexFolder, async ({ path }: { path: string }) => {
  const added = await workspace.scanFolder(path);
  watchFolder(path);
  return { files: workspace.index.fileNames().filter((f) => dirname(f) === path).map(pathToUri), added: added.length };
});
connection.onRequest(Requests.diagnose, async ({ uris, folder }: DiagnoseParams) => {
  // A folder (ConfigMgr: Diagnose on a folder) is indexed first, subfolders too (one per machine): a fresh
  // folder is diagnosed, not reported as "no flow found".
  const folderFiles = folder ? listLogFiles([uriToPath(folder)]).files : [];
  for (const file of folderFiles) await workspace.ensureFile(file).catch(() => undefined);
  for (const uri of uris ?? []) await workspace.ensureFile(uriToPath(uri));
  const files = folder || uris?.length ? [...folderFiles, ...(uris ?? []).map(uriToPath)] : workspace.index.fileNames();
  const findings = await diagnoseOffThread(files, () => diagnose(files.flatMap((f) => workspace.index.file(f) ?? [])));
  publishDiagnosis(diagnosisDiagnostics(findings));
  return { markdown: diagnosisReport(findings, files), findings, files: files.map(pathToUri) };
});
// Files are read from disk here, whatever the editor syncs: VS Code never sends a document over 50 MB to the server.
// Their folders are watched so that the timeline follows them as they grow.
connection.onRequest(Requests.timeline, async (params: TimelineParams) => {
  for (const uri of params.uris ?? []) {
    const file = uriToPath(uri);
    await workspace.ensureFile(file);
    if (uri.startsWith('file:')) watchFolder(dirname(file));
  }
  for (const uri of params.folders ?? []) {
    if (!uri.startsWith('file:')) continue;
    const folder = uriToPath(uri);
    await workspace.logsInFolder(folder);
    watchFolder(folder);
  }
  return timelinePage(workspace.index, params);
});

documents.listen(connection);
connection.listen();
