// The extension's own hover / definition / references providers (client/src/earlyProviders.ts) in plain Node, over
// the fake `vscode` of test/support and a stand-in for the LanguageClient: a request made before the client is
// ready waits for it and is then sent once (VS Code does not ask again, issue #23); a cancelled or too long wait
// sends nothing; a server restart makes requests wait again. The same in code-server: test/e2e/early-requests.test.js.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeVscode, useFake } from '../support/fakeVscode';

type Provider = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** The fake with `languages` (which it lacks), recording the providers registered. */
function withLanguages(fake: ReturnType<typeof fakeVscode>, providers: Record<string, Provider> = {}) {
  const register = (kind: string) => (_selector: unknown, provider: Provider) => (
    (providers[kind] = provider),
    { dispose() {} }
  );
  (fake.vscode as unknown as Record<string, unknown>).languages = {
    registerHoverProvider: register('hover'),
    registerDefinitionProvider: register('definition'),
    registerReferenceProvider: register('references'),
  };
  return fake;
}

// `languages` must be there when the module is loaded: its `import * as vscode` copies the names the fake has then.
useFake(withLanguages(fakeVscode()));
const { registerEarlyProviders, ClientReadiness, OWN_PROVIDERS } =
  require('../../client/src/earlyProviders') as typeof import('../../client/src/earlyProviders');

function token(cancelled = false) {
  const listeners: Array<() => void> = [];
  return {
    isCancellationRequested: cancelled,
    onCancellationRequested: (cb: () => void) => (listeners.push(cb), { dispose() {} }),
    cancel() {
      this.isCancellationRequested = true;
      listeners.forEach((l) => l());
    },
  };
}

function setup(answers: Record<string, unknown> = {}) {
  const providers: Record<string, Provider> = {};
  const fake = useFake(withLanguages(fakeVscode(), providers));
  const sent: string[] = [];
  const features: Array<InstanceType<typeof ClientReadiness>> = [];
  const client = {
    sendRequest: async (method: string) => (sent.push(method), answers[method] ?? null),
    code2ProtocolConverter: {
      asTextDocumentPositionParams: (d: { uri: string }, p: unknown) => ({ textDocument: { uri: d.uri }, position: p }),
      asReferenceParams: (d: { uri: string }, p: unknown) => ({ textDocument: { uri: d.uri }, position: p }),
    },
    protocol2CodeConverter: {
      asHover: (h: unknown) => (h ? { converted: h } : undefined),
      asDefinitionResult: async (d: unknown) => d ?? undefined,
      asReferences: async (r: unknown) => r ?? undefined,
    },
    handleFailedRequest: (_t: unknown, _k: unknown, _e: unknown, fallback: unknown) => fallback,
    registerFeature: (f: InstanceType<typeof ClientReadiness>) => void features.push(f),
  };
  const readiness = registerEarlyProviders(fake.context as never, client as never, [{ language: 'cmlog' }]);
  assert.deepEqual(features, [readiness], 'the readiness is a feature of the client');
  return { providers, sent, readiness };
}

const doc = { uri: 'file:///logs/WUAHandler.log' };
const at = { line: 2, character: 30 };
const tick = () => new Promise((r) => setTimeout(r, 5));

test('a hover made before the client is ready waits for it, then asks the server once', async () => {
  const { providers, sent, readiness } = setup({
    'textDocument/hover': { contents: 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY' },
  });
  const hover = providers.hover.provideHover(doc, at, token());
  await tick();
  assert.deepEqual(sent, [], 'nothing is sent before the client is ready');
  readiness.initialize();
  assert.deepEqual(await hover, { converted: { contents: 'WU_E_PT_HTTP_STATUS_BAD_GATEWAY' } });
  assert.deepEqual(sent, ['textDocument/hover']);
});

test('Go to Definition and Find All References made before the client is ready wait too', async () => {
  const location = [{ uri: doc.uri, range: { start: { line: 0, character: 1 }, end: { line: 0, character: 9 } } }];
  const { providers, sent, readiness } = setup({
    'textDocument/definition': location,
    'textDocument/references': location,
  });
  const definition = providers.definition.provideDefinition(doc, at, token());
  const references = providers.references.provideReferences(doc, at, { includeDeclaration: true }, token());
  await tick();
  assert.deepEqual(sent, []);
  readiness.initialize();
  assert.deepEqual(await definition, location);
  assert.deepEqual(await references, location);
  assert.deepEqual(sent.sort(), ['textDocument/definition', 'textDocument/references']);
});

test('once ready a request is sent at once; after a restart of the server requests wait again', async () => {
  const { providers, sent, readiness } = setup({ 'textDocument/hover': { contents: 'x' } });
  readiness.initialize();
  assert.ok(await providers.hover.provideHover(doc, at, token()));
  readiness.clear(); // the client stops (the server crashed) and starts again
  const waiting = providers.hover.provideHover(doc, at, token());
  await tick();
  assert.equal(sent.length, 1);
  readiness.initialize();
  assert.ok(await waiting);
  assert.equal(sent.length, 2);
});

test('a hover whose mouse moved on while it waited answers nothing and sends nothing', async () => {
  const { providers, sent, readiness } = setup({ 'textDocument/hover': { contents: 'x' } });
  const moved = token();
  const hover = providers.hover.provideHover(doc, at, moved);
  moved.cancel();
  assert.equal(await hover, undefined);
  assert.equal(await providers.hover.provideHover(doc, at, token(true)), undefined);
  readiness.initialize();
  await tick();
  assert.deepEqual(sent, []);
});

test('the wait is bounded: a client that never gets ready answers nothing', async () => {
  const readiness = new ClientReadiness();
  const t0 = Date.now();
  assert.equal(await readiness.whenReady(token() as never, 40), false);
  assert.ok(Date.now() - t0 >= 35);
  readiness.initialize();
  assert.equal(await readiness.whenReady(token() as never, 40), true);
});

test('a failed request is handled as the LanguageClient does (its default, no throw here)', async () => {
  const { providers, readiness } = setup();
  readiness.initialize();
  assert.equal(await providers.hover.provideHover(doc, at, token()), undefined, 'a null answer is no hover');
});

test('the capabilities of the left-out features are still declared to the server', () => {
  const capabilities: { textDocument?: Record<string, unknown> } = {};
  new ClientReadiness().fillClientCapabilities(capabilities as never);
  assert.deepEqual(Object.keys(capabilities.textDocument ?? {}).sort(), ['definition', 'hover', 'references']);
  assert.deepEqual((capabilities.textDocument?.hover as { contentFormat: string[] }).contentFormat, [
    'markdown',
    'plaintext',
  ]);
  assert.deepEqual([...OWN_PROVIDERS].sort(), [
    'textDocument/definition',
    'textDocument/hover',
    'textDocument/references',
  ]);
});
