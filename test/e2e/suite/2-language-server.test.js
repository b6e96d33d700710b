// What the language server gives the editor, through the real VS Code API: hover, references, diagnostics,
// semantic tokens and the outline.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');
const { activate, closeAllEditors, eventually, hoverUntil, mdWord, open, positionOf, sample } = require('./helpers');

const UPDATE_SOURCE = 'C2D17964-BBDD-4339-B9F3-12D7205B39CC';

describe('language server features', function () {
  let wua;
  before(async () => {
    wua = await open(sample('client/WUAHandler.log'));
    await activate();
  });
  after(closeAllEditors);

  describe('hover', () => {
    it('decodes an HRESULT: 0x80244021 → WU_E_PT_HTTP_STATUS_BAD_GATEWAY', async () => {
      const text = await hoverUntil(wua, '0x80244021', [/0x80244021/, mdWord('WU_E_PT_HTTP_STATUS_BAD_GATEWAY')], {
        delta: 3,
      });
      assert.match(text, /gateway|proxy|502/i, 'the hover explains the code');
    });

    it('decodes a STATMSG line: ID=6702 → "WSUS Synchronization done"', async () => {
      const doc = await open(sample('siteserver/WSyncMgr.log'));
      await hoverUntil(doc, 'ID=6702', [/6702/, /WSUS Synchronization done/i], { delta: 4 });
    });

    it('decodes a state message: StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT (TopicType 301, state 5)', async () => {
      const doc = await open(sample('client/UpdatesDeployment.log'));
      await hoverUntil(
        doc,
        'StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT',
        [mdWord('ASSIGNMENT_ENFORCE_PENDING_REBOOT'), /301/],
        { delta: 14 },
      );
    });

    it('decodes a state message: TopicType 500 (software update detection) in StateMessage.log (UTF-16)', async () => {
      const doc = await open(sample('client/StateMessage.log'));
      await hoverUntil(doc, 'TopicType 500', [/500/, /detection|STATE_TOPICTYPE_SUM_UPDATE_DETECTION|update/i], {
        delta: 11,
      });
    });
  });

  it('references: the UpdateSource GUID of ScanAgent.log is found in at least two files', async () => {
    const doc = await open(sample('client/ScanAgent.log'));
    const position = positionOf(doc, UPDATE_SOURCE, 4);
    const files = await eventually(
      async () => {
        const locations =
          (await vscode.commands.executeCommand('vscode.executeReferenceProvider', doc.uri, position)) || [];
        const names = [...new Set(locations.map((l) => path.basename((l.uri || l.targetUri).fsPath)))];
        assert.ok(names.length >= 2, `references in ${JSON.stringify(names)}`);
        return names;
      },
      { timeout: 30000, what: 'references' },
    );
    assert.ok(files.includes('ScanAgent.log'), JSON.stringify(files));
    assert.ok(
      files.some((f) => /LocationServices\.log|WUAHandler\.lo[g_]/.test(f)),
      `another client log is among ${JSON.stringify(files)}`,
    );
  });

  it('diagnostics: the two 0x80244021 error records of WUAHandler.log are in the Problems list', async () => {
    const first = positionOf(wua, '0x80244021').line;
    const errors = await eventually(
      () => {
        const diagnostics = vscode.languages.getDiagnostics(wua.uri);
        const errs = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
        assert.equal(
          errs.length,
          2,
          `diagnostics: ${JSON.stringify(diagnostics.map((d) => [d.range.start.line, d.severity, d.message.slice(0, 80)]))}`,
        );
        return errs;
      },
      { timeout: 30000, what: 'diagnostics of WUAHandler.log' },
    );
    assert.equal(errors[0].range.start.line, first);
    for (const e of errors) {
      const code = typeof e.code === 'object' && e.code ? e.code.value : e.code;
      assert.equal(String(code), '0x80244021');
      assert.match(e.message, /WU_E_PT_HTTP_STATUS_BAD_GATEWAY/);
    }
  });

  it('semantic tokens: a multi-line error record (WCM.log System.Net.WebException) is covered on every line as logError', async () => {
    const doc = await open(sample('siteserver/WCM.log'));
    const start = positionOf(doc, 'System.Net.WebException', 0).line;
    // an SMS trace record ends on the line that carries its "$$<component><time><thread>" trailer
    let end = start;
    while (end < doc.lineCount - 1 && !doc.lineAt(end).text.includes('$$<')) end++;
    assert.ok(end > start, 'the record spans several lines');
    const legend = await vscode.commands.executeCommand('vscode.provideDocumentSemanticTokensLegend', doc.uri);
    assert.ok(legend && legend.tokenTypes.includes('logError'), `legend ${JSON.stringify(legend)}`);
    const errorType = legend.tokenTypes.indexOf('logError');
    await eventually(
      async () => {
        const tokens = await vscode.commands.executeCommand('vscode.provideDocumentSemanticTokens', doc.uri);
        assert.ok(tokens && tokens.data && tokens.data.length, 'no semantic tokens');
        const lines = new Set();
        let line = 0;
        let char = 0;
        for (let i = 0; i < tokens.data.length; i += 5) {
          const [dl, dc, , type] = tokens.data.slice(i, i + 4);
          line += dl;
          char = dl ? dc : char + dc;
          if (type === errorType) lines.add(line);
        }
        for (let l = start; l <= end; l++)
          assert.ok(
            lines.has(l),
            `line ${l + 1} of the error record ${start + 1}-${end + 1} has no logError token (error lines: ${[...lines].map((x) => x + 1).join(',')})`,
          );
      },
      { timeout: 30000, what: 'semantic tokens' },
    );
  });

  it('document symbols: WUAHandler.log has an outline', async () => {
    const symbols = await eventually(
      async () => {
        const s = (await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', wua.uri)) || [];
        assert.ok(s.length > 0, 'no symbols');
        return s;
      },
      { timeout: 30000, what: 'document symbols' },
    );
    assert.ok(
      symbols.some((s) => /WUAHandler/i.test(s.name) || (s.children || []).length),
      JSON.stringify(symbols.map((s) => s.name)),
    );
  });
});
