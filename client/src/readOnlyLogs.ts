// Logs open read-only (CMTrace is a viewer: a stray keystroke must not become a record), unless the user allows
// editing with `cmlogs.readOnly: false`.
//
// VS Code has no per-language read-only setting, and extensions cannot mark a document read-only; the only tool
// is the "read-only in session" command, and it acts on the workbench's ACTIVE editor (its arguments are
// ignored). `vscode.window.activeTextEditor` is not that editor: when a webview (the timeline) or a view keeps
// focus, the ext host's active text editor is the log while the workbench's active editor is something else, and
// the command used to lock nothing (and was never run again). So the log is locked when the workbench's active
// tab (`tabGroups.activeTabGroup.activeTab`, the main thread's view) is its tab, which is true before anyone can
// type into it: a log opened in the background gets locked the moment it is clicked, focused or shown.
// A keystroke that still lands before the lock (a click and a key within a few milliseconds) is undone.
import * as vscode from 'vscode';
import { trace } from './trace';

const SET_READONLY = 'workbench.action.files.setActiveEditorReadonlyInSession';
const SET_WRITEABLE = 'workbench.action.files.setActiveEditorWriteableInSession';

/** The URI of the workbench's active tab when it is a text file, else undefined. */
function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText ? input.uri : undefined;
}

function isLog(document: vscode.TextDocument | undefined): document is vscode.TextDocument {
  return !!document && document.languageId === 'cmlog' && document.uri.scheme === 'file';
}

export function registerReadOnlyLogs(context: vscode.ExtensionContext): void {
  /** What this session set for each log (true: read-only). A log the user toggled back is not fought over. */
  const set = new Map<string, boolean>();
  /** Logs typed into before they were locked (a keystroke that raced the lock), with how many changes. */
  const strayEdits = new Map<string, number>();
  const enabled = () => vscode.workspace.getConfiguration('cmlogs').get<boolean>('readOnly', true);
  const run = (command: string) => vscode.commands.executeCommand(command).then(undefined, () => undefined);
  const documentOf = (uri: vscode.Uri) =>
    vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());

  /** Locks (or, with readOnly off, unlocks) the active tab's log; run again on every change of tab or focus. */
  const sync = async () => {
    const uri = activeTabUri();
    const document = uri && documentOf(uri);
    if (!uri || !isLog(document)) return;
    const key = uri.toString();
    const want = enabled();
    if (!want) strayEdits.delete(key);
    if (set.get(key) === want && !strayEdits.has(key)) return;
    // Unlock only what this session locked: a log made read-only some other way stays so.
    if (!want && !set.has(key)) return;
    trace('read-only-command', { want });
    await run(want ? SET_READONLY : SET_WRITEABLE);
    trace('read-only-command-done', { want });
    // The command acted on whatever was active when it ran: remembered only if that was still this log.
    if (activeTabUri()?.toString() !== key) return;
    set.set(key, want);
    if (want && strayEdits.has(key)) await undoStrayEdits(document);
    else strayEdits.delete(key);
  };

  /** Undoes the keystrokes that raced the lock (the log is clean again), then locks it again. */
  const undoStrayEdits = async (document: vscode.TextDocument) => {
    let undos = strayEdits.get(document.uri.toString()) ?? 0;
    strayEdits.delete(document.uri.toString());
    const focused = () => vscode.window.activeTextEditor?.document === document;
    if (!document.isDirty || !focused()) return;
    await run(SET_WRITEABLE); // `undo` is refused in a read-only editor
    while (undos-- > 0 && document.isDirty && focused()) await run('undo');
    await run(SET_READONLY);
  };

  let queue = Promise.resolve();
  const soon = () => void (queue = queue.then(sync, () => undefined));
  const onEdit = (e: vscode.TextDocumentChangeEvent) => {
    // A log that changed on disk is reloaded, not edited: it stays clean. A log this session already locked or
    // made writeable is edited by its user (who toggled it) or not at all. Any other edit of a log, while logs
    // are read-only, is a keystroke that beat the lock.
    if (!isLog(e.document) || !e.contentChanges.length || !e.document.isDirty || !enabled()) return;
    const key = e.document.uri.toString();
    if (set.has(key)) return;
    strayEdits.set(key, (strayEdits.get(key) ?? 0) + 1);
    soon();
  };

  context.subscriptions.push(
    vscode.window.tabGroups.onDidChangeTabs(soon),
    vscode.window.tabGroups.onDidChangeTabGroups(soon),
    vscode.window.onDidChangeActiveTextEditor(soon),
    vscode.window.onDidChangeTextEditorSelection(soon),
    // A document whose language is set after it opened (detectLanguage.ts) becomes a log then.
    vscode.workspace.onDidOpenTextDocument(soon),
    vscode.workspace.onDidChangeTextDocument(onEdit),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('cmlogs.readOnly') && soon()),
  );
  soon();
}
