// Big logs and big workspaces through the real server (issue #23): the Problems panel keeps the newest records
// and says how many more exist, a request sent the moment a multi-megabyte log is opened is answered from it,
// opening a log reads only that log, cross-file features read its folder (with progress), and logs read from
// disk are dropped again, least recently used first, beyond the memory budget.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestClient, uri, type Diagnostic } from './lspClient';
import { DISK_TEXT_PREFIX, Requests, type IndexStatus } from '../../server/src/protocol';
import { LogDocuments, lineStartsIfMirrors } from '../../server/src/logDocument';
import { LogWorkspace } from '../../server/src/workspace';

const mirrorsDisk = (file: string, text: string) => lineStartsIfMirrors(file, text) !== null;

const SHARED_GUID = '0b1f3c3e-5d7a-4e6b-9c2d-8a7f6e5d4c3b';

/** One CMTrace record; `type` 1 info, 2 warning, 3 error. */
function cmtrace(message: string, second: number, type: 1 | 2 | 3, component = 'CAS'): string {
  const hh = String(Math.floor(second / 3600) % 24).padStart(2, '0');
  const mm = String(Math.floor(second / 60) % 60).padStart(2, '0');
  const ss = String(second % 60).padStart(2, '0');
  return `<![LOG[${message}]LOG]!><time="${hh}:${mm}:${ss}.000+000" date="12-03-2026" component="${component}" context="" type="${type}" thread="7" file="x.cpp">\r\n`;
}

/** A log of `records` records; every `errorEvery`-th an error, every `warningEvery`-th (otherwise) a warning. */
function generatedLog(records: number, errorEvery: number, warningEvery: number): string {
  const lines: string[] = [];
  for (let i = 0; i < records; i++) {
    if (i % errorEvery === 0)
      lines.push(cmtrace(`Download of job {${SHARED_GUID}} failed, record ${i}, error 0x80070005`, i, 3));
    else if (i % warningEvery === 0) lines.push(cmtrace(`Retrying content location request ${i}`, i, 2));
    else lines.push(cmtrace(`Content location request ${i} for {${SHARED_GUID}} sent to the management point`, i, 1));
  }
  return lines.join('');
}

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'cmlogs-big-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('Problems panel over the cap', () => {
  let lsp: TestClient;
  before(async () => {
    lsp = new TestClient();
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  test("the newest 1,000 are listed, one entry says how many older ones are not, and the counts are the log's", async () => {
    const file = join(root, 'ContentTransferManager.log');
    writeFileSync(file, generatedLog(6000, 4, 7)); // 1,500 errors; warnings: i % 7 === 0 and i % 4 !== 0
    const errors = 1500;
    const warnings = Array.from({ length: 6000 }, (_, i) => i).filter((i) => i % 4 !== 0 && i % 7 === 0).length;
    const docUri = await lsp.open(file);
    const diagnostics = await lsp.diagnosticsFor(docUri);
    const records = diagnostics.filter((d) => d.code !== 'cmlogs.unlisted');
    const notes = diagnostics.filter((d) => d.code === 'cmlogs.unlisted');
    assert.equal(records.length, 1000);
    assert.equal(notes.length, 1);
    // The last record of the log (line 6000) is an error or warning? Record 5999: 5999 % 7 = 0 → a warning.
    assert.equal(Math.max(...records.map((d) => d.range.start.line)), 5999, 'the newest problem is listed');
    assert.ok(Math.min(...records.map((d) => d.range.start.line)) > 3000, 'the oldest are the ones left out');
    const unlisted = errors + warnings - 1000;
    assert.match(
      notes[0].message,
      new RegExp(`newest 1,000 of the ${(errors + warnings).toLocaleString('en-US')} problems`),
    );
    assert.match(notes[0].message, new RegExp(`${unlisted.toLocaleString('en-US')} more`));
    assert.match(notes[0].message, /1,500 error\(s\)/);
    assert.match(notes[0].message, /Open in Timeline.*Errors filter.*cmlogs\.diagnostics\.maxPerFile/);
    assert.equal(notes[0].severity, 3, 'an information entry: VS Code does not count it as an error or warning');
    const newestUnlisted = Math.min(...records.map((d) => d.range.start.line)); // 0-based line of the oldest listed
    assert.match(
      notes[0].message,
      new RegExp(`up to line ${lastProblemLineBefore(newestUnlisted + 1).toLocaleString('en-US')},`),
    );

    const stats = (await lsp.ask(Requests.fileStats, { uri: docUri }))!;
    assert.equal(stats.errors, errors, 'the status bar counts every error record');
    assert.equal(stats.warnings, warnings);
    assert.deepEqual(stats.problems, { errors, warnings, information: 0, listed: 1000 });
  });

  test('a log under the cap lists every problem and no note', async () => {
    const file = join(root, 'CAS.log');
    writeFileSync(file, generatedLog(200, 10, 7));
    const diagnostics = await lsp.diagnosticsFor(await lsp.open(file));
    assert.equal(diagnostics.filter((d: Diagnostic) => d.code === 'cmlogs.unlisted').length, 0);
    assert.equal(diagnostics.filter((d) => d.severity === 1).length, 20);
  });
});

