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

/** When the visible colour is asked: when the log becomes `cmlog`, and once the server has indexed it. */
export type Moment = 'opened' | 'indexed';
const asked = new WeakMap<vscode.TextDocument, Set<Moment>>();

/** A selector no document has (no such scheme): the provider registered with it is never asked for anything. */
const NO_DOCUMENT: vscode.DocumentSelector = { language: 'cmlog', scheme: 'cmlogs-no-document' };
const NO_TOKENS = new vscode.SemanticTokensLegend(['logError']);

/**
 * Makes VS Code ask the server for the tokens of the visible lines of `doc`'s editors when its log is too big for
 * VS Code to tokenize, once at each moment:
 * - 'opened', as soon as the extension host learns the log is `cmlog`: the server answers at once with the text's
 *   tokens while it parses (server.ts textTokensWhileIndexing). This used to wait until the log's severity ranges
 *   came back from the server (48 MB log in code-server at load 9: 1.5 s after the extension host had the document,
 *   and the range request 0.9 s after that).
 * - 'indexed', when its severity ranges came back: for the records' severities on the same screen. The server also
 *   sends workspace/semanticTokens/refresh then, but the extension host of code-server 4.100.3 (VS Code 1.100)
 *   registers a range provider without its change event, so VS Code does not ask again for that. In the rare case
 *   where the first answer is still on its way, VS Code cancels it and asks again (seen once: colour 2 s later).
 */
export function askForVisibleColour(doc: vscode.TextDocument, moment: Moment): void {
  if (doc.languageId !== 'cmlog' || !isTooLargeForTokenization(doc)) return;
  const done = asked.get(doc) ?? new Set<Moment>();
  if (done.has(moment)) return;
  done.add(moment);
  asked.set(doc, done);
  vscode.languages
    .registerDocumentRangeSemanticTokensProvider(
      NO_DOCUMENT,
      { provideDocumentRangeSemanticTokens: () => null },
      NO_TOKENS,
    )
    .dispose();
}
