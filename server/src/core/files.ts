// Which files on disk are logs, and how rolled-over logs belong together.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const LOG_EXTENSIONS = /\.(?:log|lo_|txt)$/i;

/** Expands files and directories (recursively) into log file paths, sorted; reports what is missing. */
export function listLogFiles(inputs: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      missing.push(input);
      continue;
    }
    if (stat.isDirectory()) walk(input, files);
    else files.push(input);
  }
  return { files: [...new Set(files)].sort(), missing };
}

export interface TreeLimits {
  maxFiles: number;
  maxDepth: number;
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.cache', '.vscode']);

/**
 * ConfigMgr logs (*.log, *.lo_) under a folder, breadth first, within limits: an opened workspace may be
 * a folder of logs collected from several machines, or something much bigger that we must not crawl.
 */
export function findLogFilesInTree(root: string, limits: TreeLimits): string[] {
  const found: string[] = [];
  let level = [root];
  for (let depth = 0; depth <= limits.maxDepth && level.length && found.length < limits.maxFiles; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) next.push(join(dir, entry.name));
        else if (entry.isFile() && /\.(?:log|lo_)$/i.test(entry.name) && found.length < limits.maxFiles)
          found.push(join(dir, entry.name));
      }
    }
    level = next;
  }
  return found.sort();
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && LOG_EXTENSIONS.test(entry.name)) out.push(path);
  }
}

/**
 * The log a file rolls over into: "CcmExec-20131009-083840.log" and "CcmExec.lo_" both belong to
 * "CcmExec.log" in the same folder.
 */
export function rolloverBase(path: string): string {
  const name = basename(path);
  const base = name.replace(/-\d{8}-\d{6}\.log$/i, '.log').replace(/\.lo_$/i, '.log');
  return join(dirname(path), base);
}

/**
 * Groups files by the log they roll over into, oldest first: dated siblings by their stamp, then the .lo_,
 * then the current .log.
 */
export function groupRollovers(files: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const base = rolloverBase(file);
    if (!groups.has(base)) groups.set(base, []);
    groups.get(base)!.push(file);
  }
  for (const list of groups.values()) list.sort((a, b) => rolloverRank(a).localeCompare(rolloverRank(b)));
  return groups;
}

/** Sorts the files of one log oldest first (dated copies by stamp, the .lo_, the current .log). */
export function rolloverRank(file: string): string {
  const name = basename(file);
  const stamp = /-(\d{8}-\d{6})\.log$/i.exec(name);
  if (stamp) return '0' + stamp[1];
  if (/\.lo_$/i.test(name)) return '1';
  return '2';
}
