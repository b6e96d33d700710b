// CMTrace's red and yellow lines: whole error and warning records get a background, using theme colours
// that the user can change (cmlogs.errorBackground / cmlogs.warningBackground). The colour of the text of logs too
// big for VS Code to tokenize comes from the server (semantic tokens by range, see bigFileColour.ts).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type SeverityRange } from '../../server/src/protocol';
import { ask } from './requests';
import { askForVisibleColour } from './bigFileColour';

export function registerHighlighting(context: vscode.ExtensionContext, client: LanguageClient): void {
  const error = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('cmlogs.errorBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorError.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  const warning = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('cmlogs.warningBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  context.subscriptions.push(error, warning);
  let timer: NodeJS.Timeout | undefined;

  const apply = async (editor: vscode.TextEditor | undefined) => {
    if (!editor || editor.document.languageId !== 'cmlog') return;
    const enabled = vscode.workspace.getConfiguration('cmlogs').get<boolean>('highlightLines', true);
    const ranges = enabled
      ? await ask(client, Requests.severityRanges, { uri: editor.document.uri.toString() }).catch(() => [])
      : [];
    const toRange = (r: SeverityRange) => new vscode.Range(r.startLine, 0, r.endLine, 0);
    editor.setDecorations(error, ranges.filter((r) => r.severity === 'error').map(toRange));
    editor.setDecorations(warning, ranges.filter((r) => r.severity === 'warning').map(toRange));
    askForVisibleColour(editor.document, 'indexed'); // the severities (and a log open before activation)
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => vscode.window.visibleTextEditors.forEach(apply), 300);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeVisibleTextEditors(soon),
    // A log recognised by its first line becomes cmlog after it opened (detectLanguage.ts): no editor event follows.
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (doc.languageId !== 'cmlog') return;
      askForVisibleColour(doc, 'opened'); // not after the severity ranges: see bigFileColour.ts
      soon();
    }),
    vscode.workspace.onDidChangeTextDocument(soon),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('cmlogs') && soon()),
  );
  soon();
}
