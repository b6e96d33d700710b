// The Diagnosis view (ConfigMgr activity bar): the server walks the documented flows over the logs; the findings
// are shown as a tree (diagnosisModel.ts) whose steps, errors and evidence open the log at their line. Re-run
// and export (markdown) from the view's title bar. A folder is indexed first, with progress.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type DiagnoseResult } from '../../server/src/protocol';
import { brokenFlows, diagnosisExport, diagnosisTree, type DiagnosisNode } from './diagnosisModel';
import { ask } from './requests';

/** What was diagnosed: files (URIs), or a folder whose logs are indexed first at each run. */
export interface DiagnosisTarget {
  uris: string[];
  folder?: string;
  label: string;
}

export const VIEW_ID = 'cmlogs.diagnosis';

class DiagnosisTree implements vscode.TreeDataProvider<DiagnosisNode> {
  roots: DiagnosisNode[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  set(roots: DiagnosisNode[]): void {
    this.roots = roots;
    this.changed.fire();
  }

  getChildren(node?: DiagnosisNode): DiagnosisNode[] {
    return node ? node.children : this.roots;
  }

  getTreeItem(node: DiagnosisNode): vscode.TreeItem {
    const state = node.children.length
      ? node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, state);
    item.description = node.description;
    item.tooltip = node.tooltip;
    if (node.icon)
      item.iconPath = new vscode.ThemeIcon(
        node.icon.id,
        node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined,
      );
    const target = node.location
      ? vscode.Uri.file(node.location.file)
      : node.file
        ? vscode.Uri.file(node.file)
        : undefined;
    if (target) {
      const line = Math.max(0, (node.location?.line ?? 1) - 1);
      item.command = {
        command: 'vscode.open',
        title: 'Open',
        arguments: [target, { selection: new vscode.Range(line, 0, line, 0), preview: true }],
      };
      item.resourceUri = node.file ? target : undefined;
    }
    return item;
  }
}

export class DiagnosisView {
  private readonly tree = new DiagnosisTree();
  private last: { target: DiagnosisTarget; result: DiagnoseResult; files: string[]; when: Date } | null = null;

  constructor(
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {
    const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    context.subscriptions.push(
      view,
      vscode.commands.registerCommand('cmlogs.diagnosis.rerun', () =>
        this.last ? this.run(this.last.target) : vscode.commands.executeCommand('cmlogs.diagnose'),
      ),
      vscode.commands.registerCommand('cmlogs.diagnosis.export', () => this.export()),
    );
    this.view = view;
  }

  private readonly view: vscode.TreeView<DiagnosisNode>;

  /** Indexes a folder when the target is one, diagnoses, shows the tree. */
  async run(target: DiagnosisTarget): Promise<DiagnoseResult | undefined> {
    const outcome = await vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Diagnosing' }, () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `ConfigMgr: diagnosing ${target.label}` },
        async (progress) => {
          if (target.folder) {
            // The folder's own logs with the server's progress; the diagnosis then takes the folder itself, so
            // that logs only in subfolders (one per machine, a bundle's Logs\) are read too, and a folder with
            // no log is diagnosed as empty, never as "every log the server knows".
            progress.report({ message: 'indexing the folder…' });
            await ask(this.client, Requests.indexFolder, { path: vscode.Uri.parse(target.folder).fsPath });
            progress.report({ message: 'walking the flows over the folder and its subfolders…' });
          } else progress.report({ message: `walking the flows over ${target.uris.length} logs…` });
          const result = await ask(
            this.client,
            Requests.diagnose,
            target.folder ? { folder: target.folder } : { uris: target.uris },
          );
          return { result, files: result.files.map((u) => vscode.Uri.parse(u).fsPath).sort() };
        },
      ),
    );
    this.last = { target, ...outcome, when: new Date() };
    this.tree.set(diagnosisTree(outcome.result.findings, outcome.files));
    this.view.title = `Diagnosis: ${target.label}`;
    this.view.message = outcome.files.length ? undefined : `No ConfigMgr logs in ${target.label}.`;
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    const broken = outcome.result.findings.filter((f) => f.status === 'broken').length;
    if (broken)
      void vscode.window.showWarningMessage(
        // Findings are instances (a scan job, a download, a sync), several per flow: say so, not "flows".
        `ConfigMgr: ${broken} of ${outcome.result.findings.length} findings broken in ${target.label} (${brokenFlows(outcome.result.findings)}); the Diagnosis view shows where and what to try.`,
      );
    return outcome.result;
  }

  private async export(): Promise<void> {
    if (!this.last) return void vscode.window.showInformationMessage('Run ConfigMgr: Diagnose first.');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'diagnosis.md') : undefined,
      filters: { Markdown: ['md'] },
      saveLabel: 'Export diagnosis',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(
      target,
      new TextEncoder().encode(diagnosisExport(this.last.result.markdown, this.last.files, this.last.when)),
    );
    void vscode.window.showInformationMessage(`Diagnosis exported to ${target.fsPath || target.toString()}`);
  }
}
