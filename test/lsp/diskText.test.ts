// A big log opened without its text (issue #23): the client's claim (client/src/diskText.ts: UTF-8 byte count,
// SHA-1, lines, length) instead of the text in didOpen, checked by the real server against the file
// (server/src/logDocument.ts). What the server answers from a claim must be what it answers from the text; a claim
// is made only for a big log that is its file; a file that no longer holds the claimed text is never read as the
// document: the server asks for the text.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fakeVscode, useFake } from '../support/fakeVscode';
import { TestClient, uri } from './lspClient';
import { DISK_TEXT_PREFIX, RESEND_TEXT_NOTIFICATION, type DiskTextClaim } from '../../server/src/protocol';

const fake = fakeVscode();
(fake.vscode as unknown as Record<string, unknown>).EndOfLine = { LF: 1, CRLF: 2 };
useFake(fake);
const { diskTextClaim, DISK_TEXT_MIN_LENGTH } =
  require('../../client/src/diskText') as typeof import('../../client/src/diskText');
type Doc = Parameters<typeof diskTextClaim>[0];

/** A VS Code TextDocument of `text` (its EOL normalised, as VS Code's model does) for the file at `path`. */
function editorDocument(path: string, text: string, dirty = false): Doc {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r\n|\r|\n/);
  const starts = [0];
  for (const line of lines) starts.push(starts[starts.length - 1] + line.length + eol.length);
  const { Position, Range } = fake.vscode as unknown as {
    Position: new (l: number, c: number) => { line: number; character: number };
    Range: new (
      a: unknown,
      b: unknown,
    ) => { start: { line: number; character: number }; end: { line: number; character: number } };
  };
  const offsetAt = (p: { line: number; character: number }) => starts[p.line] + p.character;
  const positionAt = (offset: number) => {
    let line = 0;
    while (line + 1 < lines.length && starts[line + 1] <= offset) line++;
    return new Position(line, Math.min(offset - starts[line], lines[line].length));
  };
  const joined = lines.join(eol);
  return {
    uri: { scheme: 'file', fsPath: path, toString: () => uri(path) },
    isUntitled: false,
    isDirty: dirty,
    lineCount: lines.length,
    eol: eol === '\r\n' ? 2 : 1,
    lineAt: (n: number) => ({ text: lines[n], range: new Range(new Position(n, 0), new Position(n, lines[n].length)) }),
    offsetAt,
    positionAt,
    getText: (range?: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
      range ? joined.slice(offsetAt(range.start), offsetAt(range.end)) : joined,
  } as unknown as Doc;
}