/** The 1-based line of the last error or warning of the generated log (6000, 4, 7) before 1-based `line`. */
function lastProblemLineBefore(line: number): number {
  for (let i = line - 2; i >= 0; i--) if (i % 4 === 0 || i % 7 === 0) return i + 1;
  return 0;
}

describe('early requests on a multi-megabyte log', () => {
  let lsp: TestClient;
  before(async () => {
    lsp = new TestClient();
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  test('hover, references, semantic tokens and stats sent right after didOpen are answered from the log', async () => {
    const file = join(root, 'big', 'DataTransferService.log');
    mkdirSync(join(root, 'big'), { recursive: true });
    const text = generatedLog(40_000, 50, 9);
    writeFileSync(file, text);
    assert.ok(text.length > 6e6, `${text.length} characters`);
    const docUri = uri(file);
    const lastLine = 39_999;
    const lastLineText = text.slice(text.lastIndexOf('<![LOG['));
    const guidAt = { line: lastLine, character: lastLineText.indexOf(SHARED_GUID) + 3 };
    // No await between the notification and the requests: they reach the server while it parses.
    void lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'cmlog', version: 1, text },
    });
    const [hover, refs, tokens, stats] = await Promise.all([
      lsp.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: docUri },
        position: guidAt,
      }),
      lsp.request<unknown[]>('textDocument/references', {
        textDocument: { uri: docUri },
        position: guidAt,
        context: { includeDeclaration: true },
      }),
      lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
        textDocument: { uri: docUri },
        range: { start: { line: 39_900, character: 0 }, end: { line: 40_000, character: 0 } },
      }),
      lsp.ask(Requests.fileStats, { uri: docUri }),
    ]);
    assert.ok(hover, 'the hover is answered');
    const withGuid = Array.from({ length: 40_000 }, (_, i) => i).filter((i) => i % 50 === 0 || i % 9 !== 0).length; // warnings name no job
    assert.match(hover.contents.value, new RegExp(`Appears \\*\\*${withGuid}\\*\\* times in \\*\\*1\\*\\* file`));
    assert.equal(refs.length, withGuid);
    assert.equal(tokens.data.length / 5, 2 + 11, 'two error and eleven warning lines in the last hundred'); // 39900..39999: %50 → 2, %9 (not %50) → 11
    assert.equal(stats?.records, 40_000);
  });
});

describe("a big log's first screen is coloured first", () => {
  let lsp: TestClient;
  before(async () => {
    lsp = new TestClient();
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  // The editor asks for the visible range's tokens the moment a big log opens; they waited behind the diagnostics
  // (the 1,000 newest problems built and sent) and a full garbage collection: about a second on a 48 MB log.
  test('the visible range asked with the didOpen is answered before the diagnostics are published', async () => {
    const file = join(root, 'first-screen', 'CAS.log');
    mkdirSync(join(root, 'first-screen'), { recursive: true });
    const text = generatedLog(60_000, 50, 9);
    writeFileSync(file, text);
    const docUri = uri(file);
    void lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'cmlog', version: 1, text },
    });
    const tokens = await lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri: docUri },
      range: { start: { line: 0, character: 0 }, end: { line: 49, character: 0 } },
    });
    assert.equal(lsp.publishedDiagnostics(docUri), undefined, 'no diagnostics before the first screen');
    assert.equal(tokens.data.length / 5, 1 + 5, 'lines 0-49: one error (0) and five warnings (9..45)');
    assert.ok((await lsp.diagnosticsFor(docUri)).length > 0, 'then the diagnostics');
  });
});

