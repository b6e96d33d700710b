// The real language server over stdio, driven by a JSON-RPC client: what an editor sees.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { positionOf, TestClient, uri, type Diagnostic } from './lspClient';
import { Requests, resolveRows, type TimelinePage } from '../../server/src/protocol';

const SAMPLES = resolve(__dirname, '../../samples');
const client = resolve(SAMPLES, 'client');
const WUAHANDLER = resolve(client, 'WUAHandler.log');
const SCANAGENT = resolve(client, 'ScanAgent.log');
const DEPLOYMENT = resolve(client, 'UpdatesDeployment.log');
const WSYNCMGR = resolve(SAMPLES, 'siteserver/WSyncMgr.log');
const MULTILINE = resolve(__dirname, '../fixtures/MultiLineError.log');
const UPDATE_SOURCE = 'C2D17964-BBDD-4339-B9F3-12D7205B39CC';

let lsp: TestClient;
interface Hover {
  contents: { kind: string; value: string };
}
interface Location {
  uri: string;
  range: { start: { line: number; character: number } };
}

before(async () => {
  // The samples are one scenario seen from a client and its site server: indexed whole at start, as the setting asks.
  lsp = new TestClient({ indexWorkspaceOnStartup: true });
  const init = (await lsp.initialize(SAMPLES)) as { capabilities: Record<string, unknown> };
  assert.ok(init.capabilities.hoverProvider);
  assert.ok(init.capabilities.semanticTokensProvider);
});
after(() => lsp.stop());

const hoverAt = (file: string, needle: string, delta = 1, nth = 0) =>
  lsp.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: uri(file) },
    position: positionOf(file, needle, delta, nth),
  });

test('diagnostics: the two 0x80244021 errors of WUAHandler.log, decoded', async () => {
  const docUri = await lsp.open(WUAHANDLER);
  const diagnostics = await lsp.diagnosticsFor(docUri);
  const errors = diagnostics.filter((d: Diagnostic) => d.severity === 1);
  assert.equal(errors.length, 2);
  for (const e of errors) {
    assert.equal(e.code, '0x80244021');
    assert.match(e.message, /WU_E_PT_HTTP_STATUS_BAD_GATEWAY/);
  }
  assert.equal(errors[0].range.start.line, positionOf(WUAHANDLER, '0x80244021').line);
});

test('hover on an HRESULT: names, message and the seed troubleshooting section', async () => {
  const hover = await hoverAt(WUAHANDLER, '0x80244021', 3);
  assert.ok(hover);
  assert.match(hover.contents.value, /0x80244021/);
  assert.match(hover.contents.value, /WU\\?_E\\?_PT\\?_HTTP\\?_STATUS\\?_BAD\\?_GATEWAY/);
  assert.match(hover.contents.value, /Scan fails with Proxy related errors/i);
});

test('hover on a STATMSG: ID 6702 decoded', async () => {
  await lsp.open(WSYNCMGR);
  const hover = await hoverAt(WSYNCMGR, 'ID=6702', 4);
  assert.ok(hover);
  assert.match(hover.contents.value, /Status message 6702/);
  assert.match(hover.contents.value, /WSUS Synchronization done/);
});

test('hover on a state message: TopicType = Enforce, StateName = ASSIGNMENT_ENFORCE_ADVANCE_DOWNLOAD_SUCCESS', async () => {
  await lsp.open(DEPLOYMENT);
  const hover = await hoverAt(DEPLOYMENT, 'TopicType = Enforce', 2);
  assert.ok(hover);
  assert.match(hover.contents.value, /TopicType \*\*301\*\*/);
  assert.match(hover.contents.value, /ASSIGNMENT\\?_ENFORCE\\?_ADVANCE\\?_DOWNLOAD\\?_SUCCESS/);
});

test('hover on a GUID: its kind and where else it occurs, counting files only on disk', async () => {
  await lsp.open(SCANAGENT);
  await lsp.waitIndexed([resolve(client, 'LocationServices.log'), resolve(SAMPLES, 'siteserver/WCM.log')]); // the workspace scan runs after initialized
  const hover = await hoverAt(SCANAGENT, UPDATE_SOURCE, 2);
  assert.ok(hover);
  assert.match(hover.contents.value, /UpdateSource/);
  assert.match(hover.contents.value, /LocationServices\.log/); // never opened: read from disk (same folder)
  assert.match(hover.contents.value, /WCM\.log/); // never opened: siteserver/, indexed with the workspace folder
  assert.match(hover.contents.value, /in \*\*[3-9]\*\* file/);
});

