// Which machine a diagnosis finding is about, when a folder holds several machines' logs (client-a/, client-b/;
// PC-A/client, PC-B/client): two clients of one deployment share its assignment ID, so the key alone does not
// tell their findings apart. The CLI report and the Diagnosis view name the machine; one machine's findings need
// no name. Plain ECMAScript, no Node path module: paths are split on both separators.
import type { Finding } from './wire';

const parts = (path: string) => path.split(/[\\/]+/).filter(Boolean);

/** The folder of a finding's first evidence (or step, or error) file: the machine whose logs tell it. */
export function folderOf(finding: Finding): string | undefined {
  const file = finding.evidence[0]?.file ?? finding.steps.find((s) => s.file)?.file ?? finding.error?.file ?? undefined;
  if (!file) return undefined;
  return file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')));
}

/**
 * A short name per finding's machine when the findings come from more than one folder: the fewest trailing folder
 * names that tell the folders apart ("client-a"; "PC-A/client" when both PCs have a client/ folder). Empty when
 * they all come from one folder (nothing to tell apart).
 */
export function machineNames(findings: readonly Finding[]): Map<Finding, string> {
  const folders = new Map<Finding, string[]>();
  for (const f of findings) {
    const folder = folderOf(f);
    if (folder !== undefined) folders.set(f, parts(folder));
  }
  const distinct = [...new Map([...folders.values()].map((p) => [p.join('/'), p])).values()];
  const names = new Map<Finding, string>();
  if (distinct.length < 2) return names;
  const longest = Math.max(...distinct.map((p) => p.length));
  let depth = 1;
  const tail = (p: string[], n: number) => p.slice(-n).join('/');
  while (depth < longest && new Set(distinct.map((p) => tail(p, depth))).size < distinct.length) depth++;
  for (const [f, p] of folders) names.set(f, tail(p, depth));
  return names;
}
