import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DynamicFeature,
  type LanguageClientOptions,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';
import { didOpenWithoutText, resendTextOnRequest } from './diskText';
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
    // A big log that is its file is opened without its text: the server reads it from the file (diskText.ts).
    middleware: { didOpen: didOpenWithoutText },
  };
  const client = new LanguageClientWithoutOwnProviders('cmlogs', 'ConfigMgr Logs', serverOptions, clientOptions);
  resendTextOnRequest(client);
  return client;
}
