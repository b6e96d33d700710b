// ConfigMgr: Open Fleet Report. A folder of machines (one folder or .zip each) is read by the bundled CLI
// (`cmlogs fleet --jsoneachrow --no-parquet`: JSON lines, so the extension needs no DuckDB), or a DIR that
// `cmlogs fleet --jsoneachrow` wrote before is read as it is; the report shows machines x flows with the number of
// findings of each status. A click on a machine opens its diagnosis and its timeline.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** Runs the bundled CLI on a fleet folder into a temporary folder and reads its rows. */
function readFleetWithCli(cli: string, root: string): Promise<FleetTables> {
  const out = mkdtempSync(join(tmpdir(), 'cmlogs-fleet-'));
  return new Promise<FleetTables>((resolve, reject) => {
    const child = fork(cli, ['fleet', root, '--out', out, '--json', '--jsoneachrow', '--no-parquet'], { silent: true });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.stdout?.resume();
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        const tables = code === 0 ? readFleetRows(out) : null;
        if (!tables) throw new Error(`cmlogs fleet failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
        resolve(tables);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
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
  return `<td class="${escapeHtml(worst)}">${statuses.map((s) => `${byStatus.get(s)} ${escapeHtml(s)}`).join(' · ')}</td>`;
}

/** The report page: a table, a nonce'd script that posts the clicked machine's row number, a CSP that allows nothing else. */
export function fleetReportHtml(tables: FleetTables, nonce: string, cspSource: string): string {
  const head = `<tr><th>machine</th><th>records</th><th>errors</th>${tables.flows.map((f) => `<th>${escapeHtml(f)}</th>`).join('')}</tr>`;
  const rows = tables.machines
    .map((m, i) => {
      const byFlow = tables.counts.get(m.machine);
      const problems = m.problems ? ` title="${escapeHtml(m.problems)}"` : '';
      return `<tr data-row="${i}"${problems}><td><a href="#" data-row="${i}">${escapeHtml(m.machine)}</a>${m.source === 'zip' ? ' (zip)' : ''}</td><td>${m.records}</td><td>${m.errors}</td>${tables.flows.map((f) => cell(byFlow?.get(f))).join('')}</tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  table { border-collapse: collapse; } th, td { padding: 2px 8px; text-align: left; border-bottom: 1px solid var(--vscode-panel-border); }
  td.broken { color: var(--vscode-errorForeground); font-weight: bold; } td.incomplete, td.unproven { color: var(--vscode-editorWarning-foreground); }
  td.none { color: var(--vscode-disabledForeground); }
</style></head>
<body>
<p>${tables.machines.length} machines. Click a machine to open its diagnosis and its timeline.</p>
<table>${head}
${rows}</table>
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

/** What a click does: the machine folder's diagnosis and timeline (handed in by commands.ts). */
export type OpenMachine = (folder: vscode.Uri) => Promise<unknown>;

/** Opens the report of a fleet folder, or of a DIR written by `cmlogs fleet --jsoneachrow`. */
export async function openFleetReport(
  context: vscode.ExtensionContext,
  openMachine: OpenMachine,
  folder?: vscode.Uri,
): Promise<vscode.WebviewPanel | undefined> {
  const picked = folder ?? (await pickFolder('Open Fleet Report'));
  if (!picked) return undefined;
  let tables: FleetTables;
  try {
    tables =
      readFleetRows(picked.fsPath) ??
      (await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `ConfigMgr Logs: reading the machines in ${picked.fsPath}…`,
        },
        () => readFleetWithCli(context.asAbsolutePath(join('server', 'out', 'cli.js')), picked.fsPath),
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
  panel.webview.onDidReceiveMessage((message: { row?: unknown }) => {
    const machine = typeof message?.row === 'number' ? tables.machines[message.row] : undefined;
    if (!machine) return;
    if (machine.source !== 'folder')
      void vscode.window.showInformationMessage(
        `${machine.machine} is a .zip bundle: unpack it to open its diagnosis and timeline.`,
      );
    else void openMachine(vscode.Uri.file(machine.path));
  });
  return panel;
}
