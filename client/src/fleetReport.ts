// ConfigMgr: Open Fleet Report. A folder of machines (one folder or .zip each) is read by the bundled CLI
// (`cmlogs fleet --jsoneachrow --no-parquet`: JSON lines, so the extension needs no DuckDB), or a DIR that
// `cmlogs fleet --jsoneachrow` wrote before is read as it is; the report shows machines x flows with the number of
// findings of each status. A click on a machine opens its diagnosis and its timeline; a .zip or .cab machine is
// unpacked first (by the CLI, `cmlogs fleet unpack`) into a folder the extension owns: one per VS Code window, under
// the system's temp folder, removed when the window closes (and, if it crashed, by the next window that unpacks).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { pickFolder } from './pickFolder';

export interface FleetMachine {
  machine: string;
  source: string;
  path: string;
  records: number;
  errors: number;
  findings: number;
  not_complete: number;
  problems: string | null;
  /** 'read', 'partial' or 'failed' (rows written before the status existed have none: read). */
  status?: string;
  /** Why a failed machine could not be read. */
  error?: string | null;
}

export interface FleetTables {
  machines: FleetMachine[];
  /** machine → flow → status → findings. */
  counts: Map<string, Map<string, Map<string, number>>>;
  flows: string[];
}

const jsonLines = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** The rows of DIR/jsoneachrow (written by `cmlogs fleet --jsoneachrow`), or null when DIR holds none. */
export function readFleetRows(dir: string): FleetTables | null {
  const rows = join(dir, 'jsoneachrow');
  if (!existsSync(join(rows, 'machines.json')) || !existsSync(join(rows, 'findings.json'))) return null;
  const machines = jsonLines<FleetMachine>(join(rows, 'machines.json'));
  const counts: FleetTables['counts'] = new Map();
  const flows = new Set<string>();
  for (const f of jsonLines<{ machine: string; flow: string; status: string }>(join(rows, 'findings.json'))) {
    flows.add(f.flow);
    const byFlow = counts.get(f.machine) ?? new Map<string, Map<string, number>>();
    const byStatus = byFlow.get(f.flow) ?? new Map<string, number>();
    byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1);
    byFlow.set(f.flow, byStatus);
    counts.set(f.machine, byFlow);
  }
  // Machines with flows that did not complete first, then by name.
  machines.sort((a, b) => b.not_complete - a.not_complete || a.machine.localeCompare(b.machine));
  return { machines, counts, flows: [...flows].sort() };
}

