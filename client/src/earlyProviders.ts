// Hover, Go to Definition and Find All References from the moment the extension activates (issue #23).
//
// VS Code asks the hover providers registered when the mouse comes to rest, once: it does not ask again when a
// provider registers later. vscode-languageclient registers its providers only when the server's `initialize`
// answer arrives, 0.5-3 s after a log opened on a busy machine (the server is a new Node process). A hover made in
// that window showed nothing until the mouse left the word and came back (2 of 4 runs in code-server at ~0.4 s),
// and F12 / Shift+F12 said "No definition found" / "No results". So the extension registers these three
// providers itself, synchronously in activate(): each waits (bounded) until the client is ready, then asks the
// server, which answers a request about a log it has not indexed yet once it has (server.ts `ready`). The
// LanguageClient's own three features are left out (languageClientWithout), so nothing is asked twice.
import * as vscode from 'vscode';
import { trace } from './trace';
// Types only: the module stays loadable without vscode-languageclient's runtime (test/lsp/earlyProviders.test.ts).
import type {
  ClientCapabilities,
  FeatureState,
  LanguageClient,
  MessageSignature,
  StaticFeature,
} from 'vscode-languageclient/node';

/** The LSP requests whose providers the extension registers itself (not vscode-languageclient). */
const HOVER = 'textDocument/hover';
const DEFINITION = 'textDocument/definition';
const REFERENCES = 'textDocument/references';
export const OWN_PROVIDERS: ReadonlySet<string> = new Set([HOVER, DEFINITION, REFERENCES]);

/**
 * How long a request made before the client is ready waits for it. The first hover of a session waits for the
 * server's start and, server side, for the log to be indexed (a 48 MB log: ~7 s on a loaded 2-core machine): a
 * bound well over that, after which the request answers nothing rather than hang.
 */
export const READY_BOUND_MS = 30_000;

/** What the providers need of the LanguageClient (a test passes a stand-in). */
export type ProviderClient = Pick<
  LanguageClient,
  'sendRequest' | 'code2ProtocolConverter' | 'protocol2CodeConverter' | 'handleFailedRequest' | 'registerFeature'
>;

/**
 * Whether the client is ready: its features have been initialised (the open logs' didOpen sent), which is the
 * moment the LanguageClient would have registered its own providers. A static feature of the client, so that a
 * restart of the server (after a crash) makes the requests wait again instead of failing.
 */
export class ClientReadiness implements StaticFeature {
  private ready = false;
  private waiters: Array<() => void> = [];

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    // What the left-out features would have declared: the server may rely on them.
    const text = (capabilities.textDocument ??= {});
    text.hover = { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] };
    text.definition = { dynamicRegistration: false, linkSupport: true };
    text.references = { dynamicRegistration: false };
  }

  initialize(): void {
    this.ready = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  getState(): FeatureState {
    return { kind: 'static' };
  }

  clear(): void {
    this.ready = false;
  }

  /** Resolves true once ready, false after `boundMs` or when `token` is cancelled (the mouse moved on). */
  whenReady(token: vscode.CancellationToken, boundMs = READY_BOUND_MS): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (token.isCancellationRequested) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        cancelled.dispose();
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(value);
      };
      const wake = () => finish(true);
      const timer = setTimeout(() => finish(false), boundMs);
      const cancelled = token.onCancellationRequested(() => finish(false));
      this.waiters.push(wake);
    });
  }
}

/**
 * Registers the hover, definition and references providers for `selector` on `client`, which must have been made
 * without its own (languageClientWithout). Called before the client starts.
 */
export function registerEarlyProviders(
  context: vscode.ExtensionContext,
  client: ProviderClient,
  selector: vscode.DocumentSelector,
): ClientReadiness {
  const readiness = new ClientReadiness();
  client.registerFeature(readiness);
  const c2p = client.code2ProtocolConverter;
  const p2c = client.protocol2CodeConverter;

  /** Waits for the client, sends the request, converts the answer; a failure is handled as the client does. */
  async function ask<R, T>(
    method: string,
    params: object,
    token: vscode.CancellationToken,
    convert: (result: R) => T | Promise<T>,
  ): Promise<T | undefined> {
    trace('request', { method });
    if (!(await readiness.whenReady(token))) {
      trace('request-not-ready', { method, cancelled: token.isCancellationRequested });
      return undefined;
    }
    try {
      const result = (await client.sendRequest(method, params, token)) as R;
      trace('answer', { method, empty: result == null, cancelled: token.isCancellationRequested });
      return token.isCancellationRequested ? undefined : await convert(result);
    } catch (error) {
      // handleFailedRequest reads only the method of the signature (to log it)
      return client.handleFailedRequest({ method } as MessageSignature, token, error, undefined);
    }
  }

  context.subscriptions.push(
    vscode.languages.registerHoverProvider(selector, {
      provideHover: (document, position, token) =>
        ask(HOVER, c2p.asTextDocumentPositionParams(document, position), token, (r) =>
          p2c.asHover(r as Parameters<typeof p2c.asHover>[0]),
        ),
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition: (document, position, token) =>
        ask(DEFINITION, c2p.asTextDocumentPositionParams(document, position), token, (r) =>
          p2c.asDefinitionResult(r as Parameters<typeof p2c.asDefinitionResult>[0], token),
        ),
    }),
    vscode.languages.registerReferenceProvider(selector, {
      provideReferences: (document, position, options, token) =>
        ask(REFERENCES, c2p.asReferenceParams(document, position, options), token, (r) =>
          p2c.asReferences(r as Parameters<typeof p2c.asReferences>[0], token),
        ),
    }),
  );
  return readiness;
}
