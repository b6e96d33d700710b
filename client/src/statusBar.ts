// The active log at a glance: records, errors, warnings and the UTC time span.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type FileStats } from '../../server/src/protocol';

export function registerStatusBar(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('cmlogs.stats', vscode.StatusBarAlignment.Right, 100);
  item.name = 'ConfigMgr log statistics';
  item.command = 'cmlogs.openTimeline';
  context.subscriptions.push(item);
  let timer: NodeJS.Timeout | undefined;

  const refresh = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'cmlog') return item.hide();
    const stats = await client.sendRequest<FileStats | null>(Requests.fileStats, { uri: editor.document.uri.toString() }).catch(() => null);
    if (!stats) return item.hide();
    item.text = `$(list-flat) ${stats.records.toLocaleString()}  $(error) ${stats.errors}  $(warning) ${stats.warnings}`;
    item.tooltip = describe(stats);
    item.show();
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(soon),
    vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && soon()),
  );
  soon();
}

function describe(s: FileStats): string {
  const span = s.firstUtc ? `${s.firstUtc} → ${s.lastUtc} (UTC)` : 'no timestamps';
  const damaged = s.damaged ? `\n${s.damaged} damaged record(s)` : '';
  const jump = s.errors || s.warnings ? '\nF8 / Shift+F8: next / previous error or warning' : '';
  return `${s.records} records (${s.format}, ${s.encoding})\n${s.errors} errors, ${s.warnings} warnings\n${span}${damaged}${jump}\nClick to open the timeline`;
}
