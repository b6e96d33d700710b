// The language server's diagnose request on a fresh folder: the folder is indexed first (subfolders too), the
// diagnosis runs in a worker thread, and the report lists the files it read.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Requests } from '../../server/src/protocol';
import { TestClient, uri } from '../lsp/lspClient';

const SAMPLES = resolve(__dirname, '../../samples');

test('server: cmlogs/diagnose with a folder never opened before finds its flows and lists the files it read', async () => {
  const lsp = new TestClient();
  try {
    await lsp.initialize(resolve(__dirname, '../fixtures'));
    const reply = await lsp.ask(Requests.diagnose, { folder: uri(SAMPLES) });
    assert.ok(reply.findings.length >= 18, `findings: ${reply.findings.length}`);
    assert.equal(reply.findings.filter((f) => f.status === 'broken').length, 1, 'the one broken sync of the seed');
    assert.ok(
      reply.files.some((f) => f.endsWith('/siteserver/WSyncMgr.log')) &&
        reply.files.some((f) => f.endsWith('/client/WUAHandler.lo_')),
      'subfolders read',
    );
    assert.match(reply.markdown, /## Files read/);
    assert.match(reply.markdown, /WSyncMgr\.log/);
  } finally {
    await lsp.stop();
  }
});
