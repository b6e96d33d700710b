// The folder dialog every folder command falls back to when it is not given one (Explorer) or a choice.
import * as vscode from 'vscode';

export async function pickFolder(openLabel: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel });
  return picked?.[0];
}
