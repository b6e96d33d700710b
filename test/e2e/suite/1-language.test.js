// The extension loads, activates on a ConfigMgr log, and gives the `cmlog` language to the logs it should.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const {
  CORPUS,
  EXTENSION_ID,
  REPO,
  activate,
  closeAllEditors,
  eventually,
  open,
  sample,
  skipLoudly,
} = require('./helpers');

describe('language and activation', function () {
  after(closeAllEditors);

  it(`the extension ${EXTENSION_ID} is loaded and contributes the cmlog language`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(
      ext,
      `${EXTENSION_ID} not among ${vscode.extensions.all
        .map((e) => e.id)
        .filter((id) => !id.startsWith('vscode.'))
        .join(', ')}`,
    );
    assert.ok(
      (await vscode.languages.getLanguages()).includes('cmlog'),
      'cmlog is not a known language id (contributes.languages)',
    );
  });

  it('samples/client/WUAHandler.log gets the cmlog language and activates the extension', async () => {
    const doc = await open(sample('client/WUAHandler.log'));
    assert.equal(doc.languageId, 'cmlog');
    const { ext, api } = await activate();
    assert.ok(ext.isActive);
    assert.ok(api && api.client, 'activate() returns { client }');
  });

  it('a rolled-over .lo_ file (samples/client/WUAHandler.lo_) gets the cmlog language', async () => {
    const doc = await open(sample('client/WUAHandler.lo_'));
    assert.equal(doc.languageId, 'cmlog');
  });

  it('a site-server log in SMS trace format (samples/siteserver/WSyncMgr.log) gets the cmlog language', async () => {
    const doc = await open(sample('siteserver/WSyncMgr.log'));
    assert.equal(doc.languageId, 'cmlog');
  });

  it('a .log with an unknown name whose first line is CMTrace becomes cmlog; another .log does not', async () => {
    const custom = await open(path.join(REPO, 'test/fixtures/CustomAgent.log'));
    await eventually(
      () =>
        assert.equal(
          vscode.workspace.textDocuments.find((d) => d.uri.toString() === custom.uri.toString()).languageId,
          'cmlog',
        ),
      { what: 'CustomAgent.log language', timeout: 10000 },
    );
    const other = await open(path.join(REPO, 'test/fixtures/NotConfigMgr.log'));
    await new Promise((r) => setTimeout(r, 1000));
    assert.notEqual(
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === other.uri.toString()).languageId,
      'cmlog',
    );
  });

  it('a real client log from the corpus (../shared/corpus/real/configmgr__iOS-CMLogTracer/CAS.log) gets the cmlog language', async function () {
    const file = path.join(CORPUS, 'configmgr__iOS-CMLogTracer/CAS.log');
    if (!fs.existsSync(file))
      return skipLoudly(
        this,
        `the real corpus is absent (${file}); this test needs ../shared/corpus/real or CORPUS_DIR`,
      );
    const doc = await open(file);
    assert.equal(doc.languageId, 'cmlog');
  });
});