describe("a log too big for VS Code's tokenizer: its text coloured while it is parsed", () => {
  let lsp: TestClient;
  let refreshes = 0;
  let refreshed: () => void = () => undefined;
  before(async () => {
    lsp = new TestClient();
    await lsp.initialize(root, { semanticTokens: { refreshSupport: true } });
    lsp.connection.onRequest('workspace/semanticTokens/refresh', () => {
      refreshes++;
      refreshed();
      return null;
    });
  });
  after(() => lsp.stop());

  /** Characters of `line` the tokens cover (the severity fill covers an error line whole). */
  const covered = (data: number[], line: number) => {
    let at = 0;
    let sum = 0;
    for (let i = 0; i < data.length; i += 5) {
      at += data[i];
      if (at === line) sum += data[i + 2];
    }
    return sum;
  };

  test('the first screen asked with the didOpen: its text tokens at once, then a refresh brings the severities', async () => {
    const file = join(root, 'tokenizer-off', 'CAS.log');
    mkdirSync(join(root, 'tokenizer-off'), { recursive: true });
    const text = generatedLog(150_000, 50, 9); // over 20 MiB: VS Code would not tokenize it
    writeFileSync(file, text);
    assert.ok(text.length > 20 * 1024 * 1024, `${text.length} characters`);
    const body = Buffer.from(text);
    const claim = {
      bytes: body.length,
      bom: false,
      sha1: createHash('sha1').update(body).digest('hex'),
      lineCount: 150_001,
      length: text.length,
    };
    const docUri = uri(file);
    const gotRefresh = new Promise<void>((resolve) => (refreshed = resolve));
    void lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'cmlog', version: 1, text: DISK_TEXT_PREFIX + JSON.stringify(claim) },
    });
    const range = { start: { line: 0, character: 0 }, end: { line: 49, character: 0 } };
    const early = await lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri: docUri },
      range,
    });
    const firstLine = text.slice(0, text.indexOf('\r\n'));
    const guids = (data: number[]) => data.filter((_, i) => i % 5 === 3 && data[i] === 4).length; // logGuid
    assert.equal(guids(early.data), 45, 'the GUIDs of lines 0-49 (every line but the five warnings)');
    assert.ok(covered(early.data, 0) < firstLine.length, 'no severity yet: the error line is not filled');
    assert.equal(lsp.publishedDiagnostics(docUri), undefined, 'answered while the log was parsed');
    await gotRefresh;
    const after = await lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri: docUri },
      range,
    });
    assert.equal(covered(after.data, 0), firstLine.length, 'the error line filled once the log is indexed');
    assert.equal(guids(after.data), 45);
    assert.equal(refreshes, 1, 'one refresh');
  });
});

describe('a log opened as it is on disk is parsed from its file, any other text from the text', () => {
  let lsp: TestClient;
  before(async () => {
    lsp = new TestClient();
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  test('an edit sent while the file is being parsed wins over the parse', async () => {
    const file = join(root, 'big', 'CAS.log');
    mkdirSync(join(root, 'big'), { recursive: true });
    const text = generatedLog(30_000, 50, 9);
    writeFileSync(file, text);
    const docUri = uri(file);
    const edited = generatedLog(3, 1, 9); // three error records, typed over the whole buffer
    void lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'cmlog', version: 1, text },
    });
    void lsp.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: docUri, version: 2 },
      contentChanges: [{ text: edited }],
    });
    const stats = (await lsp.ask(Requests.fileStats, { uri: docUri }))!;
    assert.deepEqual([stats.records, stats.errors], [3, 3]);
    await new Promise((r) => setTimeout(r, 500)); // a parse of the file that ended late must not come back
    const later = (await lsp.ask(Requests.fileStats, { uri: docUri }))!;
    assert.equal(later.records, 3);
  });

  test('an unsaved buffer (not the file) is parsed from its text', async () => {
    const file = join(root, 'big', 'PolicyAgent.log');
    writeFileSync(file, generatedLog(100, 10, 9));
    const docUri = await lsp.open(file, 'cmlog', generatedLog(7, 2, 9));
    const stats = (await lsp.ask(Requests.fileStats, { uri: docUri }))!;
    assert.deepEqual([stats.records, stats.errors], [7, 4]);
  });

  test('closed, a log parsed from its file is not read again; an unsaved buffer gives way to the file', async () => {
    const same = join(root, 'big', 'LocationServices.log');
    const edited = join(root, 'big', 'PolicyAgent.log'); // opened with other text above
    writeFileSync(same, generatedLog(50, 10, 9));
    const sameUri = await lsp.open(same);
    await lsp.ask(Requests.fileStats, { uri: sameUri });
    for (const docUri of [sameUri, uri(edited)])
      await lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri: docUri } });
    let status: IndexStatus;
    const until = Date.now() + 5000;
    while (!(status = await lsp.ask(Requests.indexStatus, {})).reads[uri(edited)] && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(status.reads[uri(edited)], 1, 'the disk copy replaces the closed buffer');
    assert.equal(status.reads[sameUri], undefined, 'the parse of the file is kept');
    const stats = (await lsp.ask(Requests.fileStats, { uri: uri(edited) }))!;
    assert.equal(stats.records, 100);
  });

  test('a document is its file: the same bytes (after a UTF-8 BOM) only', () => {
    const file = join(root, 'mirror.log');
    const text = 'héllo wörld \u{1F600}\r\n'.repeat(200_000); // > 1 MB: several slices, a pair on a boundary somewhere
    writeFileSync(file, text);
    assert.equal(mirrorsDisk(file, text), true);
    assert.equal(mirrorsDisk(file, text.slice(0, -1)), false);
    const near = text.lastIndexOf('ö');
    assert.equal(
      mirrorsDisk(file, `${text.slice(0, near)}o${text.slice(near + 1)}`),
      false,
      'one character changed near the end',
    );
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    assert.equal(mirrorsDisk(file, text), true, 'the BOM is not in the editor text');
    assert.equal(mirrorsDisk(join(root, 'missing.log'), text), false);
    assert.equal(mirrorsDisk(root, ''), false, 'a folder');
  });
});