test('hover on the time of a record: UTC with the bias applied', async () => {
  const hover = await hoverAt(WUAHANDLER, 'time="09:12:07.989', 8);
  assert.ok(hover);
  assert.match(hover.contents.value, /2014-01-27T14:12:07\.989Z/);
  assert.match(hover.contents.value, /UTC-05:00/);
});

test('references: a GUID in files opened and files only on disk', async () => {
  const locations = await lsp.request<Location[]>('textDocument/references', {
    textDocument: { uri: uri(SCANAGENT) },
    position: positionOf(SCANAGENT, UPDATE_SOURCE, 2),
    context: { includeDeclaration: true },
  });
  const files = new Set(locations.map((l) => l.uri.split('/').pop()));
  for (const name of ['ScanAgent.log', 'LocationServices.log', 'WUAHandler.log', 'WSyncMgr.log'])
    assert.ok(files.has(name), `${name} in ${[...files]}`);
  const definition = await lsp.request<Location>('textDocument/definition', {
    textDocument: { uri: uri(SCANAGENT) },
    position: positionOf(SCANAGENT, UPDATE_SOURCE, 2),
  });
  assert.match(definition.uri, /siteserver\/WCM\.log$/); // WCM on the site server configured it first (1/16), long before the client saw it
});

test('semantic tokens cover every line of a multi-line error record', async () => {
  await lsp.open(MULTILINE);
  const tokens = await lsp.request<{ data: number[] }>('textDocument/semanticTokens/full', {
    textDocument: { uri: uri(MULTILINE) },
  });
  const decoded: Array<{ line: number; type: number }> = [];
  let line = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    line += tokens.data[i];
    decoded.push({ line, type: tokens.data[i + 3] });
  }
  assert.deepEqual(decoded, [
    { line: 1, type: 0 },
    { line: 2, type: 0 },
    { line: 3, type: 0 },
    { line: 4, type: 1 },
  ]);
});

test('document symbols, folding ranges and workspace symbols', async () => {
  const symbols = await lsp.request<Array<{ name: string; children?: unknown[] }>>('textDocument/documentSymbol', {
    textDocument: { uri: uri(WUAHANDLER) },
  });
  const component = symbols.find((s) => s.name.startsWith('WUAHandler'));
  assert.ok(component);
  assert.equal(component.children?.length, 2); // its two errors
  const folds = await lsp.request<Array<{ startLine: number; endLine: number }>>('textDocument/foldingRange', {
    textDocument: { uri: uri(MULTILINE) },
  });
  assert.deepEqual(
    folds.map((f) => [f.startLine, f.endLine]),
    [[1, 3]],
  );
  const workspaceSymbols = await lsp.request<Array<{ name: string }>>('workspace/symbol', { query: 'c2d17964' });
  assert.deepEqual(
    workspaceSymbols.map((s) => s.name),
    [`{${UPDATE_SOURCE.toLowerCase()}}`],
  );
});

test('timeline request merges a client and a site server in UTC', async () => {
  const page = await lsp.ask(Requests.timeline, { uris: [uri(WSYNCMGR), uri(SCANAGENT)], limit: 1000 });
  assert.ok(page.total > 100);
  const times = page.rows.map((r) => r.t ?? 0);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
  assert.deepEqual(
    page.files.map((f) => f.uri),
    [uri(WSYNCMGR), uri(SCANAGENT)],
    'the file table, in the order asked for',
  );
  assert.match(resolveRows(page)[0].file, /WSyncMgr\.log$/);
  assert.deepEqual(
    [...new Set(page.rows.map((r) => r.f))].sort(),
    [0, 1],
    'rows of both files, each naming its file by position',
  );
});

