// Read-only text documents the extension writes (lookup answers, diagnosis reports), served from memory.
import * as vscode from 'vscode';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'cmlogs';
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(context: vscode.ExtensionContext) {
    context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(ReadOnlyDocuments.scheme, this), this.changed);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  async show(path: string, content: string, language?: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: ReadOnlyDocuments.scheme, path: '/' + path });
    this.contents.set(uri.path, content);
    this.changed.fire(uri);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (language) doc = await vscode.languages.setTextDocumentLanguage(doc, language);
    return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}