describe('lazy indexing', () => {
  let lsp: TestClient;
  let a: string;
  let b: string;
  before(async () => {
    a = join(root, 'lazy', 'CLIENT01');
    b = join(root, 'lazy', 'CLIENT02');
    for (const folder of [a, b]) {
      mkdirSync(folder, { recursive: true });
      for (const name of ['CAS.log', 'ContentTransferManager.log', 'DataTransferService.log'])
        writeFileSync(join(folder, name), generatedLog(300, 30, 7));
    }
    lsp = new TestClient({ index: { memoryBudgetMB: 0.06 } }); // each log is ~39 KB: a folder's three exceed the budget
    await lsp.initialize(join(root, 'lazy'));
  });
  after(() => lsp.stop());

  const status = () => lsp.ask(Requests.indexStatus, {});
  const referencesFrom = (file: string) =>
    lsp.request<Array<{ uri: string }>>('textDocument/references', {
      textDocument: { uri: uri(file) },
      position: { line: 1, character: 60 },
      context: { includeDeclaration: true },
    });

  test('opening a log reads nothing else, and a hover says the folder is not indexed', async () => {
    await new Promise((r) => setTimeout(r, 300)); // room for a startup scan, which must not happen
    const docUri = await lsp.open(join(a, 'CAS.log'));
    const hover = await lsp.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: docUri },
      position: { line: 1, character: 60 },
    });
    assert.match(hover.contents.value, /The 2 other log\(s\) of this folder are not indexed yet/);
    const s = await status();
    assert.deepEqual(s.reads, {}, 'nothing read from disk');
    assert.deepEqual(
      s.files.map((f) => [f.uri, f.open]),
      [[docUri, true]],
    );
    assert.equal(lsp.progress.length, 0);
  });

  test('Go to Definition (VS Code asks it whenever Ctrl is held over a word) reads no other log', async () => {
    const docUri = uri(join(a, 'CAS.log'));
    const at = { textDocument: { uri: docUri }, position: { line: 1, character: 60 } };
    const hover = await lsp.request<{ contents: { value: string } }>('textDocument/hover', at);
    const key = /\{?[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}?/i.exec(hover.contents.value);
    assert.ok(key, `a GUID under the position: ${hover.contents.value.slice(0, 200)}`);
    const definition = await lsp.request<{ uri: string } | null>('textDocument/definition', at);
    assert.equal(definition?.uri, docUri, 'its first appearance among the logs indexed: this one');
    const s = await status();
    assert.deepEqual(s.reads, {}, 'nothing read from disk');
    assert.equal(s.files.length, 1);
    assert.equal(lsp.progress.length, 0);
  });

  test('references read the folder of the log, under a progress item, and nothing beside it', async () => {
    const locations = await referencesFrom(join(a, 'CAS.log'));
    assert.deepEqual([...new Set(locations.map((l) => l.uri.split('/').pop()))].sort(), [
      'CAS.log',
      'ContentTransferManager.log',
      'DataTransferService.log',
    ]);
    const s = await status();
    assert.deepEqual(Object.keys(s.reads).sort(), [
      uri(join(a, 'ContentTransferManager.log')),
      uri(join(a, 'DataTransferService.log')),
    ]);
    const progress = lsp.progress.at(-1);
    assert.ok(progress?.ended, 'the progress item ended');
    assert.match(progress.title, /ConfigMgr Logs/);
    assert.match(progress.messages.join('\n'), /CLIENT01 \(2 logs\)[\s\S]*2 of 2 logs/);
  });

  test('beyond the budget, the logs needed longest ago are dropped, and read again when needed', async () => {
    await lsp.open(join(b, 'CAS.log'));
    await referencesFrom(join(b, 'CAS.log'));
    let s = await status();
    const indexed = s.files.map((f) => f.uri.split('/').slice(-2).join('/')).sort();
    assert.deepEqual(
      indexed,
      [
        'CLIENT01/CAS.log',
        'CLIENT02/CAS.log',
        'CLIENT02/ContentTransferManager.log',
        'CLIENT02/DataTransferService.log',
      ],
      "CLIENT01's logs read from disk were dropped; open logs stay",
    );
    assert.equal(s.budgetBytes, 60_000);
    const again = await referencesFrom(join(a, 'CAS.log'));
    const files = [...new Set(again.map((l) => l.uri.split('/').slice(-2).join('/')))].sort();
    assert.deepEqual(
      files,
      [
        'CLIENT01/CAS.log',
        'CLIENT01/ContentTransferManager.log',
        'CLIENT01/DataTransferService.log',
        'CLIENT02/CAS.log',
      ],
      'the folder is read again: references are complete',
    );
    s = await status();
    assert.equal(s.reads[uri(join(a, 'ContentTransferManager.log'))], 2);
  });
});

