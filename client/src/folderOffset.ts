// "ConfigMgr: Set Time Offset for Folder": the UTC offset of a folder whose logs write local time with no zone
// (IME, setup, MSI, CBS...) and whose other logs do not tell it. Stored in the `cmlogs.folderOffsets` setting of the
// workspace (so it is remembered), which the language server reads (server/src/core/clock.ts applies it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickFolder } from './pickFolder';

const SETTING = 'folderOffsets';
const LEARN = 'learn';

/** Whole hours from UTC-12 to UTC+14, and the half and quarter hours zones use (India, Iran, Nepal, ...). */
export function offsetChoices(): string[] {
  const minutes = new Set<number>();
  for (let h = -12; h <= 14; h++) minutes.add(h * 60);
  for (const m of [-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765]) minutes.add(m);
  return [...minutes].sort((a, b) => a - b).map(formatOffset);
}

/** 60 → "UTC+01:00", -330 → "UTC-05:30", 0 → "UTC+00:00": the form the setting takes (UTC = local - offset). */
export function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function registerFolderOffsetCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('cmlogs.setFolderOffset', setFolderOffset));
}

/** Asks for the folder (the one clicked in the Explorer, else the active log's) and its offset, then stores it. */
export async function setFolderOffset(resource?: vscode.Uri): Promise<string | undefined> {
  const folder = await folderOf(resource);
  if (!folder) return undefined;
  const config = vscode.workspace.getConfiguration('cmlogs');
  const offsets = { ...(config.get<Record<string, string>>(SETTING) ?? {}) };
  const current = offsets[folder];
  const items = [
    {
      label: "Learn from the folder's logs",
      description: current ? `instead of ${current}` : '(as now)',
      value: LEARN,
    },
    ...offsetChoices().map((offset) => ({
      label: offset,
      description: offset === current ? '(as now)' : '',
      value: offset,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: `Time zone of the logs in ${folder} that write local time with no zone (UTC = local time - offset)`,
  });
  if (!picked) return undefined;
  if (picked.value === LEARN) delete offsets[folder];
  else offsets[folder] = picked.value;
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update(SETTING, offsets, target);
  return picked.value;
}

async function folderOf(resource?: vscode.Uri): Promise<string | undefined> {
  const uri = resource ?? vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme === 'file') {
    const isFolder = await vscode.workspace.fs.stat(uri).then(
      (s) => s.type === vscode.FileType.Directory,
      () => false,
    );
    return isFolder ? uri.fsPath : path.dirname(uri.fsPath);
  }
  return (await pickFolder('Set Time Offset'))?.fsPath;
}
