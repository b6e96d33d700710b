// A small fake of the `vscode` API, enough to run the client's timeline panel and commands in plain Node: they
// cannot run outside VS Code otherwise. Importing this module routes `require('vscode')` to the fake made last by
// useFake(); each test makes its own.

export interface Posted {
  type: string;
  [k: string]: unknown;
}

/** What a file looks like to `workspace.fs.stat`. */
export interface FakeStat {
  size: number;
  folder?: boolean;
}

export function fakeVscode() {
  const listeners = {
    message: [] as Array<(m: unknown) => unknown>,
    dispose: [] as Array<() => void>,
    change: [] as Array<(e: unknown) => void>,
    viewState: [] as Array<() => void>,
    configuration: [] as Array<(e: { affectsConfiguration(section: string): boolean }) => void>,
  };
  /** User settings by full name ("cmlogs.timeDisplay"). */
  const settings = new Map<string, unknown>();
  const calls = {
    shown: [] as Array<{ uri: string; options: Record<string, unknown> }>,
    commands: [] as unknown[][],
    warnings: [] as string[],
    infos: [] as string[],
    saveTarget: '',
    openTarget: '',
    fileTexts: new Map<string, string>(),
  };
  const posted: Posted[] = [];
  const state = new Map<string, unknown>();
  const globalState = new Map<string, unknown>();
  /** Files by path, for `workspace.fs.stat`. */
  const files = new Map<string, FakeStat>();
  /** URIs VS Code keeps from extensions (over 50 MB): showTextDocument refuses them, as VS Code does. */
  const withheld = new Set<string>();
  /** Commands registered by the extension, by id. */
  const registered = new Map<string, (...args: unknown[]) => unknown>();
  const disposable = { dispose() {} };
  class Uri {
    constructor(
      readonly scheme: string,
      readonly path: string,
      private readonly text: string,
    ) {}
    get fsPath() {
      return this.path;
    }
    toString() {
      return this.text;
    }
    static parse(text: string) {
      return new Uri(text.split(':')[0], text.replace(/^file:\/\//, ''), text);
    }
    static file(path: string) {
      return new Uri('file', path, 'file://' + path);
    }
    static joinPath(base: Uri, ...parts: string[]) {
      return Uri.file([base.path, ...parts].join('/'));
    }
  }
  class Position {
    constructor(
      readonly line: number,
      readonly character: number,
    ) {}
  }
  class Range {
    readonly start: Position;
    readonly end: Position;
    constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
      this.start = typeof a === 'number' ? new Position(a, b as number) : a;
      this.end = typeof a === 'number' ? new Position(c!, d!) : (b as Position);
    }
  }
  class Selection extends Range {}
  class TabInputText {
    constructor(readonly uri: Uri) {}
  }
  class EventEmitter {
    readonly event = () => disposable;
    fire() {}
    dispose() {}
  }
  const tabGroup = { tabs: [] as Array<{ input: unknown }>, activeTab: undefined as { input: unknown } | undefined };
  /** Opens a tab for `uri` (an editor VS Code shows, with or without a document for extensions) and makes it active. */
  const openTab = (uri: Uri) => {
    const tab = { input: new TabInputText(uri) };
    tabGroup.tabs.push(tab);
    tabGroup.activeTab = tab;
  };
  let panelOptions: Record<string, unknown> = {};
  const panel = {
    title: '',
    visible: true,
    viewColumn: 1,
    webview: {
      html: '',
      cspSource: 'vscode-webview-resource:',
      asWebviewUri: (u: Uri) => u,
      postMessage: async (m: Posted) => (posted.push(JSON.parse(JSON.stringify(m))), true),
      onDidReceiveMessage: (cb: (m: unknown) => unknown) => (listeners.message.push(cb), disposable),
    },
    onDidChangeViewState: (cb: () => void) => (listeners.viewState.push(cb), disposable),
    onDidDispose: (cb: () => void) => (listeners.dispose.push(cb), disposable),
    reveal() {},
  };
  const vscode = {
    Uri,
    Position,
    Range,
    Selection,
    TabInputText,
    EventEmitter,
    FileType: { File: 1, Directory: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    ProgressLocation: { Notification: 15, Window: 10 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ThemeIcon: class {
      constructor(
        readonly id: string,
        readonly color?: unknown,
      ) {}
    },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    env: { clipboard: { writeText: async (text: string) => void calls.infos.push(`clipboard: ${text}`) } },
    window: {
      activeTextEditor: undefined as unknown,
      visibleTextEditors: [],
      tabGroups: { all: [tabGroup], activeTabGroup: tabGroup },
      createWebviewPanel: (_type: string, title: string, _show: unknown, options: Record<string, unknown>) => (
        (panel.title = title),
        (panelOptions = options),
        panel
      ),
      showTextDocument: async (uri: Uri, options: Record<string, unknown>) => {
        if (withheld.has(uri.toString())) throw new Error('Files above 50MB cannot be synchronized with extensions.');
        calls.shown.push({ uri: uri.toString(), options });
        const document = {
          uri,
          lineCount: 10_000,
          lineAt: (n: number) => ({ text: 'x'.repeat(n % 7), range: { end: new Position(n, n % 7) } }),
        };
        return { document, selection: null as unknown, revealRange() {} };
      },
      showSaveDialog: async () => Uri.file(calls.saveTarget),
      showOpenDialog: async () => (calls.openTarget ? [Uri.file(calls.openTarget)] : undefined),
      showErrorMessage: async (text: string) => void calls.warnings.push(text),
      withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) =>
        task({ report() {} }, { isCancellationRequested: false }),
      showWarningMessage: async (text: string) => void calls.warnings.push(text),
      showInformationMessage: async (text: string) => void calls.infos.push(text),
      registerWebviewViewProvider: () => disposable,
      createTreeView: () => ({ ...disposable, title: '', message: undefined as string | undefined }),
      setStatusBarMessage: () => disposable,
      /** Picks the first item (the timeline entry of Open Log Folder). */
      showQuickPick: async <T>(items: T[]) => items[0],
    },
    workspace: {
      workspaceFolders: undefined,
      textDocuments: [] as Array<{ uri: Uri; languageId: string }>,
      onDidChangeTextDocument: (cb: (e: unknown) => void) => (listeners.change.push(cb), disposable),
      onDidOpenTextDocument: () => disposable,
      onDidChangeConfiguration: (cb: (e: { affectsConfiguration(section: string): boolean }) => void) => (
        listeners.configuration.push(cb),
        disposable
      ),
      getConfiguration: (section: string) => ({
        get: (name: string, fallback?: unknown) => settings.get(`${section}.${name}`) ?? fallback,
        update: async (name: string, value: unknown) => {
          settings.set(`${section}.${name}`, value);
          for (const l of listeners.configuration)
            l({ affectsConfiguration: (s: string) => `${section}.${name}`.startsWith(s) });
        },
      }),
      registerTextDocumentContentProvider: () => disposable,
      fs: {
        writeFile: async () => undefined,
        readFile: async (uri: Uri) => new TextEncoder().encode(calls.fileTexts.get(uri.path) ?? ''),
        stat: async (uri: Uri) => {
          const f = files.get(uri.path);
          if (!f) throw new Error(`ENOENT ${uri.path}`);
          return { type: f.folder ? 2 : 1, size: f.size };
        },
        readDirectory: async (uri: Uri) => {
          if (!files.get(uri.path)?.folder) throw new Error(`ENOTDIR ${uri.path}`);
          return [...files]
            .filter(([path]) => path.slice(0, path.lastIndexOf('/')) === uri.path)
            .map(([path, f]) => [path.slice(path.lastIndexOf('/') + 1), f.folder ? 2 : 1]);
        },
      },
    },
    commands: {
      executeCommand: async (...args: unknown[]) => void calls.commands.push(args),
      registerCommand: (id: string, run: (...args: unknown[]) => unknown) => (registered.set(id, run), disposable),
    },
  };
  const context = {
    extensionUri: Uri.file('/ext'),
    subscriptions: [] as unknown[],
    workspaceState: { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v) },
    globalState: {
      get: (k: string) => globalState.get(k),
      update: async (k: string, v: unknown) => void globalState.set(k, v),
    },
  };
  const send = async (m: unknown) => {
    for (const l of listeners.message) await l(m);
  };
  return {
    vscode,
    context,
    panel,
    posted,
    calls,
    state,
    globalState,
    settings,
    files,
    withheld,
    registered,
    listeners,
    openTab,
    send,
    panelOptions: () => panelOptions,
    close: () => listeners.dispose.forEach((l) => l()),
  };
}

export type FakeVscode = ReturnType<typeof fakeVscode>;

let active: FakeVscode = fakeVscode();

/** Makes `fake` what `require('vscode')` answers from now on; returns it. */
export function useFake(fake: FakeVscode): FakeVscode {
  active = fake;
  return fake;
}

{
  // Route `require('vscode')` to whichever fake the current test made.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode-fake' : resolve.call(this, request, ...rest);
  };
  const current = () => active.vscode as unknown as Record<string | symbol, unknown>;
  const proxy = new Proxy(
    {},
    {
      get: (_t, name) => current()[name],
      has: (_t, name) => name in current(),
      ownKeys: () => Reflect.ownKeys(current()),
      getOwnPropertyDescriptor: (_t, name) =>
        name in current() ? { configurable: true, enumerable: true, get: () => current()[name] } : undefined,
    },
  );
  require.cache['vscode-fake'] = {
    id: 'vscode-fake',
    filename: 'vscode-fake',
    loaded: true,
    exports: proxy,
  } as unknown as NodeJS.Module;
}
