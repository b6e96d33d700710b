// A fleet folder: one entry per machine, as admins collect them (a folder copied from \\machine\admin$\CCM\Logs,
// a .zip from "Collect client logs" or Intune's "Collect diagnostics"). The machine's name is the entry's name,
// less its archive extension, unless its logs say it (see machineNameIn).
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { listLogFiles } from '../files';

export type MachineKind = 'folder' | 'zip' | 'cab';

export interface MachineEntry {
  /** Name from the entry (folder name, or archive name without .zip / .cab). */
  name: string;
  path: string;
  kind: MachineKind;
  /** Bytes of the folder's logs or of the archive (for progress and scheduling). */
  bytes: number;
}

export interface FleetListing {
  machines: MachineEntry[];
  /** Entries that are not machines we can read, with why (a .cab, a loose file...). */
  skipped: Array<{ path: string; reason: string }>;
}

/** Log file names inside a machine (as `cmlogs diagnose` takes them from a folder). */
export const LOG_NAME = /\.(?:log|lo_|txt)$/i;

/**
 * The machines under `root`, by name (sorted, so that every run writes them in the same order). An entry that
 * cannot be looked at (a link to nothing, a folder that cannot be listed) is still a machine: reading it fails, and
 * the run lists it with the reason instead of stopping. A .cab is a machine even without cabextract (it fails
 * saying to install it).
 */
export function listMachines(root: string): FleetListing {
  const machines: MachineEntry[] = [];
  const skipped: FleetListing['skipped'] = [];
  for (const dirent of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (dirent.name.startsWith('.')) continue;
    const path = join(root, dirent.name);
    const kind = entryKind(path, dirent.name);
    if (kind === 'loose') skipped.push({ path, reason: 'a loose file: give each machine its own folder or .zip' });
    else if (kind)
      machines.push({ name: dirent.name.replace(BUNDLE_EXTENSION, ''), path, kind, bytes: entryBytes(path, kind) });
  }
  // PC01/ beside PC01.zip (collected twice): both are read, the second in name order as "PC01 (PC01.zip)".
  const taken = new Set<string>();
  for (const m of machines) {
    if (taken.has(m.name)) m.name = `${m.name} (${basename(m.path)})`;
    taken.add(m.name);
  }
  return { machines, skipped };
}

const BUNDLE_EXTENSION = /\.(?:zip|cab)$/i;

/**
 * What an entry is, links followed: a machine of some kind, 'loose' (a file that is no bundle), or null (a socket,
 * a device: not something collected). A link to nothing is taken for what its name says (it fails when read).
 */
function entryKind(path: string, name: string): MachineKind | 'loose' | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return /\.zip$/i.test(name) ? 'zip' : /\.cab$/i.test(name) ? 'cab' : 'folder';
  }
  if (stat.isDirectory()) return 'folder';
  if (!stat.isFile()) return null;
  return /\.zip$/i.test(name) ? 'zip' : /\.cab$/i.test(name) ? 'cab' : 'loose';
}

/** Bytes of a machine's logs (for progress and scheduling only): 0 when they cannot be counted. */
function entryBytes(path: string, kind: MachineKind): number {
  try {
    if (kind !== 'folder') return statSync(path).size;
    let bytes = 0;
    for (const file of listLogFiles([path]).files) bytes += statSync(file).size;
    return bytes;
  } catch {
    return 0;
  }
}

/**
 * The log files of a machine folder, with the path each is known by in the tables (relative, forward slashes).
 * Throws when the folder cannot be listed (gone, a link to nothing, no permission): the machine cannot be read.
 */
export function folderLogs(path: string): Array<{ path: string; name: string }> {
  const { files, missing } = listLogFiles([path]);
  if (missing.length) throw new Error(`no such folder: ${path}`);
  return files.map((file) => ({ path: file, name: relative(path, file).split(sep).join('/') }));
}

/**
 * What the logs say the machine is called, or null. Only statements that cannot be about another machine:
 * ClientIDManagerStartup.log's registration dump (`MachineName = "PC01";`) and the client's own compliance
 * report in a state message (`<ConfigurationItemReport ... ComputerName="PC01"`). A log that merely mentions a
 * server (the MP, the WSUS server) is not taken.
 */
export function machineNameIn(logName: string, message: string): string | null {
  const file = basename(logName).toLowerCase();
  if (file.startsWith('clientidmanagerstartup')) {
    const m = /^[ \t]*MachineName = "([A-Za-z0-9][A-Za-z0-9._-]{0,62})";/m.exec(message);
    if (m) return m[1];
  }
  if (file.startsWith('statemessage') && message.includes('ConfigurationItemReport')) {
    const m = /<ConfigurationItemReport\b[^>]*?\bComputerName=\\?"([A-Za-z0-9][A-Za-z0-9._-]{0,62})\\?"/.exec(message);
    if (m) return m[1];
  }
  return null;
}