/** Runs the bundled CLI; resolves with its exit code, stdout and stderr. */
function runCli(cli: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(cli, args, { silent: true });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';

/** Runs the bundled CLI on a fleet folder into a temporary folder and reads its rows. */
async function readFleetWithCli(cli: string, root: string): Promise<FleetTables> {
  const out = mkdtempSync(join(tmpdir(), 'cmlogs-fleet-'));
  try {
    const run = await runCli(cli, ['fleet', root, '--out', out, '--jsoneachrow', '--no-parquet']);
    // 3: the tables are written, some machines could not be read (they are listed in them).
    const tables = run.code === 0 || run.code === 3 ? readFleetRows(out) : null;
    if (!tables) throw new Error(`cmlogs fleet failed (exit ${run.code}): ${lastLine(run.stderr)}`);
    return tables;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const SESSION_PREFIX = 'cmlogs-fleet-machines-';

/**
 * The folders bundle machines are unpacked to: one per window (its process id in the name), each machine once.
 * Disposed with the extension, it removes them; folders of windows that are gone (a crash) are removed the next
 * time a window unpacks.
 */
export class BundleFolders implements vscode.Disposable {
  private root: string | undefined;
  private readonly folders = new Map<string, Promise<string>>();

  constructor(private readonly cli: string) {}

  /** The folder holding the logs of the bundle machine (unpacked on the first call). */
  folderOf(machine: FleetMachine): Promise<string> {
    let folder = this.folders.get(machine.path);
    if (!folder) {
      folder = this.unpack(machine);
      this.folders.set(machine.path, folder);
      folder.catch(() => this.folders.delete(machine.path));
    }
    return folder;
  }

  private async unpack(machine: FleetMachine): Promise<string> {
    if (!existsSync(machine.path)) throw new Error(`the logs of ${machine.machine} are no longer at ${machine.path}`);
    this.root ??= BundleFolders.sessionRoot();
    // The folder's name is the machine's (the diagnosis and the timeline are titled by it).
    const folder = join(
      this.root,
      String(this.folders.size),
      machine.machine.replace(/[\\/:*?"<>|\0]/g, '_') || 'machine',
    );
    mkdirSync(folder, { recursive: true });
    const run = await runCli(this.cli, ['fleet', 'unpack', machine.path, '--to', folder]);
    if (run.code !== 0) throw new Error(`${machine.machine} could not be unpacked: ${lastLine(run.stderr)}`);
    const { files } = JSON.parse(run.stdout) as { files: string[] };
    if (!files.length) throw new Error(`${machine.machine}'s ${machine.source} holds no log that can be read`);
    return folder;
  }

  private static sessionRoot(): string {
    removeFoldersOfGoneWindows();
    return mkdtempSync(join(tmpdir(), `${SESSION_PREFIX}${process.pid}-`));
  }

  dispose(): void {
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
    this.folders.clear();
  }
}

function removeFoldersOfGoneWindows(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.startsWith(SESSION_PREFIX) ? name.slice(SESSION_PREFIX.length).split('-')[0] : NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid))
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process: not ours to judge
  }
}

/** One BundleFolders per extension context, disposed with it. */
const bundleFolders = new WeakMap<object, BundleFolders>();

function bundleFoldersOf(context: vscode.ExtensionContext, cli: string): BundleFolders {
  let folders = bundleFolders.get(context);
  if (!folders) {
    folders = new BundleFolders(cli);
    bundleFolders.set(context, folders);
    context.subscriptions.push(folders);
  }
  return folders;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const STATUS_ORDER = ['broken', 'incomplete', 'unproven', 'complete'];

/** One cell: "2 broken · 5 complete", statuses in the order an admin reads them, any new status after. */
function cell(byStatus: Map<string, number> | undefined): string {
  if (!byStatus) return '<td class="none">–</td>';
  const statuses = [...byStatus.keys()].sort(
    (a, b) => (STATUS_ORDER.indexOf(a) + 1 || 99) - (STATUS_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const worst = statuses[0];
  // "3 complete" never breaks inside; a cell breaks between its statuses when the page is narrow.
  return `<td class="${escapeHtml(worst)}">${statuses.map((s) => `<span>${byStatus.get(s)} ${escapeHtml(s)}</span>`).join(' · ')}</td>`;
}

const isFailed = (m: FleetMachine) => m.status === 'failed';

/** A flow's id as a column heading: "contentDownload" → "Content download" (words wrap in narrow columns at 1366 px). */
export function flowHeading(flow: string): string {
  if (flow === 'windowsUpdate') return 'Windows Update';
  const words = flow.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The report page: a table, a nonce'd script that posts the clicked machine's row number, a CSP that allows nothing else. */
export function fleetReportHtml(tables: FleetTables, nonce: string, cspSource: string): string {
  const head = `<tr><th>Machine</th><th>Records</th><th>Errors</th>${tables.flows.map((f) => `<th title="${escapeHtml(f)}">${escapeHtml(flowHeading(f))}</th>`).join('')}</tr>`;
  const rows = tables.machines
    .map((m, i) => {
      if (isFailed(m)) return '';
      const byFlow = tables.counts.get(m.machine);
      const problems = m.problems ? ` title="${escapeHtml(`Not read: ${m.problems}`)}"` : '';
      const partly = m.problems ? ' <span class="partial">(partly read)</span>' : '';
      return `<tr data-row="${i}"${problems}><td><a href="#" data-row="${i}">${escapeHtml(m.machine)}</a>${m.source === 'folder' ? '' : ` (${escapeHtml(m.source)})`}${partly}</td><td>${m.records}</td><td>${m.errors}</td>${tables.flows.map((f) => cell(byFlow?.get(f))).join('')}</tr>`;
    })
    .filter(Boolean)
    .join('\n');
  const failed = tables.machines.filter(isFailed);
  const unreadable = failed.length
    ? `<h3 id="unreadable">${failed.length} machine${failed.length === 1 ? '' : 's'} could not be read</h3>
<ul>${failed.map((m) => `<li><b>${escapeHtml(m.machine)}</b>: ${escapeHtml(m.error ?? 'not read')} <span class="path">(${escapeHtml(m.path)})</span></li>`).join('\n')}</ul>`
    : '';
  const intro = failed.length
    ? `${tables.machines.length} machines, ${failed.length} of them could not be read (listed below the table).`
    : `${tables.machines.length} machines.`;
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  table { border-collapse: collapse; } th, td { padding: 2px 6px; text-align: left; border-bottom: 1px solid var(--vscode-panel-border); }
  td.broken { color: var(--vscode-errorForeground); font-weight: bold; } td.incomplete, td.unproven { color: var(--vscode-editorWarning-foreground); }
  td.none, .path { color: var(--vscode-disabledForeground); } .partial { color: var(--vscode-editorWarning-foreground); }
  td span, td:first-child a { white-space: nowrap; }
  #unreadable { color: var(--vscode-errorForeground); }
</style></head>
<body>
<p>${intro} Click a machine to open its diagnosis and its timeline.</p>
<table>${head}
${rows}</table>
${unreadable}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-row]');
    if (!link) return;
    event.preventDefault();
    vscode.postMessage({ row: Number(link.dataset.row) });
  });
</script>
</body></html>`;
}

/**
 * What a click does (handed in by commands.ts): the diagnosis and the timeline of exactly the machine's logs, found
 * in its folder and its subfolders as `cmlogs fleet` found them (bundles keep their folders: Logs/, CCM/Logs/…), and
 * titled by the machine's name.
 */
export type OpenMachine = (machine: { label: string; folder: vscode.Uri; logs: vscode.Uri[] }) => Promise<unknown>;

/** The fleet's log names (core/fleet/machines.ts LOG_NAME: the client cannot import the core). */
const LOG_NAME = /\.(?:log|lo_|txt)$/i;

/** The log files under `folder`, subfolders included, sorted. */
export function machineLogs(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && LOG_NAME.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Opens the report of a fleet folder, or of a DIR written by `cmlogs fleet --jsoneachrow`. */
export async function openFleetReport(
  context: vscode.ExtensionContext,
  openMachine: OpenMachine,
  folder?: vscode.Uri,
): Promise<vscode.WebviewPanel | undefined> {
  const picked = folder ?? (await pickFolder('Open Fleet Report'));
  if (!picked) return undefined;
  const cli = context.asAbsolutePath(join('server', 'out', 'cli.js'));
  let tables: FleetTables;
  try {
    tables =
      readFleetRows(picked.fsPath) ??
      (await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `ConfigMgr Logs: reading the machines in ${picked.fsPath}…`,
        },
        () => readFleetWithCli(cli, picked.fsPath),
      ));
  } catch (error) {
    void vscode.window.showErrorMessage(`ConfigMgr Logs: ${(error as Error).message}`);
    return undefined;
  }
  const panel = vscode.window.createWebviewPanel(
    'cmlogs.fleet',
    `Fleet: ${picked.path.split('/').pop()}`,
    vscode.ViewColumn.Active,
    { enableScripts: true, localResourceRoots: [] },
  );
  panel.webview.html = fleetReportHtml(tables, randomBytes(18).toString('base64'), panel.webview.cspSource);
  const bundles = bundleFoldersOf(context, cli);
  panel.webview.onDidReceiveMessage(async (message: { row?: unknown }) => {
    const machine = typeof message?.row === 'number' ? tables.machines[message.row] : undefined;
    if (!machine) return;
    if (isFailed(machine)) {
      void vscode.window.showWarningMessage(`${machine.machine} could not be read: ${machine.error ?? ''}`);
      return;
    }
    try {
      const folder =
        machine.source === 'folder'
          ? machine.path
          : await vscode.window.withProgress(
              {
                location: vscode.ProgressLocation.Notification,
                title: `ConfigMgr Logs: unpacking ${machine.machine}…`,
              },
              () => bundles.folderOf(machine),
            );
      if (!existsSync(folder)) throw new Error(`the logs of ${machine.machine} are no longer at ${folder}`);
      const logs = machineLogs(folder);
      if (!logs.length) throw new Error(`no logs are left in ${folder} for ${machine.machine}`);
      await openMachine({
        label: machine.machine,
        folder: vscode.Uri.file(folder),
        logs: logs.map((l) => vscode.Uri.file(l)),
      });
    } catch (error) {
      void vscode.window.showErrorMessage(`ConfigMgr Logs: ${(error as Error).message}`);
    }
  });
  return panel;
}