const GUID = '7d2c9a1e-3b4f-4e5d-8c6b-1a2b3c4d5e6f';
/** A CMTrace log of at least `minChars` characters, with errors, GUIDs and a non-ASCII component now and then. */
function bigLog(minChars: number, eol = '\r\n'): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < minChars; i++) {
    const type = i % 50 === 0 ? 3 : i % 17 === 0 ? 2 : 1;
    const line = `<![LOG[Job {${GUID}} step ${i}${type === 3 ? ' failed 0x80070005' : ''} Überprüfung]LOG]!><time="10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000+000" date="12-03-2026" component="CAS" context="" type="${type}" thread="7" file="x.cpp">${eol}`;
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

let root: string;
before(() => (root = mkdtempSync(join(tmpdir(), 'cmlogs-disktext-'))));
after(() => rmSync(root, { recursive: true, force: true }));

describe('the claim the client makes', () => {
  test('a big log that is its file (CRLF, LF, a UTF-8 BOM): its bytes, their SHA-1, lines and length', () => {
    for (const [name, eol, bom] of [
      ['crlf.log', '\r\n', ''],
      ['lf.log', '\n', ''],
      ['bom.log', '\r\n', '\ufeff'],
    ] as const) {
      const file = join(root, name);
      const text = bigLog(DISK_TEXT_MIN_LENGTH, eol);
      writeFileSync(file, bom + text);
      const claim = diskTextClaim(editorDocument(file, text))!;
      assert.ok(claim, name);
      assert.equal(claim.bytes, Buffer.byteLength(text));
      assert.equal(claim.bom, bom !== '');
      assert.equal(claim.length, text.length);
      assert.equal(claim.lineCount, text.split(eol).length);
    }
  });

  test('none for a small log, unsaved changes, another encoding (UTF-16), a file shorter than the text', () => {
    const small = join(root, 'small.log');
    writeFileSync(small, bigLog(10_000));
    assert.equal(diskTextClaim(editorDocument(small, bigLog(10_000))), null);
    const file = join(root, 'dirty.log');
    const text = bigLog(DISK_TEXT_MIN_LENGTH);
    writeFileSync(file, text);
    assert.equal(diskTextClaim(editorDocument(file, text, true)), null, 'dirty');
    const utf16 = join(root, 'utf16.log');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    assert.equal(diskTextClaim(editorDocument(utf16, text)), null, 'UTF-16');
    const cut = join(root, 'cut.log');
    writeFileSync(cut, text.slice(0, text.length - 100));
    assert.equal(diskTextClaim(editorDocument(cut, text)), null, 'the file is shorter than the text');
  });
});

describe('the server, opened by a claim', () => {
  let lsp: TestClient;
  const resent: string[] = [];
  before(async () => {
    lsp = new TestClient();
    lsp.connection.onNotification(RESEND_TEXT_NOTIFICATION, (p: { uri: string }) => void resent.push(p.uri));
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  const claimText = (claim: DiskTextClaim) => DISK_TEXT_PREFIX + JSON.stringify(claim);
  const tokens = (docUri: string, line: number) =>
    lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri: docUri },
      range: { start: { line, character: 0 }, end: { line: line + 40, character: 0 } },
    });

  test('answers as from the text: problems, colours at the top and the bottom, a hover', async () => {
    const text = bigLog(DISK_TEXT_MIN_LENGTH + 1000);
    const byClaim = join(root, 'claimed', 'CAS.log');
    const byText = join(root, 'texted', 'CAS.log');
    for (const file of [byClaim, byText]) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, text);
    }
    const claim = diskTextClaim(editorDocument(byClaim, text))!;
    const a = await lsp.open(byClaim, 'cmlog', claimText(claim));
    const b = await lsp.open(byText, 'cmlog', text);
    const [da, db] = [await lsp.diagnosticsFor(a, 60_000), await lsp.diagnosticsFor(b, 60_000)];
    assert.ok(da.length > 0);
    assert.deepEqual(da, db);
    const last = claim.lineCount - 41;
    assert.deepEqual((await tokens(a, 0)).data, (await tokens(b, 0)).data);
    assert.deepEqual((await tokens(a, last)).data, (await tokens(b, last)).data);
    assert.ok((await tokens(a, last)).data.length > 0);
    const position = { line: last + 5, character: text.split('\r\n')[last + 5].indexOf(GUID) + 3 };
    const [ha, hb] = await Promise.all(
      [a, b].map((u) => lsp.request('textDocument/hover', { textDocument: { uri: u }, position })),
    );
    assert.ok(ha);
    assert.deepEqual(JSON.parse(JSON.stringify(ha).replaceAll('claimed', 'texted')), hb);
    assert.deepEqual(resent, []);
  });

  test('a log that grew after the claim: the claimed lines are the document, the rest comes as an edit', async () => {
    const file = join(root, 'Growing.log');
    const text = bigLog(DISK_TEXT_MIN_LENGTH);
    writeFileSync(file, text);
    const claim = diskTextClaim(editorDocument(file, text))!;
    appendFileSync(file, bigLog(5000));
    const docUri = await lsp.open(file, 'cmlog', claimText(claim));
    await lsp.diagnosticsFor(docUri, 60_000);
    const ranges = await lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri: docUri },
      range: { start: { line: claim.lineCount - 3, character: 0 }, end: { line: claim.lineCount + 50, character: 0 } },
    });
    // Tokens only up to the claimed last line (an empty line after the last CRLF): none past it.
    let line = 0;
    for (let i = 0; i < ranges.data.length; i += 5) line += ranges.data[i];
    assert.ok(claim.lineCount - 3 + line < claim.lineCount, `a token on line ${claim.lineCount - 3 + line}`);
    assert.ok(!resent.includes(docUri));
  });

  test('a file rewritten since the claim (same size, other bytes): not read as the document; its text is asked for', async () => {
    const file = join(root, 'Rewritten.log');
    const text = bigLog(DISK_TEXT_MIN_LENGTH);
    writeFileSync(file, text);
    const claim = diskTextClaim(editorDocument(file, text))!;
    writeFileSync(file, text.replaceAll('step', 'STEP'));
    const docUri = await lsp.open(file, 'cmlog', claimText(claim));
    assert.deepEqual(await lsp.diagnosticsFor(docUri, 60_000), [], 'nothing from the rewritten file');
    assert.ok(resent.includes(docUri), 'the server asked for the text');
    // The client then closes and opens it with its text: answered from that text.
    await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri: docUri } });
    await lsp.open(file, 'cmlog', text);
    const hover = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: docUri },
      position: { line: 0, character: text.indexOf(GUID) + 3 },
    });
    assert.ok(hover && hover.contents.value.length > 0);
  });

  test('not a claim (bad JSON, a wrong hash) is never read from the file', async () => {
    const file = join(root, 'Bad.log');
    const text = bigLog(DISK_TEXT_MIN_LENGTH);
    writeFileSync(file, text);
    const claim = diskTextClaim(editorDocument(file, text))!;
    const docUri = await lsp.open(file, 'cmlog', claimText({ ...claim, sha1: '0'.repeat(40) }));
    assert.deepEqual(await lsp.diagnosticsFor(docUri, 60_000), []);
    assert.ok(resent.includes(docUri));
    const other = join(root, 'Bad2.log');
    writeFileSync(other, text);
    const u2 = await lsp.open(other, 'cmlog', DISK_TEXT_PREFIX + '{"bytes":');
    assert.deepEqual(await lsp.diagnosticsFor(u2, 60_000), []);
  });
});
