// Logs read-only by default (client/src/readOnlyLogs.ts) in plain Node, over the fake `vscode` of test/support with
// the events this module listens to. VS Code's "read-only in session" command acts on the workbench's active
// tab, so the fake records which tab was active when each command ran: a lock that landed on another editor (a
// webview with focus, a tab switched meanwhile) is a lock that did not happen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeVscode, useFake } from '../support/fakeVscode';

const { registerReadOnlyLogs } =
  require('../../client/src/readOnlyLogs') as typeof import('../../client/src/readOnlyLogs');

const READONLY = 'workbench.action.files.setActiveEditorReadonlyInSession';
const WRITEABLE = 'workbench.action.files.setActiveEditorWriteableInSession';

type Listener = (e?: unknown) => void;

function setup() {
  const fake = useFake(fakeVscode());
  const { vscode } = fake as unknown as { vscode: any };
  const on: Record<string, Listener[]> = {};
  const event = (name: string) => (cb: Listener) => ((on[name] ??= []).push(cb), { dispose() {} });
  const fire = async (name: string, e?: unknown) => {
    for (const cb of on[name] ?? []) cb(e);
    await new Promise((r) => setTimeout(r, 5)); // the module queues its work
  };
  const group = vscode.window.tabGroups.activeTabGroup;
  const webviewTab = { input: { viewType: 'cmlogs.timeline' } };
  /** What the workbench's session holds per URI, and the commands as the workbench saw them. */
  const session = new Map<string, boolean>();
  const ran: Array<{ command: string; on: string }> = [];
  let duringCommand: (() => void) | undefined;
  const activeUri = () => (group.activeTab?.input instanceof vscode.TabInputText ? group.activeTab.input.uri : null);
  const documents = new Map<string, any>();
  const doc = (path: string, languageId = 'cmlog') => {
    const document = { uri: vscode.Uri.file(path), languageId, isDirty: false, edits: 0 };
    documents.set(document.uri.toString(), document);
    vscode.workspace.textDocuments.push(document);
    return document;
  };
  vscode.commands.executeCommand = async (command: string) => {
    // (a tab switch still in flight when the command reaches the workbench)
    duringCommand?.();
    duringCommand = undefined;
    const uri = activeUri();
    ran.push({ command, on: uri ? uri.path : 'webview' });
    if (!uri) return;
    if (command === READONLY) session.set(uri.toString(), true);
    if (command === WRITEABLE) session.set(uri.toString(), false);
    if (command === 'undo') {
      const d = documents.get(uri.toString());
      if (d && !session.get(uri.toString()) && d.edits > 0) d.isDirty = --d.edits > 0;
    }
  };
  vscode.window.tabGroups.onDidChangeTabs = event('tabs');
  vscode.window.tabGroups.onDidChangeTabGroups = event('groups');
  vscode.window.onDidChangeActiveTextEditor = event('activeEditor');
  vscode.window.onDidChangeTextEditorSelection = event('selection');
  vscode.workspace.onDidOpenTextDocument = event('open');
  vscode.workspace.onDidChangeTextDocument = event('change');
  vscode.workspace.onDidChangeConfiguration = event('configuration');
  const activate = async (document: any) => {
    fake.openTab(document.uri);
    vscode.window.activeTextEditor = { document };
    await fire('tabs');
  };
  const showWebview = async () => {
    group.activeTab = webviewTab;
    await fire('tabs');
  };
  /** A keystroke that reached the document: the workbench refuses it when the log is locked. */
  const type = async (document: any) => {
    if (session.get(document.uri.toString())) return false;
    document.edits++;
    document.isDirty = true;
    await fire('change', { document, contentChanges: [{ text: 'x' }] });
    return true;
  };
  const setReadOnly = async (value: boolean) => {
    fake.settings.set('cmlogs.readOnly', value);
    await fire('configuration', { affectsConfiguration: (s: string) => 'cmlogs.readOnly'.startsWith(s) });
  };
  registerReadOnlyLogs(fake.context as never);
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return {
    vscode,
    fire,
    doc,
    activate,
    showWebview,
    type,
    setReadOnly,
    session,
    ran,
    settle,
    onNextCommand: (f: () => void) => (duringCommand = f),
    group,
  };
}