describe('a log too large for VS Code to tokenize is coloured by the server, by range', () => {
  let lsp: TestClient;
  before(async () => {
    lsp = new TestClient();
    types = ((await lsp.initialize(root)) as InitResult).capabilities.semanticTokensProvider.legend.tokenTypes;
  });
  after(() => lsp.stop());
  let types: string[];
  type InitResult = { capabilities: { semanticTokensProvider: { legend: { tokenTypes: string[] } } } };

  /** Decoded tokens: line, start, the token's text and its type's name. */
  function decode(data: number[], lines: string[], types: readonly string[]) {
    const out: Array<{ line: number; text: string; type: string }> = [];
    let line = 0;
    let start = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      start = data[i] === 0 ? start + data[i + 1] : data[i + 1];
      out.push({ line, text: lines[line].slice(start, start + data[i + 2]), type: types[data[i + 3]] });
    }
    return out;
  }

  test('over 20 MiB: the full request is refused (VS Code then asks by range), a range gets GUIDs, times, codes, markup', async () => {
    const file = join(root, 'huge', 'ContentTransferManager.log');
    mkdirSync(join(root, 'huge'), { recursive: true });
    const text = generatedLog(120_000, 50, 9);
    writeFileSync(file, text);
    assert.ok(text.length > 20 * 1024 * 1024, `${text.length} characters`);
    const docUri = await lsp.open(file, 'cmlog', text);
    await assert.rejects(
      lsp.request('textDocument/semanticTokens/full', { textDocument: { uri: docUri } }),
      (error: { code?: number }) => error.code === -32802,
      'ServerCancelled: VS Code keeps asking by range',
    );
    const lastLine = 119_999;
    const tokens = await lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri: docUri },
      range: { start: { line: lastLine - 50, character: 0 }, end: { line: lastLine + 1, character: 0 } },
    });
    const lines = text.split('\r\n');
    const decoded = decode(tokens.data, lines, types);
    assert.ok(decoded.every((t) => t.line >= lastLine - 50 && t.line <= lastLine));
    const error = decoded.filter((t) => t.line === lastLine - 49); // record 119950: an error (i % 50 === 0)
    assert.deepEqual(
      error.filter((t) => t.type !== 'logError').map((t) => [t.type, t.text]),
      [
        ['logMarkup', '<![LOG['],
        ['logGuid', `{${SHARED_GUID}}`],
        ['logMarkup', ']LOG]!><time="'],
        ['logTime', '09:19:10.000+000'],
        ['logMarkup', '" date="'],
        ['logDate', '12-03-2026'],
        ['logMarkup', '" component="'],
        ['logComponent', 'CAS'],
        ['logMarkup', '" context="" type="3" thread="7" file="x.cpp">'],
      ],
    );
    assert.ok(
      error.some((t) => t.type === 'logError' && t.text === '0x80070005'),
      'the failure code in the error colour',
    );
    assert.equal(
      error.map((t) => t.text).join(''),
      lines[lastLine - 49],
      'an error record is coloured from end to end, the rest of it in the error colour',
    );
    const info = decoded.filter((t) => t.line === lastLine - 48); // 119951: information
    assert.ok(!info.some((t) => t.type === 'logError' || t.type === 'logWarning'), 'information stays plain');
    assert.ok(info.some((t) => t.type === 'logGuid'));
  });
});

