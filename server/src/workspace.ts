// Which logs the server knows: open documents (their text wins) and the log files in the same folders,
// read from disk, so references and the timeline also cover files VS Code never opened or withholds (>50 MB).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findLogFilesInTree } from './core/files';
import { LogIndex } from './core/index';
import { parseFile } from './core/parse';
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
  private readonly scannedFolders = new Set<string>();
  private readonly live = new Map<string, LiveFile>();
  private readonly buffers = new Map<string, LiveText>();

  /** An editor buffer: parsed from its text, replacing any disk copy. */
  openDocument(path: string, text: string): void {
    this.open.add(path);
    this.live.delete(path);
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
  async scanFolderOf(path: string): Promise<string[]> {
    return this.scanFolder(dirname(path));
  }

  async scanFolder(folder: string): Promise<string[]> {
    if (this.scannedFolders.has(folder)) return [];
    this.scannedFolders.add(folder);
    const added: string[] = [];
    for (const name of safeReaddir(folder)) {
      const file = join(folder, name);
      if (!LOG_FILE.test(name) || this.open.has(file) || !isFile(file)) continue;
      await this.loadFromDisk(file);
      added.push(file);
    }
    return added;
  }

  /** Indexes the logs of an opened workspace folder (bounded), so links reach across machines' subfolders. */
  async scanWorkspaceFolder(root: string): Promise<string[]> {
    const files = findLogFilesInTree(root, { maxFiles: 2000, maxDepth: 6 });
    for (const file of files) if (!this.open.has(file) && !this.index.file(file)) await this.loadFromDisk(file).catch(() => undefined);
    for (const folder of new Set(files.map(dirname))) this.scannedFolders.add(folder);
    return files;
  }

  /** Reads a file from disk, following it as it grows: later calls parse only the new bytes. */
  async loadFromDisk(file: string): Promise<void> {
    if (this.open.has(file)) return;
    const existing = this.live.get(file);
    if (existing) {
      this.applyChange(file, existing, await existing.update());
      return;
    }
    const live = new LiveFile(file);
    await live.update();
    this.live.set(file, live);
    this.index.setFile(live.result());
  }

  /** A file changed on disk (watcher); open documents are kept up to date by the editor instead. */
  async fileChanged(file: string): Promise<void> {
    if (!this.open.has(file) && LOG_FILE.test(file)) await this.loadFromDisk(file);
  }

  fileDeleted(file: string): void {
    if (this.open.has(file)) return;
    this.live.delete(file);
    this.index.removeFile(file);
  }

  /** Parses a whole file on request (e.g. a file picked in the explorer for the timeline). */
  async ensureFile(file: string): Promise<void> {
    if (!this.index.file(file)) {
      if (this.open.has(file)) return;
      this.index.setFile(await parseFile(file));
    }
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
