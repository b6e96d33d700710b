// Which logs the server knows: open documents (their text wins) and the log files read from disk when a
// cross-file feature asks for them (references, the timeline, a diagnosis: the logs of a folder), so these also
// cover files VS Code never opened or withholds (>50 MB). Nothing is read that no request needed: opening a log
// indexes that log, and the logs read from disk are dropped again, least recently used first, once they add up
// to more than the budget (open documents are never dropped).
import { readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { folderBiasesFrom } from './core/clock';
import { findLogFilesInTree } from './core/files';
import { LogIndex } from './core/logIndex';
import { parseFilesParallel } from './core/parallel';
import { parseFile, type ParseResult } from './core/parse';
import { LiveFile, LiveText, type LiveChange } from './core/live';

const LOG_FILE = /\.(?:log|lo_)$/i;

/** What the workspace needs of an open document: whether it is its file's text, and the text when it is not. */
export interface OpenText {
  readonly mirrorsDisk: boolean;
  getText(): string;
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(path: string): string {
  return path.includes('://') || path.startsWith('untitled:') ? path : pathToFileURL(path).toString();
}

/** Reports how far the indexing of a set of logs is: `done` of `total` files read. */
export type IndexProgress = (done: number, total: number) => void;

export class LogWorkspace {
  readonly index = new LogIndex();
  /** Bytes (on disk) of the logs read from disk that the index keeps before it drops the least recently used. */
  budgetBytes = Infinity;
  /** When each file read from disk was last needed (a counter, not a clock: only the order matters). */
  private readonly lastUse = new Map<string, number>();
  private useClock = 0;
  /** How many times each file was read from disk (a test and the bench see what a request made the server read). */
  readonly reads = new Map<string, number>();
  private readonly open = new Set<string>();
  /** Folder scans, started or done: a second caller waits for the first instead of returning early. */
  private readonly folderScans = new Map<string, Promise<string[]>>();
  private readonly live = new Map<string, LiveFile>();
  /**
   * Files indexed by a plain parse, with what they were (identity, size, mtime) just before it. The plain parse
   * is two to three times faster than a followed one and keeps messages in the file, not on the heap; a file
   * that then changes is handed to a LiveFile, which reads it once more and from then on only what is added.
   */
  private readonly parsedAs = new Map<string, string>();
  private readonly buffers = new Map<string, LiveText>();
  /**
   * Reads from disk in flight, by file. The background scan of the workspace, a folder opened for the timeline and
   * the timeline's own request often ask for the same files at the same moment: they share one read.
   */
  private readonly reading = new Map<string, Promise<void>>();
  /** Open documents that are their file, waiting for a read of it already in flight: they take that read as theirs. */
  private readonly awaitingRead = new Set<string>();
  /** Open documents being parsed from their file (see openDocument): requests about them wait for it. */
  private readonly indexing = new Map<string, Promise<void>>();
  /** Open documents indexed from their file, with the file's state then: once closed, the file need not be read again. */
  private readonly openFromDisk = new Map<string, string>();
  /** Bumped at every open, change and close of a document: a parse that ends after a newer one is dropped. */
  private readonly versions = new Map<string, number>();

  /**
   * The user's offsets per folder (the `cmlogs.folderOffsets` setting: folder path or URI → "UTC+01:00"), for
   * the logs there that write local time with no zone. Returns the entries that could not be read.
   */
  setFolderOffsets(setting: unknown): string[] {
    const { biases, invalid } = folderBiasesFrom(setting, uriToPath);
    this.index.setUserBiases(biases);
    return invalid;
  }

  /**
   * An editor buffer, replacing any disk copy. A log opened as it is on disk (nearly always: a log is read, not
   * edited) is parsed from its file: the byte parse is about ten times faster than parsing the text (60 MB: 0.3 s
   * against 3 s) and keeps messages in the file instead of a second copy of the text on the heap (the document
   * keeps no text either: see logDocument.ts). Any other buffer is parsed from its text. Requests about the
   * document wait for the parse (`ready`).
   */
  openDocument(path: string, document: OpenText): void {
    const readAs = this.index.file(path) ? this.parsedAs.get(path) : undefined; // a plain parse of the file, done
    const inFlight = this.reading.get(path);
    this.open.add(path);
    this.live.delete(path);
    this.parsedAs.delete(path);
    this.buffers.delete(path);
    this.openFromDisk.delete(path);
    const version = this.bump(path);
    if (!document.mirrorsDisk) return this.indexText(path, document.getText());
    const current = () => this.versions.get(path) === version && this.open.has(path);
    const before = fileStateSync(path);
    // Read from the file already (a request overtook this didOpen, or the log was closed and opened again) and
    // unchanged since: that read is the document's index, the log is not parsed a second time.
    if (before !== null && readAs === before) {
      this.openFromDisk.set(path, before);
      return;
    }
    if (inFlight) this.awaitingRead.add(path);
    const job = (inFlight ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.awaitingRead.delete(path);
        if (!current()) return;
        const readNow = this.parsedAs.get(path);
        this.parsedAs.delete(path);
        if (inFlight && before !== null && readNow === before && this.index.file(path)) {
          this.openFromDisk.set(path, before);
          return;
        }
        return parseFile(path, { keys: true }).then((result) => {
          if (!current()) return result.records.release();
          this.index.setFile(result);
          if (before !== null) this.openFromDisk.set(path, before);
        });
      })
      .catch(() => {
        if (current()) this.indexText(path, document.getText()); // changed or locked since: what the editor shows
      })
      .finally(() => {
        if (this.indexing.get(path) === job) this.indexing.delete(path);
      });
    this.indexing.set(path, job);
  }

  /** Resolves once an open document's records are indexed (at once unless its parse from disk is running). */
  ready(path: string): Promise<void> {
    return this.indexing.get(path) ?? Promise.resolve();
  }

  private bump(path: string): number {
    const version = (this.versions.get(path) ?? 0) + 1;
    this.versions.set(path, version);
    return version;
  }

  private indexText(path: string, text: string): void {
    const buffer = new LiveText(path, text);
    this.buffers.set(path, buffer);
    this.index.setFile(buffer.result());
  }

  /**
   * The buffer changed. One that still is its file (VS Code reloads a log that grows on disk at every write) is
   * followed in its file: each change reads only what was added. A buffer parsed from its text parses only what a
   * log that grew added (any other edit parses it again); one parsed from its file that no longer is the file is
   * parsed from its text from now on.
   */
  updateDocument(path: string, document: OpenText): void {
    if (document.mirrorsDisk && !this.buffers.has(path)) return this.followDocument(path);
    const text = document.getText();
    this.live.delete(path);
    const buffer = this.buffers.get(path);
    this.bump(path);
    this.openFromDisk.delete(path);
    if (!buffer) {
      this.indexing.delete(path); // a parse of the file still running is dropped when it ends (versions)
      return this.indexText(path, text);
    }
    this.applyChange(path, buffer, buffer.update(text));
  }

  /**
   * Reads what an open document that is its file gained, in order with the reads before (a LiveFile: its first
   * update parses the file once more, later ones only the bytes added); requests wait for it (`ready`).
   */
  private followDocument(path: string): void {
    this.bump(path);
    this.openFromDisk.delete(path);
    let live = this.live.get(path);
    if (!live) this.live.set(path, (live = new LiveFile(path)));
    const follower = live;
    const stillFollowed = () => this.open.has(path) && this.live.get(path) === follower;
    const before = this.indexing.get(path) ?? Promise.resolve();
    const job = before
      .catch(() => undefined)
      .then(() => (stillFollowed() ? follower.update() : null))
      .then((change) => {
        if (change && stillFollowed()) this.applyChange(path, follower, change);
      })
      .catch(() => undefined) // unreadable now: the next change reads it again
      .finally(() => {
        if (this.indexing.get(path) === job) this.indexing.delete(path);
      });
    this.indexing.set(path, job);
  }

  closeDocument(path: string): void {
    const fromDisk = this.openFromDisk.get(path);
    this.openFromDisk.delete(path);
    // Indexed from the file: the index keeps that parse, as if read from disk (a later change is followed).
    if (fromDisk !== undefined && !this.indexing.has(path)) this.parsedAs.set(path, fromDisk);
    // A follow of the file still running is dropped: the disk copy is read afresh rather than half-followed.
    if (this.indexing.has(path)) this.live.delete(path);
    this.open.delete(path);
    this.buffers.delete(path);
    this.indexing.delete(path);
    this.bump(path);
    this.touch([path]);
  }

  /** Whether the logs beside `path`'s folder were read (or are being read) for a cross-file feature. */
  isFolderIndexed(folder: string): boolean {
    return this.folderScans.has(folder);
  }

  private applyChange(file: string, source: LiveFile | LiveText, change: LiveChange): void {
    if (change.kind === 'appended') {
      this.index.recordsChanged(file, change.keep);
    } else if (change.kind === 'rewritten') this.index.setFile(source.result());
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  /** Indexes the logs of `folder` once (a second caller waits for the first); `progress` hears of the files read. */
  async scanFolder(folder: string, progress?: IndexProgress): Promise<string[]> {
    let scan = this.folderScans.get(folder);
    if (!scan) this.folderScans.set(folder, (scan = this.readFolder(folder, progress)));
    const added = await scan;
    this.touch(logsOf(folder));
    return added;
  }

  /** The log files directly in `folder` now. */
  logsIn(folder: string): string[] {
    return logsOf(folder);
  }

  /** The number of logs in `folder` not indexed yet: what a scan of it would read. */
  unindexedLogsIn(folder: string): number {
    return logsOf(folder).filter((file) => !this.open.has(file) && !this.index.file(file)).length;
  }

  private async readFolder(folder: string, progress?: IndexProgress): Promise<string[]> {
    const logs = logsOf(folder).filter((file) => !this.open.has(file));
    // Those indexed already (parsed for a timeline, or by the workspace scan) are not added by this scan.
    const added = logs.filter((file) => this.reading.has(file) || !this.index.file(file));
    const inFlight = added.filter((file) => this.reading.has(file));
    await this.readAll(
      added.filter((file) => !this.reading.has(file)),
      progress,
    );
    for (const file of inFlight) await this.reading.get(file)?.catch(() => undefined);
    return added;
  }

  /** Marks files as needed now: the budget drops the ones needed longest ago first. */
  touch(files: Iterable<string>): void {
    for (const file of files) this.lastUse.set(file, ++this.useClock);
  }

  /**
   * Drops logs read from disk, least recently used first, until those left fit the budget. Open documents and
   * the files of the request being answered (`keep`) stay, even over the budget: the answer needs them. A folder
   * that loses a log is scanned again when a cross-file feature next needs it.
   */
  enforceBudget(keep: Set<string> = new Set()): string[] {
    if (!Number.isFinite(this.budgetBytes)) return [];
    const fromDisk = this.index.fileNames().filter((file) => !this.open.has(file) && !this.reading.has(file));
    const sizes = new Map(fromDisk.map((file) => [file, sizeOnDisk(file)]));
    let total = [...sizes.values()].reduce((a, b) => a + b, 0);
    const dropped: string[] = [];
    const oldestFirst = fromDisk
      .filter((file) => !keep.has(file))
      .sort((a, b) => (this.lastUse.get(a) ?? 0) - (this.lastUse.get(b) ?? 0));
    for (const file of oldestFirst) {
      if (total <= this.budgetBytes) break;
      total -= sizes.get(file)!;
      this.drop(file);
      dropped.push(file);
    }
    return dropped;
  }

  private drop(file: string): void {
    this.live.delete(file);
    this.parsedAs.delete(file);
    this.lastUse.delete(file);
    this.index.removeFile(file);
    this.folderScans.delete(dirname(file));
  }

  /**
   * The logs in `folder` as it is now, each indexed: a log written since the last call is read too. Folder scans
   * run once per folder and a watcher may be missing (network shares) or late, so a timeline of a folder asks
   * here at every request instead of trusting either.
   */
  async logsInFolder(folder: string, progress?: IndexProgress): Promise<string[]> {
    await this.scanFolder(folder, progress);
    const files = logsOf(folder);
    await this.readAll(files);
    for (const file of files) await this.ensureFile(file).catch(() => undefined); // unreadable now: the next request tries again
    this.touch(files);
    return files;
  }

  /** The logs under an opened workspace folder (bounded): what indexing the whole workspace reads. */
  workspaceLogs(root: string): string[] {
    return findLogFilesInTree(root, { maxFiles: 2000, maxDepth: 6 });
  }

  /** Indexes the logs of an opened workspace folder (bounded), so links reach across machines' subfolders: on request or by a setting only. */
  async scanWorkspaceFolder(root: string, progress?: IndexProgress): Promise<string[]> {
    const files = this.workspaceLogs(root);
    await this.readAll(files, progress);
    for (const folder of new Set(files.map(dirname)))
      if (!this.folderScans.has(folder)) this.folderScans.set(folder, Promise.resolve([]));
    this.touch(files);
    this.enforceBudget();
    return files;
  }

  /** Reads a file from disk: a plain parse first; once it has changed, it is followed (later calls parse only the new bytes). */
  async loadFromDisk(file: string): Promise<void> {
    if (this.open.has(file)) return;
    // A read in flight may have started before the latest bytes were written: let it end, then read what is new.
    await this.reading.get(file)?.catch(() => undefined);
    return this.once(file, () => this.follow(file));
  }

  /** Runs `read` unless a read of `file` is in flight already, in which case that one is awaited instead. */
  private once(file: string, read: () => Promise<void>): Promise<void> {
    const running = this.reading.get(file);
    if (running) return running;
    const job = read().finally(() => this.reading.delete(file));
    this.reading.set(file, job);
    return job;
  }

  private async follow(file: string): Promise<void> {
    if (this.open.has(file)) return;
    const existing = this.live.get(file);
    if (existing) {
      this.applyChange(file, existing, await existing.update());
      return;
    }
    const parsedAs = this.parsedAs.get(file);
    if (parsedAs === undefined) return this.parsePlain(file);
    if (parsedAs === (await fileState(file))) return;
    this.parsedAs.delete(file);
    const live = new LiveFile(file);
    await live.update();
    this.live.set(file, live);
    this.reads.set(file, (this.reads.get(file) ?? 0) + 1);
    this.touch([file]);
    this.index.setFile(live.result());
  }

  /** Indexes `file` by a plain parse, remembering the state it had before (a later change is then noticed). */
  private async parsePlain(file: string): Promise<void> {
    const before = await fileState(file);
    this.indexPlain(file, await parseOffThread(file), before);
  }

  private indexPlain(file: string, result: ParseResult, before: string | null): void {
    // The editor (unless it waits for this read: openDocument) or a follower took over meanwhile.
    if ((this.open.has(file) && !this.awaitingRead.has(file)) || this.live.has(file)) return;
    if (before !== null) this.parsedAs.set(file, before);
    this.reads.set(file, (this.reads.get(file) ?? 0) + 1);
    this.touch([file]);
    this.index.setFile(result);
  }

  /**
   * Plain parses of the files not read yet, on every core (parseFilesParallel: the largest on worker threads,
   * the smallest here meanwhile), each a read in flight that other callers wait for. A folder of logs is indexed
   * about twice as fast on two cores as file after file.
   */
  private async readAll(files: string[], progress?: IndexProgress): Promise<void> {
    const todo = files.filter(
      (file) => !this.open.has(file) && !this.index.file(file) && !this.reading.has(file) && !this.live.has(file),
    );
    let done = 0;
    const oneDone = () => progress?.(++done, todo.length);
    if (todo.length < 2) {
      for (const file of todo) await this.once(file, () => this.follow(file)).catch(() => undefined);
      if (todo.length) oneDone();
      return;
    }
    let finished!: () => void;
    const batch = new Promise<void>((resolve) => (finished = resolve));
    for (const file of todo) this.reading.set(file, batch);
    const indexed = new Set<string>();
    try {
      const before = await Promise.all(todo.map((file) => fileState(file).catch(() => null)));
      // In the background: this thread only indexes what the workers hand back, and answers the editor between.
      await parseFilesParallel(todo, undefined, {
        keys: true,
        background: true,
        onResult: (result, i) => {
          indexed.add(todo[i]);
          this.indexPlain(todo[i], result, before[i]);
          oneDone();
        },
      });
    } catch {
      // A file could not be read (gone, locked): the ones not read yet are read one by one below.
    } finally {
      for (const file of todo) if (this.reading.get(file) === batch) this.reading.delete(file);
      finished();
    }
    for (const file of todo) {
      if (indexed.has(file)) continue;
      await this.once(file, () => this.follow(file)).catch(() => undefined);
      oneDone();
    }
  }

  /**
   * A file changed on disk (watcher); open documents are kept up to date by the editor instead. Only a log the
   * index holds, or a newcomer in a folder whose logs were asked for, is read: not the rest of a busy folder.
   */
  async fileChanged(file: string): Promise<void> {
    if (this.open.has(file) || !LOG_FILE.test(file)) return;
    if (this.index.file(file) || this.folderScans.has(dirname(file))) await this.loadFromDisk(file);
  }

  fileDeleted(file: string): void {
    if (this.open.has(file)) return;
    this.live.delete(file);
    this.parsedAs.delete(file);
    this.index.removeFile(file);
  }

  /** Indexes a file on request (e.g. one picked in the explorer for the timeline), unless it is indexed or being read. */
  async ensureFile(file: string): Promise<void> {
    this.touch([file]);
    if (this.index.file(file) || this.open.has(file)) return;
    await this.once(file, () => (this.index.file(file) || this.open.has(file) ? Promise.resolve() : this.follow(file)));
  }
}

/** What tells a file's content changed without reading it: its identity (a rotated log is a new one), size and mtime. */
/**
 * Bytes from which a log read from disk is parsed on a worker thread: a 50 MB log parsed here held the thread for
 * about a second at a time, and a hover or an opened log's colours waited that long (a worker's start, ~50 ms, is
 * more than a small log's whole parse).
 */
const OFF_THREAD_BYTES = 4_000_000;

/** A plain parse of a log read from disk (not one the editor shows: that one's parse is what it waits for). */
async function parseOffThread(file: string): Promise<ParseResult> {
  const size = await stat(file).then(
    (info) => info.size,
    () => 0,
  );
  if (size < OFF_THREAD_BYTES) return parseFile(file, { keys: true });
  const [result] = await parseFilesParallel([file], 1, { keys: true, background: true });
  return result;
}

async function fileState(file: string): Promise<string> {
  const info = await stat(file);
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
}

/** The log files directly in `folder`. */
function logsOf(folder: string): string[] {
  return safeReaddir(folder)
    .filter((name) => LOG_FILE.test(name))
    .map((name) => join(folder, name))
    .filter(isFile);
}

function sizeOnDisk(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function fileStateSync(file: string): string | null {
  try {
    const info = statSync(file);
    return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return null;
  }
}

function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
