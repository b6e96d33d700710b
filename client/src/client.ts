import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DynamicFeature,
  type LanguageClientOptions,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';
import { OWN_PROVIDERS } from './earlyProviders';

/** The logs the language server serves. */
export const LOG_SELECTOR = [{ language: 'cmlog' }];

/**
 * The LanguageClient without the features whose providers the extension registers itself (earlyProviders.ts):
 * vscode-languageclient offers no option to leave a built-in feature out, and registers them all from its
 * constructor through `registerFeature`, so that is where they are passed over.
 */
class LanguageClientWithoutOwnProviders extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    const method = (feature as Partial<DynamicFeature<unknown>>).registrationType?.method;
    if (method && OWN_PROVIDERS.has(method)) return;
    super.registerFeature(feature);
  }
}

export function startClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LOG_SELECTOR,
    synchronize: { configurationSection: 'cmlogs' },
    initializationOptions: vscode.workspace.getConfiguration('cmlogs'),
    middleware: {
      didOpen: async (document, next) => {
        await next(document);
        if (lengthOf(document) >= BIG_DOCUMENT) setTimeout(collectGarbage, 0);
      },
    },
  };
  return new LanguageClientWithoutOwnProviders('cmlogs', 'ConfigMgr Logs', serverOptions, clientOptions);
}

/**
 * A document's didOpen carries its whole text: the LanguageClient takes it as one string and the message as its
 * JSON, two passing copies of a big log in the extension host (VS Code keeps its own, as lines, anyway). V8 frees
 * them at its next full collection, which an idle extension host may not make for minutes: test:scale measured
 * the extension host 9-19 MB above a session without the extension with a 48 MB log in two runs, 63-72 MB in two
 * others. A full collection once such a document is sent (tens of milliseconds) returns them; the server does the
 * same for the message it receives (server.ts collectGarbage).
 */
const BIG_DOCUMENT = 8_000_000;

/** The text's length in UTF-16 code units, without the copy getText() makes. */
function lengthOf(document: vscode.TextDocument): number {
  return document.lineCount ? document.offsetAt(document.lineAt(document.lineCount - 1).range.end) : 0;
}

let fullCollection: (() => void) | null | undefined;
function collectGarbage(): void {
  if (fullCollection === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      fullCollection = runInNewContext('gc') as () => void;
    } catch {
      fullCollection = null;
    }
  }
  fullCollection?.();
}
