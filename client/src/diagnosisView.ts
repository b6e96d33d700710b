// The diagnosis report: the server walks the documented flows over the logs and answers with markdown whose
// evidence lines link to file:///…#L<line>; it is shown as a read-only cmlogs: document in the markdown
// preview, where a click on an evidence link opens the log at that line.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type Finding } from '../../server/src/protocol';
import { ask } from './requests';
import { ReadOnlyDocuments } from './readOnlyDocuments';

/**
 * Diagnoses `uris` (every log the server knows when empty) and opens the report beside the editor.
 * `documents` is the extension's one cmlogs: content provider (VS Code allows one per scheme); without it
 * the report opens as an untitled markdown document instead.
 */
export async function openDiagnosis(context: vscode.ExtensionContext, client: LanguageClient, uris: string[], documents?: ReadOnlyDocuments): Promise<vscode.TextEditor | undefined> {
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ConfigMgr Logs: diagnosing flows…' }, () =>
    ask(client, Requests.diagnose, { uris }),
  );
  if (!result) return undefined;
  const editor = documents ? await documents.show(reportPath(uris), result.markdown, 'markdown') : await showUntitled(result.markdown);
  await vscode.commands.executeCommand('markdown.showPreviewToSide', editor.document.uri);
  announce(result.findings);
  return editor;
}

/** One report per set of logs, so diagnosing another folder does not overwrite this one. */
function reportPath(uris: string[]): string {
  const names = uris.map((u) => vscode.Uri.parse(u).path.split('/').pop() ?? u);
  const label = names.length === 0 ? 'all logs' : names.length === 1 ? names[0] : `${names.length} logs`;
  return `diagnosis/${encodeURIComponent(label)}.md`;
}

async function showUntitled(markdown: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

function announce(findings: Finding[]): void {
  const broken = findings.filter((f) => f.status === 'broken').length;
  if (!findings.length) void vscode.window.showInformationMessage('ConfigMgr Logs: no documented flow found in these logs.');
  else if (broken) void vscode.window.showWarningMessage(`ConfigMgr Logs: ${broken} of ${findings.length} flows broke; the report shows where and what to try.`);
}
