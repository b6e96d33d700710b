// Every contributed command runs in the real workbench and opens what it should.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const vscode = require('vscode');
const {
  SAMPLES,
  activate,
  closeAllEditors,
  describeTabs,
  eventually,
  open,
  positionOf,
  sample,
  sleep,
  webviewTabs,
} = require('./helpers');

const UPDATE_SOURCE = 'C2D17964-BBDD-4339-B9F3-12D7205B39CC';

describe('commands', function () {
  let ext;
  before(async () => {
    await open(sample('client/WUAHandler.log'));
    ({ ext } = await activate());
  });
  afterEach(closeAllEditors);

  it('every command in contributes.commands is registered', async () => {
    const contributed = ext.packageJSON.contributes.commands.map((c) => c.command);
    for (const id of [
      'cmlogs.lookupCode',
      'cmlogs.openLogFolder',
      'cmlogs.showRelated',
      'cmlogs.openTimeline',
      'cmlogs.openInTimeline',
      'cmlogs.diagnose',
      'cmlogs.showXml',
    ]) {
      assert.ok(contributed.includes(id), `${id} is not contributed`);
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('Look Up Error Code (cmlogs.lookupCode "0x80244021 statmsg 6702") answers in the one Error Lookup view, not in a new editor', async () => {
    const editorsBefore = vscode.window.visibleTextEditors.length;
    const answer = await vscode.commands.executeCommand('cmlogs.lookupCode', '0x80244021 statmsg 6702');
    assert.match(answer.text, /0x80244021/);
    assert.match(answer.text, /WU_E_PT_HTTP_STATUS_BAD_GATEWAY/);
    assert.match(answer.text, /WSUS Synchronization done/i);
    await vscode.commands.executeCommand('cmlogs.lookupCode', '0x87D00215');
    assert.equal(vscode.window.visibleTextEditors.length, editorsBefore, 'no editor column per lookup');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'cmlogs'), 'no lookup document');
  });

  it('Open Timeline (cmlogs.openTimeline with two logs) opens the "ConfigMgr Timeline" webview', async () => {
    const uris = [sample('client/WUAHandler.log'), sample('client/ScanAgent.log')].map((f) => vscode.Uri.file(f));
    await vscode.commands.executeCommand('cmlogs.openTimeline', uris[0], uris);
    const tab = await eventually(
      () => {
        const t = webviewTabs().find((x) => x.label === 'ConfigMgr Timeline');
        assert.ok(t, `no webview tab "ConfigMgr Timeline" among ${describeTabs()}`);
        return t;
      },
      { timeout: 15000 },
    );
    assert.match(tab.input.viewType, /cmlogs\.timeline/);
  });

  it('the Explorer item for logs and folders is "ConfigMgr: Open in Timeline", not VS Code\'s own "Open Timeline"', () => {
    const { commands, menus } = ext.packageJSON.contributes;
    const titleOf = (id) => {
      const c = commands.find((x) => x.command === id);
      return c.category ? `${c.category}: ${c.title}` : c.title;
    };
    const explorer = menus['explorer/context'].filter((m) => /timeline/i.test(titleOf(m.command)));
    assert.deepEqual(
      explorer.map((m) => titleOf(m.command)),
      ['ConfigMgr: Open in Timeline'],
      'menus show the title without its category',
    );
    assert.match(explorer[0].when, /explorerResourceIsFolder/);
    assert.match(explorer[0].when, /lo_/);
    assert.ok(
      menus.commandPalette.some((m) => m.command === 'cmlogs.openInTimeline' && m.when === 'false'),
      'the palette keeps only "ConfigMgr: Open Timeline"',
    );
  });

  it('Open in Timeline on a folder (cmlogs.openInTimeline samples/client) opens "Timeline: client" with the logs in it', async () => {
    const panel = await vscode.commands.executeCommand('cmlogs.openInTimeline', vscode.Uri.file(sample('client')));
    assert.ok(panel, 'a webview panel is returned');
    assert.equal(panel.title, 'Timeline: client');
    await eventually(
      () =>
        assert.ok(
          webviewTabs().some((x) => x.label === 'Timeline: client'),
          `tabs: ${describeTabs()}`,
        ),
      { timeout: 15000 },
    );
  });

  it('Show Related Events (cmlogs.showRelated, cursor on a GUID) opens the timeline for that GUID', async () => {
    const doc = await open(sample('client/ScanAgent.log'));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor.document, doc);
    const at = positionOf(doc, UPDATE_SOURCE, 5);
    editor.selection = new vscode.Selection(at, at);
    // the server answers `related` only once it has the document: retry until a timeline tab appears
    await eventually(
      async () => {
        await vscode.commands.executeCommand('cmlogs.showRelated');
        const t = webviewTabs().find((x) => /timeline/i.test(x.label) && new RegExp(UPDATE_SOURCE, 'i').test(x.label));
        assert.ok(t, `no "Timeline: ${UPDATE_SOURCE}" webview tab among ${describeTabs()}`);
      },
      { timeout: 20000, interval: 500 },
    );
  });

  it('Diagnose (cmlogs.diagnose WSyncMgr.log) fills the Diagnosis view: a broken synchronization, no editor opened', async () => {
    const result = await vscode.commands.executeCommand(
      'cmlogs.diagnose',
      vscode.Uri.file(sample('siteserver/WSyncMgr.log')),
    );
    assert.ok(result && Array.isArray(result.findings), 'the findings are returned');
    const syncs = result.findings.filter((f) => /Software updates synchronization/.test(f.title));
    assert.ok(syncs.length, result.findings.map((f) => f.title).join(', '));
    assert.ok(
      syncs.some((f) => f.status === 'broken'),
      syncs.map((f) => `${f.key}: ${f.status}`).join(', '),
    );
    assert.match(result.markdown, /WSUS server not configured/);
    assert.ok(
      !vscode.window.visibleTextEditors.some((e) => e.document.languageId === 'markdown'),
      'no markdown report editor',
    );
    assert.ok(!webviewTabs().some((t) => /markdown\.preview/.test(t.input.viewType)), 'no markdown preview');
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['cmlogs.diagnosis.rerun', 'cmlogs.diagnosis.export', 'cmlogs.diagnosis.focus'])
      assert.ok(registered.has(id), id);
  });

  it('Diagnose on a folder (samples/siteserver) indexes it first, then finds its flows', async () => {
    const result = await vscode.commands.executeCommand('cmlogs.diagnose', vscode.Uri.file(sample('siteserver')));
    assert.ok(result.findings.length > 0, 'flows found on a folder never opened before');
    assert.ok(result.findings.some((f) => f.steps.some((s) => s.file && s.file.endsWith('WSyncMgr.log'))));
  });

  it('Diagnose on a folder whose logs are only in subfolders (samples/) reads them, and only them', async () => {
    const result = await vscode.commands.executeCommand('cmlogs.diagnose', vscode.Uri.file(SAMPLES));
    const files = result.files.map((u) => vscode.Uri.parse(u).fsPath);
    assert.ok(
      files.some((f) => f.endsWith(path.join('client', 'WUAHandler.log'))),
      files.join(', '),
    );
    assert.ok(
      files.every((f) => f.startsWith(SAMPLES + path.sep)),
      files.join(', '),
    );
    assert.ok(
      result.findings.some((f) => f.flow === 'scan'),
      'the scan of samples/client is diagnosed',
    );
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cmlogs-empty-'));
    try {
      const none = await vscode.commands.executeCommand('cmlogs.diagnose', vscode.Uri.file(empty));
      assert.deepEqual([none.files.length, none.findings.length], [0, 0], 'an empty folder is not every known log');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('Show XML Payload (cmlogs.showXml, cursor on a WSUSLocationRequest) opens the XML', async () => {
    const doc = await open(sample('client/LocationServices.log'));
    const editor = vscode.window.activeTextEditor;
    const at = positionOf(doc, '<WSUSLocationRequest', 3);
    editor.selection = new vscode.Selection(at, at);
    const xml = await eventually(
      async () => {
        await vscode.commands.executeCommand('cmlogs.showXml');
        const d = vscode.workspace.textDocuments.find(
          (x) => x.languageId === 'xml' && x.getText().includes('WSUSLocationRequest'),
        );
        assert.ok(d, 'no XML document opened');
        return d;
      },
      { timeout: 20000, interval: 500 },
    );
    assert.match(xml.getText(), /<WSUSLocationRequest[\s\S]*C2D17964/);
  });

  it('Open Log Folder (cmlogs.openLogFolder samples/client) indexes the folder and offers its logs', async () => {
    const running = vscode.commands.executeCommand(
      'cmlogs.openLogFolder',
      vscode.Uri.file(path.join(SAMPLES, 'client')),
    );
    // the command waits in a quick pick; dismiss it once it is up
    let files;
    for (let i = 0; i < 60 && files === undefined; i++) {
      await sleep(500);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      files = await Promise.race([running, sleep(10).then(() => undefined)]);
    }
    files = files ?? (await running);
    assert.ok(Array.isArray(files), `the command returns the indexed logs, got ${JSON.stringify(files)}`);
    const names = files.map((u) => path.basename(vscode.Uri.parse(u).fsPath));
    assert.ok(
      names.includes('WUAHandler.log') && names.includes('WUAHandler.lo_') && names.includes('ScanAgent.log'),
      JSON.stringify(names),
    );
  });

  it('Look Up Error Code decodes a ConfigMgr code: 0x87D00215 → Item not found', async () => {
    const answer = await vscode.commands.executeCommand('cmlogs.lookupCode', '0x87D00215');
    assert.match(answer.text, /Item not found/i);
  });
});
