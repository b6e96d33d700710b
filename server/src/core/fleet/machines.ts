// A fleet folder: one entry per machine, as admins collect them (a folder copied from \\machine\admin$\CCM\Logs,
// a .zip from "Collect client logs" or Intune's "Collect diagnostics"). The machine's name is the entry's name,
// less its archive extension, unless its logs say it (see machineNameIn).
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { listLogFiles } from '../files';
import { CABEXTRACT_MISSING, cabextractAvailable } from './cab';

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

/** The machines under `root`, by name (sorted, so that every run writes them in the same order). */
export function listMachines(root: string): FleetListing {
  const machines: MachineEntry[] = [];
  const skipped: FleetListing['skipped'] = [];
  for (const dirent of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(root, dirent.name);
    if (dirent.name.startsWith('.')) continue;
    if (dirent.isDirectory()) machines.push({ name: dirent.name, path, kind: 'folder', bytes: folderLogBytes(path) });
    else if (dirent.isFile() && /\.zip$/i.test(dirent.name))
      machines.push({ name: dirent.name.replace(/\.zip$/i, ''), path, kind: 'zip', bytes: statSync(path).size });
    else if (dirent.isFile() && /\.cab$/i.test(dirent.name)) {
      if (cabextractAvailable())
        machines.push({ name: dirent.name.replace(/\.cab$/i, ''), path, kind: 'cab', bytes: statSync(path).size });
      else skipped.push({ path, reason: CABEXTRACT_MISSING });
    } else if (dirent.isFile())
      skipped.push({ path, reason: 'a loose file: give each machine its own folder or .zip' });
  }
  // PC01/ beside PC01.zip (collected twice): both are read, the second in name order as "PC01 (PC01.zip)".
  const taken = new Set<string>();
  for (const m of machines) {
    if (taken.has(m.name)) m.name = `${m.name} (${basename(m.path)})`;
    taken.add(m.name);
  }
  return { machines, skipped };
}

function folderLogBytes(path: string): number {
  let bytes = 0;
  for (const file of listLogFiles([path]).files) bytes += statSync(file).size;
  return bytes;
}

/** The log files of a machine folder, with the path each is known by in the tables (relative, forward slashes). */
export function folderLogs(path: string): Array<{ path: string; name: string }> {
  return listLogFiles([path]).files.map((file) => ({ path: file, name: relative(path, file).split(sep).join('/') }));
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
