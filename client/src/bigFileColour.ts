// Over 20 MiB (or 300,000 lines) VS Code does not tokenize a file; the language server colours it by range instead
// (semantic tokens, server/src/features/semanticTokens.ts), which VS Code asks for the visible lines when an editor
// opens, scrolls or is edited, or when a range provider registers or goes: not when a document's language changes.
// A log recognised by its first line (detectLanguage.ts) becomes `cmlog` just after it opened, so the screen it
// opened on stayed plain until the first scroll. Scrolling the editor by a line and back (what this file did before)
// did not make VS Code ask: in code-server 4.100.3, logs of 15, 35 and 48 MB opened one after the other, the server's
// trace showed no range request for the 35 and 48 MB logs until Ctrl+End, and their first screens stayed plain for
// 120 s; a big log opened first did colour, because the client registering its providers at start made VS Code ask.
// So the client registers a range provider that matches no document and drops it at once: VS Code then asks every
// editor's visible lines again (ViewportSemanticTokensContribution listens to the provider registry).
import * as vscode from 'vscode';

/** VS Code's TextModel limits (with editor.largeFileOptimizations, the default). */
const LIMIT = { chars: 20 * 1024 * 1024, lines: 300_000 };

export function isTooLargeForTokenization(doc: vscode.TextDocument): boolean {
  if (doc.lineCount > LIMIT.lines) return true;
  return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end) > LIMIT.chars; // no copy of the text made
}

const asked = new WeakSet<vscode.TextDocument>();

/** A selector no document has (no such scheme): the provider registered with it is never asked for anything. */
const NO_DOCUMENT: vscode.DocumentSelector = { language: 'cmlog', scheme: 'cmlogs-no-document' };
const NO_TOKENS = new vscode.SemanticTokensLegend(['logError']);

/**
 * Makes VS Code ask the server for the tokens of the visible lines of `doc`'s editors, once per document, when its
 * log is too big for VS Code to tokenize: as soon as the extension host learns the log is `cmlog` (the server
 * answers once its parse ends, a fraction of a second after the didOpen). It used to wait until the log's severity
 * ranges came back from the server (48 MB log in code-server at load 9: 1.5 s after the extension host had the
 * document, and the range request 0.9 s after that). Asking a second time once they come back was tried: the
 * registration reached the renderer while the first answer was on its way, VS Code cancelled it and asked again,
 * and the screen was coloured 2 s later than the first answer (load 10).
 */
export function askForVisibleColour(doc: vscode.TextDocument): void {
  if (doc.languageId !== 'cmlog' || asked.has(doc) || !isTooLargeForTokenization(doc)) return;
  asked.add(doc);
  vscode.languages
    .registerDocumentRangeSemanticTokensProvider(
      NO_DOCUMENT,
      { provideDocumentRangeSemanticTokens: () => null },
      NO_TOKENS,
    )
    .dispose();
}