test('hover inside an XML payload shows it indented', async () => {
  const file = resolve(client, 'LocationServices.log');
  await lsp.open(file);
  const hover = await hoverAt(file, '<WSUSLocationReply', 3);
  assert.ok(hover);
  assert.match(hover.contents.value, /XML payload/);
  assert.match(hover.contents.value, /```xml\n<WSUSLocationReply/);
  assert.match(hover.contents.value, /\n {2}<Sites>/);
});

test('timeline of a folder: a log written into it later joins, a log that grows shows its new records', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cmlogs-folder-'));
  const line = (text: string, time: string) =>
    `<![LOG[${text}]LOG]!><time="${time}+000" date="12-03-2026" component="CAS" context="" type="1" thread="7" file="x.cpp">\r\n`;
  try {
    writeFileSync(join(folder, 'CAS.log'), line('Download started', '10:00:00.000'));
    const params = { folders: [uri(folder)], limit: 1000 };
    let page = await lsp.ask(Requests.timeline, params);
    assert.deepEqual([page.total, page.files.map((f) => f.uri)], [1, [uri(join(folder, 'CAS.log'))]]);
    writeFileSync(
      join(folder, 'ContentTransferManager.log'),
      line('CTM job {11111111-2222-3333-4444-555555555555} started', '10:00:01.000'),
    );
    page = await lsp.ask(Requests.timeline, params);
    assert.deepEqual(
      page.files.map((f) => f.uri.split('/').pop()),
      ['CAS.log', 'ContentTransferManager.log'],
      'the newcomer joined at the next request',
    );
    appendFileSync(join(folder, 'CAS.log'), line('Download done', '10:00:02.000'));
    const until = Date.now() + 5000;
    while ((page = await lsp.ask(Requests.timeline, params)).total < 3 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      resolveRows(page).map((r) => r.message),
      ['Download started', 'CTM job {11111111-2222-3333-4444-555555555555} started', 'Download done'],
      'the watched folder follows growth',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('time of a log with no zone: the hover says UTC is inferred from ccmsetup.log, or that there is none; a folder offset set by the user wins', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cmlogs-clock-'));
  const cm = (text: string, time: string, date: string, component: string) =>
    `<![LOG[${text}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="1" thread="4" file="">\r\n`;
  const ime = join(folder, 'IntuneManagementExtension.log');
  const lonely = mkdtempSync(join(tmpdir(), 'cmlogs-clock-lonely-'));
  const lonelyIme = join(lonely, 'IntuneManagementExtension.log');
  try {
    writeFileSync(
      ime,
      cm('[PowerShell] Launching ccmsetup.exe', '09:13:00.1234567', '5-19-2025', 'IntuneManagementExtension'),
    );
    writeFileSync(join(folder, 'ccmsetup.log'), cm('ccmsetup started', '09:14:00.000-60', '05-19-2025', 'ccmsetup'));
    writeFileSync(
      lonelyIme,
      cm('[PowerShell] Launching ccmsetup.exe', '09:13:00.1234567', '5-19-2025', 'IntuneManagementExtension'),
    );
    await lsp.open(ime);
    await lsp.open(lonelyIme);
    await lsp.ask(Requests.indexFolder, { path: folder }); // the folder scan an open log starts, awaited
    let hover = await hoverAt(ime, 'time="09:13', 8);
    assert.ok(hover);
    assert.match(hover.contents.value, /2025-05-19T08:13:00\.123Z/);
    // Outside the workspace folder (the samples): the source log's full path.
    assert.ok(hover.contents.value.includes(`inferred from \`${join(folder, 'ccmsetup.log')}\``), hover.contents.value);
    assert.match(hover.contents.value, /UTC\+01:00/);
    hover = await hoverAt(lonelyIme, 'time="09:13', 8);
    assert.ok(hover);
    assert.match(hover.contents.value, /2025-05-19 09:13:00\.1234567/);
    assert.match(hover.contents.value, /No UTC time/);
    assert.doesNotMatch(hover.contents.value, /09:13:00\.\d+Z/, 'local time never shown as UTC');
    let page = await lsp.ask(Requests.timeline, { folders: [uri(folder), uri(lonely)], limit: 100 });
    const byFile = (p: TimelinePage, dir: string) => p.rows.filter((r) => p.files[r.f].file.startsWith(dir));
    assert.deepEqual(
      byFile(page, folder).map((r) => [r.t, r.clock]),
      [
        [
          Date.UTC(2025, 4, 19, 8, 13, 0, 123),
          // Relative to the folder of the timeline's logs (both temporary folders are in the same one).
          { kind: 'inferred', from: join(basename(folder), 'ccmsetup.log'), bias: -60 },
        ],
        [Date.UTC(2025, 4, 19, 8, 14), undefined],
      ],
    );
    assert.deepEqual(
      byFile(page, lonely).map((r) => [r.t, r.clock, r.local]),
      [[null, { kind: 'local' }, '2025-05-19T09:13:00.1234567']],
    );
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { cmlogs: { folderOffsets: { [lonely]: 'UTC+02:00' } } },
    });
    hover = await hoverAt(lonelyIme, 'time="09:13', 8);
    assert.match(hover!.contents.value, /2025-05-19T07:13:00\.123Z/);
    assert.match(hover!.contents.value, /set for this folder/);
    page = await lsp.ask(Requests.timeline, { folders: [uri(folder), uri(lonely)], limit: 100 });
    assert.deepEqual(
      byFile(page, lonely).map((r) => [r.t, r.clock]),
      [[Date.UTC(2025, 4, 19, 7, 13, 0, 123), { kind: 'user', bias: -120 }]],
    );
  } finally {
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: { cmlogs: {} } });
    rmSync(folder, { recursive: true, force: true });
    rmSync(lonely, { recursive: true, force: true });
  }
});
