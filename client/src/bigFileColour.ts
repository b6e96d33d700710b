// Over 20 MiB (or 300,000 lines) VS Code does not tokenize a file; the language server colours it by range instead
// (semantic tokens, server/src/features/semanticTokens.ts), which VS Code asks for the visible lines when an editor
// opens or scrolls, or when a provider registers: not when a document's language changes. A log recognised by its
// first line (detectLanguage.ts) becomes `cmlog` just after it opened, so the screen it opened on stayed plain
// until the first scroll (seen in code-server: the last screen coloured after Ctrl+End, the first never). Scrolling
// such an editor by one line and back makes VS Code ask for it.
import * as vscode from 'vscode';

/** VS Code's TextModel limits (with editor.largeFileOptimizations, the default). */
const LIMIT = { chars: 20 * 1024 * 1024, lines: 300_000 };

export function isTooLargeForTokenization(doc: vscode.TextDocument): boolean {
  if (doc.lineCount > LIMIT.lines) return true;
  return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end) > LIMIT.chars; // no copy of the text made
}

const nudged = new WeakSet<vscode.TextDocument>();

/**
 * Scrolls `editor` by one line and back, once per document, when its log is too big for VS Code to tokenize: VS
 * Code then asks the server for the tokens of the visible lines. Called once the server has indexed the log (its
 * severity ranges came back), so that the answer is not kept waiting.
 */
export function askForVisibleColour(editor: vscode.TextEditor): void {
  const doc = editor.document;
  if (doc.languageId !== 'cmlog' || nudged.has(doc) || !isTooLargeForTokenization(doc)) return;
  nudged.add(doc);
  const top = editor.visibleRanges[0]?.start.line ?? 0;
  const showAtTop = (line: number) =>
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
  showAtTop(Math.min(top + 1, doc.lineCount - 1));
  setTimeout(() => showAtTop(top), 50);
}
