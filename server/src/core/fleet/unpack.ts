// The logs of one .zip or .cab machine written out to a folder, for what needs them as files: VS Code's fleet report
// opens a bundle machine's diagnosis and timeline from such a folder (the extension owns it and removes it). The
// fleet itself never unpacks (core/fleet/read.ts streams the entries into the parser).
//
// An archive's names are untrusted: a name is kept as a relative path inside the folder, its "..", ".", empty and
// drive parts dropped, so that no entry can be written outside it ("zip slip").
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCabEntries, streamCabEntry } from './cab';
import { LOG_NAME, type MachineKind } from './machines';
import { readZipEntries, streamZipEntry, unreadableReason } from './zip';

export interface Unpacked {
  /** Files written, as relative paths (forward slashes). */
  files: string[];
  /** Entries that could not be written, with why. */
  problems: string[];
}

/** An archive's file: its name, why it cannot be read (or null), and how to stream it. */
interface BundleFile {
  name: string;
  unreadable: string | null;
  stream: (onChunk: (chunk: Buffer) => void) => Promise<void>;
}

async function bundleFiles(path: string, kind: Exclude<MachineKind, 'folder'>): Promise<BundleFile[]> {
  if (kind === 'zip')
    return (await readZipEntries(path)).map((e) => ({
      name: e.name,
      unreadable: unreadableReason(e),
      stream: (onChunk) => streamZipEntry(path, e, onChunk),
    }));
  return (await readCabEntries(path)).map((e) => ({
    name: e.name,
    unreadable: null,
    stream: (onChunk) => streamCabEntry(path, e, onChunk),
  }));
}

/** Writes the logs of the bundle at `path` under `folder`; throws when the bundle cannot be listed at all. */
export async function unpackBundle(
  path: string,
  kind: Exclude<MachineKind, 'folder'>,
  folder: string,
): Promise<Unpacked> {
  const result: Unpacked = { files: [], problems: [] };
  for (const file of (await bundleFiles(path, kind)).filter((f) => LOG_NAME.test(f.name))) {
    const relative = safeRelativePath(file.name);
    if (!relative || file.unreadable) {
      result.problems.push(`${file.name}: ${file.unreadable ?? 'not a usable file name'}`);
      continue;
    }
    const target = join(folder, ...relative.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    const fd = openSync(target, 'w');
    try {
      await file.stream((chunk) => {
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      });
      result.files.push(relative);
    } catch (error) {
      result.problems.push(`${file.name}: ${(error as Error).message}`);
    } finally {
      closeSync(fd);
    }
  }
  return result;
}

/** An archive name as a relative path with forward slashes, or null when nothing usable is left. */
export function safeRelativePath(name: string): string | null {
  const parts = name
    .split(/[\\/]+/)
    .filter((part) => part !== '' && part !== '.' && part !== '..' && !/^[A-Za-z]:$/.test(part))
    .map((part) => part.replace(/[\0:*?"<>|]/g, '_'));
  return parts.length ? parts.join('/') : null;
}
