// The command palette: look up a code, open a log folder, follow a GUID, show a payload's XML,
// open the timeline and the diagnosis.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type RelatedResult } from '../../server/src/protocol';
import { openDiagnosis } from './diagnosisView';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { openTimeline } from './timelinePanel';

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const documents = new ReadOnlyDocuments(context);
  const register = (id: string, run: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register('cmlogs.lookupCode', async (input?: string) => {
    const text = input ?? (await vscode.window.showInputBox({ prompt: 'Error code, status message ID or state message', placeHolder: '0x80244021  |  -2145107935  |  statmsg 6702  |  state 500 2', value: selectedWord() }));
    if (!text?.trim()) return undefined;
    const answer = await client.sendRequest<{ text: string; unknown: boolean }>(Requests.lookup, { text });
    return documents.show(`lookup/${encodeURIComponent(text.trim())}.txt`, answer.text);
  });

  register('cmlogs.openLogFolder', async (folder?: vscode.Uri) => {
    const picked = folder ?? (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Open Log Folder' }))?.[0];
    if (!picked) return undefined;
    const { files } = await client.sendRequest<{ files: string[] }>(Requests.indexFolder, { path: picked.fsPath });
    const choice = await vscode.window.showQuickPick(
      [{ label: '$(timeline-view-icon) Open the timeline of all these logs', uri: undefined as string | undefined }, ...files.sort().map((uri) => ({ label: vscode.Uri.parse(uri).path.split('/').pop()!, uri }))],
      { placeHolder: `${files.length} logs indexed in ${picked.fsPath}` },
    );
    if (!choice) return files;
    if (choice.uri) await vscode.window.showTextDocument(vscode.Uri.parse(choice.uri));
    else await openTimeline(context, client, { uris: files });
    return files;
  });

  register('cmlogs.showRelated', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const { key } = await client.sendRequest<RelatedResult>(Requests.related, { uri: editor.document.uri.toString(), position: editor.selection.active });
    if (!key) {
      void vscode.window.showInformationMessage('Put the cursor on a GUID or KB number to show the events that share it.');
      return undefined;
    }
    return openTimeline(context, client, { key });
  });

  register('cmlogs.showXml', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const found = await client.sendRequest<{ xml: string; line: number } | null>(Requests.xmlAt, { uri: editor.document.uri.toString(), position: editor.selection.active });
    if (!found) {
      void vscode.window.showInformationMessage('The record under the cursor carries no well-formed XML.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'xml', content: found.xml });
    return vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
  });

  // The palette's command and the Explorer's item ("ConfigMgr: Open in Timeline", which VS Code's own Timeline
  // view cannot be mistaken for) do the same: files as they are, folders as the logs in them.
  const timelineOf = async (resource?: vscode.Uri, selected?: vscode.Uri[]) => {
    const picked = selected?.length ? selected : resource ? [resource] : openLogUris();
    const uris = await logUris(client, picked);
    if (picked.length && !uris.length) {
      void vscode.window.showInformationMessage(`No ConfigMgr logs in ${picked.map((u) => u.fsPath || u.toString()).join(', ')}.`);
      return undefined;
    }
    const folder = picked.length === 1 && uris.length !== 1 ? picked[0].path.split('/').filter(Boolean).pop() : undefined;
    return openTimeline(context, client, { uris, label: folder });
  };
  register('cmlogs.openTimeline', timelineOf);
  register('cmlogs.openInTimeline', timelineOf);

  register('cmlogs.diagnose', async (resource?: vscode.Uri) => openDiagnosis(context, client, resource ? [resource.toString()] : openLogUris().map((u) => u.toString()), documents));
}

/** Files as they are; a folder becomes the logs in it, which the server indexes now (once, see workspace.ts). */
async function logUris(client: LanguageClient, picked: readonly vscode.Uri[]): Promise<string[]> {
  const out: string[] = [];
  for (const uri of picked) {
    if (uri.scheme === 'file' && (await isFolder(uri))) {
      const { files } = await client.sendRequest<{ files: string[] }>(Requests.indexFolder, { path: uri.fsPath });
      out.push(...files.sort());
    } else out.push(uri.toString());
  }
  return out;
}

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}

function openLogUris(): vscode.Uri[] {
  return vscode.workspace.textDocuments.filter((d) => d.languageId === 'cmlog').map((d) => d.uri);
}

function selectedWord(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const range = editor.selection.isEmpty ? editor.document.getWordRangeAtPosition(editor.selection.active) : editor.selection;
  return range ? editor.document.getText(range) : undefined;
}
