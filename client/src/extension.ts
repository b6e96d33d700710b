// Activation: the hover / definition / references providers at once, start the language server, then the commands,
// the status bar, the line highlighting, and logs read-only.
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

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient }> {
  client = startClient(context);
  // Before the client starts: a hover made while the server starts waits for it (earlyProviders.ts).
  registerEarlyProviders(context, client, LOG_SELECTOR);
  registerCommands(context, client);
  registerFolderOffsetCommand(context);
  registerStatusBar(context, client);
  registerHighlighting(context, client);
  registerEditorRules(context);
  registerLanguageDetection(context);
  registerReadOnlyLogs(context);
  await client.start();
  return { client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
