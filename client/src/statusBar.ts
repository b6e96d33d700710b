// The active log at a glance: records, errors, warnings and the UTC time span.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type FileStats } from '../../server/src/protocol';
import { ask } from './requests';

export function registerStatusBar(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('cmlogs.stats', vscode.StatusBarAlignment.Right, 100);
  item.name = 'ConfigMgr log statistics';
  item.command = 'cmlogs.openTimeline';
  context.subscriptions.push(item);
  let timer: NodeJS.Timeout | undefined;

  const refresh = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'cmlog') return item.hide();
    const stats = await ask(client, Requests.fileStats, { uri: editor.document.uri.toString() }).catch(() => null);
    if (!stats) return item.hide();
    item.text = `$(list-flat) ${n(stats.records)}  $(error) ${n(stats.errors)}  $(warning) ${n(stats.warnings)}`;
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
    // The problem counts of the tooltip come with the log's diagnostics.
    vscode.languages.onDidChangeDiagnostics(
      (e) => e.uris.some((u) => u.toString() === vscode.window.activeTextEditor?.document.uri.toString()) && soon(),
    ),
  );
  soon();
}

function describe(s: FileStats): string {
  const span = s.firstUtc ? `${s.firstUtc} → ${s.lastUtc} (UTC)` : 'no timestamps';
  const first = s.firstDamage ? `, first at line ${n(s.firstDamage.line)}: ${s.firstDamage.message.slice(0, 160)}` : '';
  const damaged = s.damaged ? `\n${n(s.damaged)} damaged record(s)${first}` : '';
  const jump = s.errors || s.warnings ? '\nF8 / Shift+F8: next / previous error or warning' : '';
  return `${n(s.records)} records (${s.format}, ${s.encoding})\n${n(s.errors)} errors, ${n(s.warnings)} warnings${problemsLine(s)}\n${span}${damaged}${jump}\nClick to open the timeline`;
}

/**
 * VS Code's own Problems counter counts only what is listed: when the cap left problems out, say so here, next
 * to the log's real counts, and where the rest are.
 */
function problemsLine(s: FileStats): string {
  const p = s.problems;
  if (!p) return '';
  const total = p.errors + p.warnings + p.information;
  if (total <= p.listed) return '';
  return `\nProblems panel: the newest ${n(p.listed)} of ${n(total)} problems (setting cmlogs.diagnostics.maxPerFile); the timeline's Errors filter shows every error`;
}

const n = (value: number) => value.toLocaleString('en-US');
