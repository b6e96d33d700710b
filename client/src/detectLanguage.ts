// A .log or .txt that VS Code opened as plain text or "Log" but whose first line is a ConfigMgr format
// (a CMTrace record, an SMS trace line, WindowsUpdate.log...) becomes a cmlog document. The pattern is the
// language's own `firstLine` from package.json, so there is one definition of "looks like ConfigMgr".
import * as vscode from 'vscode';

const CANDIDATE_LANGUAGES = new Set(['log', 'plaintext']);

export function registerLanguageDetection(context: vscode.ExtensionContext): void {
  const firstLine = firstLinePattern(context);
  if (!firstLine) return;
  const check = (doc: vscode.TextDocument) => {
    if (!CANDIDATE_LANGUAGES.has(doc.languageId) || doc.lineCount === 0) return;
    if (!/\.(?:log|txt|lo_)$/i.test(doc.uri.path)) return;
    if (firstLine.test(doc.lineAt(0).text)) void vscode.languages.setTextDocumentLanguage(doc, 'cmlog');
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
  vscode.workspace.textDocuments.forEach(check);
}

function firstLinePattern(context: vscode.ExtensionContext): RegExp | undefined {
  const languages = (
    context.extension.packageJSON as { contributes?: { languages?: Array<{ id: string; firstLine?: string }> } }
  ).contributes?.languages;
  const source = languages?.find((l) => l.id === 'cmlog')?.firstLine;
  return source ? new RegExp(source) : undefined;
}