describe('an open log that is its file keeps no text: lines are read back from the file', () => {
  const fileUri = (file: string) => uri(file);

  test('lines (CRLF, LF, a lone CR, non-ASCII) read back as VS Code counts them', () => {
    const file = join(root, 'lines.log');
    const text = 'first ö\r\nsecond\nthird\rfourth \u{1F600}\r\n\r\nlast';
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const doc = LogDocuments.create(fileUri(file), 'cmlog', 1, text);
    assert.equal(doc.mirrorsDisk, true);
    assert.equal(doc.lineCount, 6);
    assert.equal(doc.length, text.length);
    assert.deepEqual(
      Array.from({ length: 6 }, (_, i) => doc.lineText(i)),
      ['first ö', 'second', 'third', 'fourth \u{1F600}', '', 'last'],
    );
    assert.equal(doc.getText(), text);
    const other = LogDocuments.create(fileUri(file), 'cmlog', 1, `${text}!`);
    assert.equal(other.mirrorsDisk, false, 'a buffer that is not the file keeps its text');
    assert.equal(other.lineText(5), 'last!');
  });

  test('a CR at the end of a 1 MB slice and an LF at the start of the next make one line break', () => {
    const file = join(root, 'slices.log');
    const text = `${'x'.repeat((1 << 20) - 1)}\r\nnext`;
    writeFileSync(file, text);
    const doc = LogDocuments.create(fileUri(file), 'cmlog', 1, text);
    assert.equal(doc.lineCount, 2);
    assert.equal(doc.lineText(1), 'next');
  });

  test('the log grew on disk and VS Code sent the addition: still read from the file; an edit makes it text', () => {
    const file = join(root, 'grows.log');
    const first = cmtrace('first', 1, 1) + cmtrace('second', 2, 3);
    writeFileSync(file, first);
    let doc = LogDocuments.create(fileUri(file), 'cmlog', 1, first);
    assert.equal(doc.lineCount, 3);
    const added = cmtrace('third', 3, 2);
    writeFileSync(file, first + added);
    const end = { line: 2, character: 0 };
    doc = LogDocuments.update(doc, [{ range: { start: end, end }, text: added }], 2);
    assert.equal(doc.mirrorsDisk, true, 'an append the file holds');
    assert.equal(doc.lineCount, 4);
    assert.equal(doc.length, (first + added).length);
    assert.match(doc.lineText(2), /third/);
    // A line rewritten at the end, as a diff of a reload can send it: the last line replaced from its start.
    const last = cmtrace('third, now longer', 3, 2);
    writeFileSync(file, first + last);
    doc = LogDocuments.update(doc, [{ range: { start: end, end: { line: 3, character: 0 } }, text: last }], 3);
    assert.equal(doc.mirrorsDisk, true);
    assert.match(doc.lineText(2), /now longer/);
    // The user types into the buffer: the file does not hold it, the document keeps its text from now on.
    doc = LogDocuments.update(
      doc,
      [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'typed ' }],
      4,
    );
    assert.equal(doc.mirrorsDisk, false);
    assert.equal(doc.getText(), `typed ${first}${last}`);
  });

  test('a file replaced meanwhile (a rollover) is not read as the old document', () => {
    const file = join(root, 'rolled.log');
    const first = cmtrace('before the rollover', 1, 1);
    writeFileSync(file, first);
    let doc = LogDocuments.create(fileUri(file), 'cmlog', 1, first);
    const replaced = cmtrace('after the rollover', 9, 1);
    writeFileSync(file, replaced);
    doc = LogDocuments.update(doc, [{ text: replaced }], 2);
    assert.equal(doc.getText(), replaced, 'a whole-text change is the new text');
    assert.equal(doc.mirrorsDisk, true);
  });
});

