// The command palette: look up a code, open a log folder, follow a GUID, show a payload's XML,
// open the timeline and the diagnosis.
import { readdirSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests } from '../../server/src/protocol';
import { DiagnosisView, type DiagnosisTarget } from './diagnosisView';
import { LookupView } from './lookupView';
import { ask } from './requests';
import { openFleetReport, type OpenMachine } from './fleetReport';
import { openTimeline } from './timelinePanel';
import { pickFolder } from './pickFolder';

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const lookupView = new LookupView(context);
  const diagnosisView = new DiagnosisView(context, client);
  const register = (id: string, run: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register('cmlogs.lookupCode', async (input?: string) => {
    const text =
      input ??
      (await vscode.window.showInputBox({
        prompt: 'Error code, status message ID or state message',
        placeHolder: '0x80244021  |  -2145107935  |  statmsg 6702  |  state 500 2',
        value: selectedWord(),
      }));
    if (!text?.trim()) return undefined;
    const answer = await ask(client, Requests.lookup, { text });
    await lookupView.show(text.trim(), answer.text);
    return answer;
  });

  register('cmlogs.openLogFolder', async (folder?: vscode.Uri) => {
    const picked = folder ?? (await pickFolder('Open Log Folder'));
    if (!picked) return undefined;
    const { files } = await ask(client, Requests.indexFolder, { path: picked.fsPath });
    const choice = await vscode.window.showQuickPick(
      [
        { label: '$(timeline-view-icon) Open the timeline of all these logs', uri: undefined as string | undefined },
        ...files.sort().map((uri) => ({ label: vscode.Uri.parse(uri).path.split('/').pop()!, uri })),
      ],
      { placeHolder: `${files.length} logs indexed in ${picked.fsPath}` },
    );
    if (!choice) return files;
    if (choice.uri) await vscode.window.showTextDocument(vscode.Uri.parse(choice.uri));
    else await openTimeline(context, client, { folders: [picked.toString()] });
    return files;
  });

  register('cmlogs.showRelated', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return relatedInWithheldLog(context, client);
    const { key } = await ask(client, Requests.related, {
      uri: editor.document.uri.toString(),
      position: editor.selection.active,
    });
    if (!key) {
      void vscode.window.showInformationMessage(
        'Put the cursor on a GUID or KB number to show the events that share it.',
      );
      return undefined;
    }
    return openTimeline(context, client, { key });
  });

  register('cmlogs.showXml', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const found = await ask(client, Requests.xmlAt, {
      uri: editor.document.uri.toString(),
      position: editor.selection.active,
    });
    if (!found) {
      void vscode.window.showInformationMessage('The record under the cursor carries no well-formed XML.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'xml', content: found.xml });
    return vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
  });

  // The palette's command and the Explorer's item ("ConfigMgr: Open in Timeline", which VS Code's own Timeline
  // view cannot be mistaken for) do the same: files as they are, folders as the logs in them (also later ones).
  const timelineOf = async (resource?: vscode.Uri, selected?: vscode.Uri[]) => {
    const picked = selected?.length ? selected : resource ? [resource] : await openLogUris();
    const { uris, folders, logs } = await timelineInputs(picked);
    if (picked.length && !logs) {
      void vscode.window.showInformationMessage(
        `No ConfigMgr logs in ${picked.map((u) => u.fsPath || u.toString()).join(', ')}.`,
      );
      return undefined;
    }
    return openTimeline(context, client, { uris, folders });
  };
  register('cmlogs.openTimeline', timelineOf);
  register('cmlogs.openInTimeline', timelineOf);

  // The palette's command and the Explorer's item ("ConfigMgr: Diagnose" there, like Open in Timeline).
  const diagnose = async (resource?: vscode.Uri, selected?: vscode.Uri[]) => {
    const target = await diagnosisTarget(selected?.length ? selected : resource ? [resource] : []);
    return target ? diagnosisView.run(target) : undefined;
  };
  register('cmlogs.diagnose', diagnose);
  register('cmlogs.diagnoseInExplorer', diagnose);

  // A machine of the fleet report: the diagnosis of its logs (subfolders too, as the fleet read them), and their timeline.
  const openMachine: OpenMachine = async ({ label, logs }) => {
    const uris = logs.map(String);
    await diagnosisView.run({ uris, label });
    return openTimeline(context, client, { uris, label });
  };
  register('cmlogs.openFleetReport', (folder?: vscode.Uri) => openFleetReport(context, openMachine, folder));
}

/**
 * What to diagnose: the folder or files picked in the Explorer; from the palette, the open logs or a folder the user
 * chooses (a workspace folder, or any folder).
 */