test('a log shown while a webview keeps the focus is not locked through the webview; it is locked when its tab becomes active', async () => {
  const t = setup();
  const cas = t.doc('/logs/CAS.log');
  // The timeline reveals the log but keeps the focus: the ext host's active editor is the log, the workbench's
  // active tab the webview.
  await t.showWebview();
  t.vscode.window.activeTextEditor = { document: cas };
  await t.fire('activeEditor', { document: cas });
  assert.deepEqual(
    t.ran.filter((r) => r.on === 'webview'),
    [],
    'no command may run while the workbench shows the webview',
  );
  await t.activate(cas);
  await t.settle();
  assert.equal(t.session.get(cas.uri.toString()), true);
  assert.equal(await t.type(cas), false, 'the keystroke is refused');
  const runs = t.ran.length;
  await t.fire('selection');
  await t.activate(cas);
  assert.equal(t.ran.length, runs, 'locked once, not at every activation');
});

test('a lock whose tab was switched away while the command ran is not remembered, and is done again on return', async () => {
  const t = setup();
  const cas = t.doc('/logs/CAS.log');
  const other = t.doc('/logs/WCM.log');
  t.onNextCommand(() => (t.group.activeTab = { input: new t.vscode.TabInputText(other.uri) }));
  await t.activate(cas);
  await t.settle();
  assert.equal(t.session.get(cas.uri.toString()), undefined);
  assert.ok(
    t.ran.length && t.ran.every((r) => r.on === '/logs/WCM.log'),
    `the command landed on WCM.log: ${JSON.stringify(t.ran)}`,
  );
  await t.activate(cas);
  await t.settle();
  assert.equal(t.session.get(cas.uri.toString()), true);
});

test('only logs: plain text files and untitled documents are never touched', async () => {
  const t = setup();
  await t.activate(t.doc('/src/notes.txt', 'plaintext'));
  await t.settle();
  assert.deepEqual(t.ran, []);
});

test('a keystroke that beat the lock is undone: the log is clean and locked', async () => {
  const t = setup();
  const cas = t.doc('/logs/CAS.log');
  // The edit reaches the ext host before the tab activation does (a click and a key within milliseconds).
  t.group.activeTab = { input: new t.vscode.TabInputText(cas.uri) };
  t.vscode.window.activeTextEditor = { document: cas };
  cas.edits = 1;
  cas.isDirty = true;
  await t.fire('change', { document: cas, contentChanges: [{ text: 'x' }] });
  await t.settle();
  assert.equal(cas.isDirty, false);
  assert.equal(t.session.get(cas.uri.toString()), true);
  assert.deepEqual(
    t.ran.map((r) => r.command),
    [READONLY, WRITEABLE, 'undo', READONLY],
  );
});

test('a log reloaded from disk (clean) and a log the user edits with readOnly off are left alone', async () => {
  const t = setup();
  const cas = t.doc('/logs/CAS.log');
  await t.activate(cas);
  await t.settle();
  t.ran.length = 0;
  await t.fire('change', { document: cas, contentChanges: [{ text: 'new record' }] }); // clean: reloaded
  await t.setReadOnly(false);
  await t.settle();
  assert.deepEqual(
    t.ran.map((r) => r.command),
    [WRITEABLE],
    'the active log this session locked is made writeable',
  );
  assert.equal(await t.type(cas), true);
  await t.settle();
  assert.equal(cas.isDirty, true, 'the user’s edit stays');
  assert.deepEqual(
    t.ran.map((r) => r.command),
    [WRITEABLE],
  );
});

test('readOnly off: a log never locked is not "unlocked" (a file made read-only some other way stays so); on again locks it', async () => {
  const t = setup();
  await t.setReadOnly(false);
  const wcm = t.doc('/logs/WCM.log');
  await t.activate(wcm);
  await t.settle();
  assert.deepEqual(t.ran, []);
  await t.setReadOnly(true);
  await t.settle();
  assert.equal(t.session.get(wcm.uri.toString()), true);
});