describe('server memory: an open log that is its file', () => {
  let lsp: TestClient;
  before(async () => {
    lsp = new TestClient();
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  test('hover, problems and a growing log answered from the file: text read back, records followed', async () => {
    const file = join(root, 'follow', 'CcmMessaging.log');
    mkdirSync(join(root, 'follow'), { recursive: true });
    const text = generatedLog(2000, 50, 9);
    writeFileSync(file, text);
    const docUri = await lsp.open(file, 'cmlog', text);
    const hover = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: docUri },
      position: { line: 1950, character: text.split('\r\n')[1950].indexOf('0x80070005') + 2 },
    });
    assert.match(hover?.contents.value ?? '', /E_ACCESSDENIED|ACCESS_DENIED|Access is denied/i);
    const added = cmtrace('Failed to send message, error 0x80072EE2', 2000, 3);
    writeFileSync(file, text + added);
    const end = { line: 2000, character: 0 };
    await lsp.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: docUri, version: 2 },
      contentChanges: [{ range: { start: end, end }, text: added }],
    });
    const stats = (await lsp.ask(Requests.fileStats, { uri: docUri }))!;
    assert.equal(stats.records, 2001);
    assert.equal(stats.errors, 41);
    const last = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: docUri },
      position: { line: 2000, character: added.indexOf('0x80072EE2') + 2 },
    });
    assert.match(last?.contents.value ?? '', /12002|TIMEOUT/i, 'the line added is read back from the file');
    const ranges = await lsp.ask(Requests.severityRanges, { uri: docUri });
    const warnings = Array.from({ length: 2000 }, (_, i) => i).filter((i) => i % 9 === 0 && i % 50 !== 0).length;
    assert.equal(ranges.filter((r) => r.severity === 'error').length, 41);
    assert.equal(ranges.filter((r) => r.severity === 'warning').length, warnings);
    assert.deepEqual(ranges[ranges.length - 1], { startLine: 2000, endLine: 2000, severity: 'error' });
  });
});

describe('a request that overtakes the didOpen of its document', () => {
  let lsp: TestClient;
  before(async () => {
    lsp = new TestClient();
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  test('severity ranges and tokens asked before didOpen wait for it instead of answering empty', async () => {
    const file = join(root, 'overtaken', 'UpdatesDeployment.log');
    mkdirSync(join(root, 'overtaken'), { recursive: true });
    const text = generatedLog(500, 50, 9);
    writeFileSync(file, text);
    const docUri = uri(file);
    const ranges = lsp.ask(Requests.severityRanges, { uri: docUri });
    const tokens = lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
      textDocument: { uri: docUri },
      range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
    });
    await new Promise((r) => setTimeout(r, 300)); // the requests reach the server first
    void lsp.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'cmlog', version: 1, text },
    });
    assert.equal((await ranges).filter((r) => r.severity === 'error').length, 10);
    assert.equal((await tokens).data.length / 5, 3 + 11, 'lines 0-100: errors 0, 50, 100; warnings 9, 18 … 99');
  });
});

