// A big log's didOpen without its text (issue #23). VS Code hands an extension every opened document under 50 MB,
// and vscode-languageclient sends its whole text to the server: for a 48 MB log a 48-96 MB string joined, serialised
// and written by the extension host, read and parsed by the server, which then reads the same bytes from the file
// (server/src/logDocument.ts) and throws the text away. A log the editor shows as it is on disk (no unsaved change,
// UTF-8: nearly always, a log is read, not edited) is sent as a claim instead: its UTF-8 byte count, their SHA-1,
// its line count and length (server/src/protocol.ts, DiskTextClaim). The server checks the claim against the file
// and reads the lines from it; when the file no longer holds that text it asks for the text
// (RESEND_TEXT_NOTIFICATION), and this side sends it. Anything else is sent as always: its text.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';
import { DISK_TEXT_PREFIX, RESEND_TEXT_NOTIFICATION, type DiskTextClaim } from '../../server/src/protocol';

/** From this length (UTF-16 code units) a log that is its file is opened by a claim instead of its text. */
export const DISK_TEXT_MIN_LENGTH = 4_000_000;
/** Bytes of the file's start compared with the text's before the whole text is hashed: another encoding fails here. */
const HEAD_BYTES = 4096;

/** The didOpen middleware: a claim for a big log that is its file, else the document as it is. */
export const didOpenWithoutText: NonNullable<Middleware['didOpen']> = (document, next) => {
  let claim: DiskTextClaim | null = null;
  try {
    claim = diskTextClaim(document);
  } catch {
    // Unreadable file, or anything unexpected: the text goes, as always.
  }
  return next(claim ? claimed(document, claim) : document);
};

/** The server found the file changed since the claim: the document goes again, with its text. */
export function resendTextOnRequest(client: LanguageClient): void {
  client.onNotification(RESEND_TEXT_NOTIFICATION, ({ uri }: { uri: string }) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (!doc || doc.isClosed) return;
    void client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    void client.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: doc.languageId, version: doc.version, text: doc.getText() },
    });
  });
}

/**
 * What the server needs to check that `doc` is its file's text: null unless it is a big log on disk with no unsaved
 * change whose file starts with the text's first bytes (UTF-8) and holds at least as many bytes as the text. Runs
 * synchronously (no other event of the document can come between) over the document's own lines: no copy of the
 * whole text is made.
 */
export function diskTextClaim(doc: vscode.TextDocument): DiskTextClaim | null {
  if (doc.uri.scheme !== 'file' || doc.isUntitled || doc.isDirty) return null;
  const last = doc.lineAt(doc.lineCount - 1);
  const length = doc.offsetAt(last.range.end);
  if (length < DISK_TEXT_MIN_LENGTH) return null;
  const file = fileHead(doc.uri.fsPath);
  if (!file) return null;
  const head = Buffer.from(doc.getText(new vscode.Range(new vscode.Position(0, 0), doc.positionAt(HEAD_BYTES))));
  const compared = Math.min(HEAD_BYTES, head.length);
  if (!head.subarray(0, compared).equals(file.head.subarray(0, compared))) return null;
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const hash = createHash('sha1');
  let bytes = 0;
  for (let line = 0; line < doc.lineCount; line++) {
    const text = doc.lineAt(line).text;
    hash.update(text, 'utf8');
    bytes += Buffer.byteLength(text, 'utf8');
    if (line < doc.lineCount - 1) {
      hash.update(eol);
      bytes += eol.length;
    }
  }
  if (file.bom + bytes > file.size) return null;
  return { bytes, bom: file.bom > 0, sha1: hash.digest('hex'), lineCount: doc.lineCount, length };
}

/** The file's size, its UTF-8 BOM's length and its first bytes after it; null when it cannot be read. */
function fileHead(path: string): { size: number; bom: number; head: Buffer } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Buffer.alloc(HEAD_BYTES + 3);
    const got = readSync(fd, start, 0, start.length, 0);
    const bom = got >= 3 && start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf ? 3 : 0;
    return { size, bom, head: start.subarray(bom, got) };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** `doc` as vscode-languageclient sends it, with the claim for its text (its other members are the document's). */
function claimed(doc: vscode.TextDocument, claim: DiskTextClaim): vscode.TextDocument {
  const text = DISK_TEXT_PREFIX + JSON.stringify(claim);
  // The document is frozen: an object on top of it, with a getText of its own.
  return Object.create(doc, { getText: { value: () => text } }) as vscode.TextDocument;
}