async function diagnosisTarget(picked: readonly vscode.Uri[]): Promise<DiagnosisTarget | undefined> {
  const folder = picked.length === 1 && (await isFolder(picked[0])) ? picked[0] : undefined;
  if (folder) return { uris: [], folder: folder.toString(), label: basename(folder) };
  if (picked.length)
    return {
      uris: picked.map((u) => u.toString()),
      label: picked.length === 1 ? basename(picked[0]) : `${picked.length} logs`,
    };
  const open = await openLogUris();
  type Choice = vscode.QuickPickItem & { target?: DiagnosisTarget; browse?: boolean };
  const choices: Choice[] = [
    ...(open.length
      ? [
          {
            label: `$(files) The open logs (${open.length})`,
            target: { uris: open.map((u) => u.toString()), label: `${open.length} open logs` },
          },
        ]
      : []),
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => ({
      label: `$(folder) ${f.name}`,
      description: f.uri.fsPath,
      target: { uris: [], folder: f.uri.toString(), label: f.name },
    })),
    { label: '$(folder-opened) Choose a folder…', browse: true },
  ];
  const choice =
    choices.length === 1
      ? choices[0]
      : await vscode.window.showQuickPick(choices, { placeHolder: 'Diagnose which logs?' });
  if (!choice?.browse) return choice?.target;
  const chosen = await pickFolder('Diagnose');
  return chosen ? { uris: [], folder: chosen.toString(), label: basename(chosen) } : undefined;
}

/**
 * Files as they are; folders as folders, so that the timeline shows the logs in them at each load (a log written
 * later joins). Each folder's logs are counted here, not by the server: the panel opens while the server starts.
 */
async function timelineInputs(
  picked: readonly vscode.Uri[],
): Promise<{ uris: string[]; folders: string[]; logs: number }> {
  const uris: string[] = [];
  const folders: string[] = [];
  let logs = 0;
  for (const uri of picked) {
    const folderLogs = uri.scheme === 'file' ? await logsInFolder(uri) : null;
    if (folderLogs !== null) {
      // Listed, not read: the timeline reads them and shows the first ones as soon as they are read.
      folders.push(uri.toString());
      logs += folderLogs;
    } else {
      uris.push(uri.toString());
      logs++;
    }
  }
  return { uris, folders, logs };
}

/**
 * How many logs are right in `folder`, or null when it is not a folder. Read on this machine's disk at once: the
 * extension host runs where the files are, and vscode.workspace.fs takes two round trips through the workbench
 * (stat, then the listing) that "Open in Timeline" waited for before creating its panel (#20). Through
 * vscode.workspace.fs only when the disk says no more than that it cannot be read here.
 */
async function logsInFolder(folder: vscode.Uri): Promise<number | null> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(folder.fsPath).isDirectory();
  } catch {
    return (await isFolder(folder)) ? logsIn(folder) : null;
  }
  if (!isDirectory) return null;
  try {
    return readdirSync(folder.fsPath, { withFileTypes: true }).filter((e) => e.isFile() && LOG_NAME.test(e.name))
      .length;
  } catch {
    return logsIn(folder);
  }
}

/**
 * Show Related Events in a log VS Code keeps from extensions (over 50 MB: its tab has no editor or document here,
 * so the cursor cannot be read): opens the timeline of that log instead, where a record's keys can be followed.
 */
async function relatedInWithheldLog(
  context: vscode.ExtensionContext,
  client: LanguageClient,
): Promise<vscode.WebviewPanel | undefined> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText ? input.uri : undefined;
  if (!uri || !(await isWithheldLog(uri))) return undefined;
  void vscode.window.showInformationMessage(
    `${basename(uri)} is too large for VS Code to share the cursor with extensions: select a record in the timeline and follow its GUID there.`,
  );
  return openTimeline(context, client, { uris: [uri.toString()] });
}

/** A log's file name, as the server takes it (server/src/workspace.ts LOG_FILE). */
const LOG_NAME = /\.(?:log|lo_)$/i;

/** How many logs are right in a folder (files named as logs, what the server lists: workspace.ts logsOf). */
async function logsIn(folder: vscode.Uri): Promise<number> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(folder);
    return entries.filter(([name, type]) => (type & vscode.FileType.File) !== 0 && LOG_NAME.test(name)).length;
  } catch {
    return 0;
  }
}

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}

/**
 * The logs open in the editor: documents of the cmlog language, and the tabs of logs over VS Code's 50 MB limit,
 * which have no document here (VS Code does not sync them to extensions) but which the server reads from disk.
 */
async function openLogUris(): Promise<vscode.Uri[]> {
  const documents = vscode.workspace.textDocuments;
  const out = documents.filter((d) => d.languageId === 'cmlog').map((d) => d.uri);
  const seen = new Set(documents.map((d) => d.uri.toString()));
  for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
    const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
    if (!uri || seen.has(uri.toString())) continue;
    seen.add(uri.toString());
    if (await isWithheldLog(uri)) out.push(uri);
  }
  return out;
}

/** VS Code's limit for syncing a document to extensions. */
const SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

/** A log file on disk that VS Code withholds from extensions (over 50 MB). */
async function isWithheldLog(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file' || !LOG_NAME.test(uri.path)) return false;
  try {
    return (await vscode.workspace.fs.stat(uri)).size > SYNC_LIMIT_BYTES;
  } catch {
    return false;
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.toString();
}

function selectedWord(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const range = editor.selection.isEmpty
    ? editor.document.getWordRangeAtPosition(editor.selection.active)
    : editor.selection;
  return range ? editor.document.getText(range) : undefined;
}