describe('a request about a log the server has not opened', () => {
  let lsp: TestClient;
  let file: string;
  let text: string;
  before(async () => {
    file = join(root, 'unopened', 'ContentTransferManager.log');
    mkdirSync(join(root, 'unopened'), { recursive: true });
    text = generatedLog(2_000, 50, 9);
    writeFileSync(file, text);
    lsp = new TestClient();
    await lsp.initialize(root);
  });
  after(() => lsp.stop());

  /** Runs `request` and returns its answer and how long it took (ms). */
  async function timed<T>(request: () => Promise<T>): Promise<{ answer: T; ms: number }> {
    const t0 = Date.now();
    const answer = await request();
    return { answer, ms: Date.now() - t0 };
  }

  test('hover, severity ranges, tokens, symbols and stats are answered from its file at once, not after 30 s', async () => {
    const docUri = uri(file);
    const line = 1_999;
    const lineText = text.split('\r\n')[line];
    const hover = await timed(() =>
      lsp.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: docUri },
        position: { line, character: lineText.indexOf(SHARED_GUID) + 3 },
      }),
    );
    assert.ok(hover.ms < 10_000, `hover took ${hover.ms} ms`);
    const withGuid = Array.from({ length: 2_000 }, (_, i) => i).filter((i) => i % 50 === 0 || i % 9 !== 0).length;
    assert.match(hover.answer?.contents.value ?? '', new RegExp(`Appears \\*\\*${withGuid}\\*\\* times`));
    const ranges = await timed(() => lsp.ask(Requests.severityRanges, { uri: docUri }));
    assert.equal(ranges.answer.filter((r) => r.severity === 'error').length, 40);
    const tokens = await timed(() =>
      lsp.request<{ data: number[] }>('textDocument/semanticTokens/range', {
        textDocument: { uri: docUri },
        range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
      }),
    );
    assert.equal(tokens.answer.data.length / 5, 3 + 11, 'lines 0-100: errors 0, 50, 100; warnings 9, 18 … 99');
    assert.equal(tokens.answer.data[2], text.indexOf('\r\n'), 'line 0 whole: its length read from the file');
    const stats = await timed(() => lsp.ask(Requests.fileStats, { uri: docUri }));
    assert.equal(stats.answer?.records, 2_000);
    for (const { ms } of [ranges, tokens, stats]) assert.ok(ms < 10_000, `${ms} ms`);
    const status = await lsp.ask(Requests.indexStatus, {});
    assert.deepEqual(status.reads, { [docUri]: 1 }, 'read once, for every request');
    const refs = await timed(() =>
      lsp.request<unknown[]>('textDocument/references', {
        textDocument: { uri: docUri },
        position: { line, character: lineText.indexOf(SHARED_GUID) + 3 },
        context: { includeDeclaration: true },
      }),
    );
    assert.equal(refs.answer.length, withGuid);
    assert.ok(refs.ms < 10_000, `references took ${refs.ms} ms`);
  });

  test('the didOpen that follows takes that read: the same records, answered at once', async () => {
    const docUri = await lsp.open(file);
    const stats = await lsp.ask(Requests.fileStats, { uri: docUri });
    assert.equal(stats?.records, 2_000);
    const status = await lsp.ask(Requests.indexStatus, {});
    assert.deepEqual(
      status.files.filter((f) => f.uri === docUri).map((f) => f.open),
      [true],
    );
  });

  test('no file behind the URI (untitled, gone, a folder): answered at once as unknown', async () => {
    for (const docUri of [
      'untitled:Untitled-1',
      uri(join(root, 'unopened', 'Gone.log')),
      uri(join(root, 'unopened')),
    ]) {
      const t0 = Date.now();
      const hover = await lsp.request('textDocument/hover', {
        textDocument: { uri: docUri },
        position: { line: 0, character: 0 },
      });
      const ranges = await lsp.ask(Requests.severityRanges, { uri: docUri });
      const symbols = await lsp.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: docUri } });
      const tokens = await lsp.request<{ data: number[] }>('textDocument/semanticTokens/full', {
        textDocument: { uri: docUri },
      });
      assert.equal(hover, null, docUri);
      assert.deepEqual([ranges, symbols, tokens.data], [[], [], []], docUri);
      assert.ok(Date.now() - t0 < 5_000, `${docUri}: ${Date.now() - t0} ms`);
    }
  });
});

describe('LogWorkspace: a document opened after a read of its file takes that read', () => {
  /** A workspace that counts how often each file's records are (re)placed in the index, i.e. parsed whole. */
  function countingWorkspace(): { workspace: LogWorkspace; parses: () => number } {
    const workspace = new LogWorkspace();
    let parses = 0;
    const setFile = workspace.index.setFile.bind(workspace.index);
    workspace.index.setFile = (result) => {
      parses++;
      return setFile(result);
    };
    return { workspace, parses: () => parses };
  }
  const mirroring = (file: string) => ({ mirrorsDisk: true, getText: () => readFileSync(file, 'utf8') });
  let file: string;
  before(() => {
    file = join(root, 'adopt', 'CAS.log');
    mkdirSync(join(root, 'adopt'), { recursive: true });
    writeFileSync(file, generatedLog(300, 30, 7));
  });

  test('a read done: not parsed again', async () => {
    const { workspace, parses } = countingWorkspace();
    await workspace.ensureFile(file);
    workspace.openDocument(file, mirroring(file));
    await workspace.ready(file);
    assert.equal(parses(), 1);
    assert.equal(workspace.index.file(file)?.records.length, 300);
    assert.ok(workspace.isOpen(file));
  });

  test('a read in flight: awaited and taken, not parsed twice', async () => {
    const { workspace, parses } = countingWorkspace();
    const read = workspace.ensureFile(file);
    workspace.openDocument(file, mirroring(file));
    await Promise.all([read, workspace.ready(file)]);
    assert.equal(parses(), 1);
    assert.equal(workspace.index.file(file)?.records.length, 300);
  });

  test('the file changed since the read, or the editor shows other text: parsed again', async () => {
    const { workspace, parses } = countingWorkspace();
    await workspace.ensureFile(file);
    appendFileSync(file, cmtrace('One more record', 400, 3));
    workspace.openDocument(file, mirroring(file));
    await workspace.ready(file);
    assert.equal(parses(), 2);
    assert.equal(workspace.index.file(file)?.records.length, 301);
    workspace.closeDocument(file);
    const edited = cmtrace('Only this', 1, 1);
    workspace.openDocument(file, { mirrorsDisk: false, getText: () => edited });
    await workspace.ready(file);
    assert.equal(workspace.index.file(file)?.records.length, 1, 'the buffer, not the file');
  });
});
