// Which logs the server knows: open documents (their text wins) and the log files in the same folders,
// read from disk, so references and the timeline also cover files VS Code never opened or withholds (>50 MB).
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

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(path: string): string {
  return path.includes('://') || path.startsWith('untitled:') ? path : pathToFileURL(path).toString();
}

export class LogWorkspace {
  readonly index = new LogIndex();
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

  /**
   * The user's offsets per folder (the `cmlogs.folderOffsets` setting: folder path or URI → "UTC+01:00"), for
   * the logs there that write local time with no zone. Returns the entries that could not be read.
   */
  setFolderOffsets(setting: unknown): string[] {
    const { biases, invalid } = folderBiasesFrom(setting, uriToPath);
    this.index.setUserBiases(biases);
    return invalid;
  }

  /** An editor buffer: parsed from its text, replacing any disk copy. */
  openDocument(path: string, text: string): void {
    this.open.add(path);
    this.live.delete(path);
    this.parsedAs.delete(path);
    const buffer = new LiveText(path, text);
    this.buffers.set(path, buffer);
    this.index.setFile(buffer.result());
  }

  /** The buffer changed: a log that grew is parsed from where it was; any other edit parses it again. */
  updateDocument(path: string, text: string): void {
    const buffer = this.buffers.get(path);
    if (!buffer) return this.openDocument(path, text);
    this.applyChange(path, buffer, buffer.update(text));
  }

  closeDocument(path: string): void {
    this.open.delete(path);
    this.buffers.delete(path);
  }

  private applyChange(file: string, source: LiveFile | LiveText, change: LiveChange): void {
    if (change.kind === 'appended') {
      this.index.recordsChanged(file, change.keep);
    } else if (change.kind === 'rewritten') this.index.setFile(source.result());
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  /** Indexes the log files beside `path` that are not open; each folder once. */
  scanFolderOf(path: string): Promise<string[]> {
    return this.scanFolder(dirname(path));
  }

  scanFolder(folder: string): Promise<string[]> {
    let scan = this.folderScans.get(folder);
    if (!scan) this.folderScans.set(folder, (scan = this.readFolder(folder)));
    return scan;
  }

  private async readFolder(folder: string): Promise<string[]> {
    const logs = safeReaddir(folder)
      .filter((name) => LOG_FILE.test(name))
      .map((name) => join(folder, name))
      .filter((file) => !this.open.has(file) && isFile(file));
    // Those indexed already (parsed for a timeline, or by the workspace scan) are not added by this scan.
    const added = logs.filter((file) => this.reading.has(file) || !this.index.file(file));
    const inFlight = added.filter((file) => this.reading.has(file));
    await this.readAll(added.filter((file) => !this.reading.has(file)));
    for (const file of inFlight) await this.reading.get(file)?.catch(() => undefined);
    return added;
  }

  /**
   * The logs in `folder` as it is now, each indexed: a log written since the last call is read too. Folder scans
   * run once per folder and a watcher may be missing (network shares) or late, so a timeline of a folder asks
   * here at every request instead of trusting either.
   */
  async logsInFolder(folder: string): Promise<string[]> {
    await this.scanFolder(folder);
    const files = safeReaddir(folder)
      .filter((name) => LOG_FILE.test(name))
      .map((name) => join(folder, name))
      .filter(isFile);
    await this.readAll(files);
    for (const file of files) await this.ensureFile(file).catch(() => undefined); // unreadable now: the next request tries again
    return files;
  }

  /** Indexes the logs of an opened workspace folder (bounded), so links reach across machines' subfolders. */
  async scanWorkspaceFolder(root: string): Promise<string[]> {
    const files = findLogFilesInTree(root, { maxFiles: 2000, maxDepth: 6 });
    await this.readAll(files);
    for (const folder of new Set(files.map(dirname))) if (!this.folderScans.has(folder)) this.folderScans.set(folder, Promise.resolve([]));
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
    this.index.setFile(live.result());
  }

  /** Indexes `file` by a plain parse, remembering the state it had before (a later change is then noticed). */
  private async parsePlain(file: string): Promise<void> {
    const before = await fileState(file);
    this.indexPlain(file, await parseFile(file, { keys: true }), before);
  }

  private indexPlain(file: string, result: ParseResult, before: string | null): void {
    if (this.open.has(file) || this.live.has(file)) return; // the editor or a follower took over meanwhile
    if (before !== null) this.parsedAs.set(file, before);
    this.index.setFile(result);
  }

  /**
   * Plain parses of the files not read yet, on every core (parseFilesParallel: the largest on worker threads,
   * the smallest here meanwhile), each a read in flight that other callers wait for. A folder of logs is indexed
   * about twice as fast on two cores as file after file.
   */
  private async readAll(files: string[]): Promise<void> {
    const todo = files.filter((file) => !this.open.has(file) && !this.index.file(file) && !this.reading.has(file) && !this.live.has(file));
    if (todo.length < 2) {
      for (const file of todo) await this.once(file, () => this.follow(file)).catch(() => undefined);
      return;
    }
    let finished!: () => void;
    const batch = new Promise<void>((resolve) => (finished = resolve));
    for (const file of todo) this.reading.set(file, batch);
    const indexed = new Set<string>();
    try {
      const before = await Promise.all(todo.map((file) => fileState(file).catch(() => null)));
      await parseFilesParallel(todo, undefined, {
        keys: true,
        onResult: (result, i) => {
          indexed.add(todo[i]);
          this.indexPlain(todo[i], result, before[i]);
        },
      });
    } catch {
      // A file could not be read (gone, locked): the ones not read yet are read one by one below.
    } finally {
      for (const file of todo) if (this.reading.get(file) === batch) this.reading.delete(file);
      finished();
    }
    for (const file of todo) if (!indexed.has(file)) await this.once(file, () => this.follow(file)).catch(() => undefined);
  }

  /** A file changed on disk (watcher); open documents are kept up to date by the editor instead. */
  async fileChanged(file: string): Promise<void> {
    if (!this.open.has(file) && LOG_FILE.test(file)) await this.loadFromDisk(file);
  }

  fileDeleted(file: string): void {
    if (this.open.has(file)) return;
    this.live.delete(file);
    this.parsedAs.delete(file);
    this.index.removeFile(file);
  }

  /** Indexes a file on request (e.g. one picked in the explorer for the timeline), unless it is indexed or being read. */
  async ensureFile(file: string): Promise<void> {
    if (this.index.file(file) || this.open.has(file)) return;
    await this.once(file, () => (this.index.file(file) || this.open.has(file) ? Promise.resolve() : this.follow(file)));
  }
}

/** What tells a file's content changed without reading it: its identity (a rotated log is a new one), size and mtime. */
async function fileState(file: string): Promise<string> {
  const info = await stat(file);
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
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
