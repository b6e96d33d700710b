// Activation: the hover / definition / references providers, the commands, the status bar, the line highlighting
// and logs read-only at once; the language server starts meanwhile (activate() does not wait for it).
import * as vscode from 'vscode';
import { LOG_SELECTOR, startClient } from './client';
import { registerEarlyProviders } from './earlyProviders';
import { registerCommands } from './commands';
import { registerFolderOffsetCommand } from './folderOffset';
import { registerLanguageDetection } from './detectLanguage';
import { registerReadOnlyLogs } from './readOnlyLogs';
import { registerEditorRules } from './editorRules';
import { registerHighlighting } from './highlight';
import { registerStatusBar } from './statusBar';
import type { LanguageClient } from 'vscode-languageclient/node';
import { trace } from './trace';

// The bundle has been evaluated (from: when its first line ran, scripts/build.mjs): its size is a cost paid before
// activate() and so before the first provider exists.
trace('bundle-evaluated', { from: (globalThis as { __cmlogsBundleStart?: number }).__cmlogsBundleStart });

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): { client: LanguageClient; started: Promise<void> } {
  trace('activate');
  client = startClient(context);
  // Before the client starts: a hover made while the server starts waits for it (earlyProviders.ts).
  registerEarlyProviders(context, client, LOG_SELECTOR);
  trace('providers-registered');
  registerCommands(context, client);
  registerFolderOffsetCommand(context);
  registerStatusBar(context, client);
  registerHighlighting(context, client);
  registerEditorRules(context);
  registerLanguageDetection(context);
  registerReadOnlyLogs(context);
  // Not awaited: VS Code runs the command that activated the extension (Open in Timeline on a folder) only once
  // activate() has returned, so the timeline's panel would wait for the server's start (1.3 s of the first rows at
  // load 11). Every request waits for the start itself (LanguageClient.sendRequest), a hover too (earlyProviders.ts).
  const started = client.start();
  started.then(() => trace('client-ready')).catch(() => undefined); // the client reports a failed start itself (output channel, notification)
  trace('activate-returned');
  return { client, started };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
