// A .cab bundle of one machine's logs (what some collection scripts and support tools make with makecab), read
// through cabextract, Debian's (and Homebrew's) CAB extractor: npm has no maintained CAB reader (the packages
// there are unmaintained or only list entries), and MSZIP/LZX/Quantum decoders are not something to write here.
// `cabextract -l` lists the files; each log is then written by `cabextract -p -F NAME` to a pipe and parsed as it
// comes: nothing is unpacked to disk. Without cabextract a .cab machine fails with a reason that says to install it.
import { spawn } from 'node:child_process';

export const CABEXTRACT_MISSING =
  'a .cab bundle, and cabextract is not installed: install it (apt-get install cabextract, brew install cabextract) or expand the bundle first (expand.exe -F:* FILE DIR)';

export interface CabEntry {
  /** Path inside the cabinet, with forward slashes (as cabextract prints it). */
  name: string;
  size: number;
}

/** cabextract -l: "      1234 | 07.12.2026 02:57:36 | Logs/CcmExec.log". */
const LISTED = /^\s*(\d+) \| \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d \| (.+)$/;

/** The files of a cabinet. Throws (with cabextract's words) when it is not one or cannot be read. */
export async function readCabEntries(path: string): Promise<CabEntry[]> {
  const stdout = await cabextract(['-l', path]);
  const entries: CabEntry[] = [];
  for (const line of stdout.split('\n')) {
    const m = LISTED.exec(line.replace(/\r$/, ''));
    if (m) entries.push({ name: m[2], size: Number(m[1]) });
  }
  return entries;
}

/** Streams one file of the cabinet into `onChunk`; rejects when cabextract fails or gives other than its size. */
export async function streamCabEntry(path: string, entry: CabEntry, onChunk: (chunk: Buffer) => void): Promise<void> {
  let bytes = 0;
  await cabextract(['-q', '-p', '-F', globLiteral(entry.name), path], (chunk) => {
    bytes += chunk.length;
    onChunk(chunk);
  });
  if (bytes !== entry.size) throw new Error(`cabextract gave ${bytes} of its ${entry.size} bytes`);
}

/** A name as a cabextract -F pattern that matches that name only (its wildcards and brackets escaped). */
export function globLiteral(name: string): string {
  return name.replace(/[\\*?[\]]/g, '\\$&');
}

/** Runs cabextract: its output goes to `onStdout` as it comes, or (without it) is returned as text. */
function cabextract(args: string[], onStdout?: (chunk: Buffer) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('cabextract', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const kept: Buffer[] = [];
    const errors: Buffer[] = [];
    let failed: Error | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        if (onStdout) onStdout(chunk);
        else kept.push(chunk);
      } catch (error) {
        failed = error as Error; // the parser threw: stop reading, report it
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) =>
      reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(CABEXTRACT_MISSING) : error),
    );
    child.on('close', (code) => {
      if (failed) return reject(failed);
      const said = Buffer.concat(errors).toString('utf8').trim().split('\n').pop();
      if (code !== 0) return reject(new Error(`cabextract: ${said || `exit code ${code}`}`));
      resolve(Buffer.concat(kept).toString('utf8'));
    });
  });
}
