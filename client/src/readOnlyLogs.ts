// Logs open read-only (CMTrace is a viewer: a stray keystroke must not become a record), unless the user allows
// editing with `cmlogs.readOnly: false`. VS Code has no per-language read-only setting; its "set read-only in
// session" command applies to the active editor, so it is run when a log's editor becomes active.
import * as vscode from 'vscode';

const SET_READONLY = 'workbench.action.files.setActiveEditorReadonlyInSession';
const SET_WRITEABLE = 'workbench.action.files.setActiveEditorWriteableInSession';

export function registerReadOnlyLogs(context: vscode.ExtensionContext): void {
  /** Logs made read-only in this session, so that the command runs once per log (and can be undone). */
  const locked = new Set<string>();
  const enabled = () => vscode.workspace.getConfiguration('cmlogs').get<boolean>('readOnly', true);

  const apply = async (editor: vscode.TextEditor | undefined) => {
    if (!editor || editor.document.languageId !== 'cmlog' || editor.document.uri.scheme !== 'file') return;
    const key = editor.document.uri.toString();
    if (enabled() === locked.has(key)) return;
    // The command acts on the active editor: only when this editor is still it.
    if (vscode.window.activeTextEditor !== editor) return;
    await vscode.commands.executeCommand(enabled() ? SET_READONLY : SET_WRITEABLE).then(undefined, () => undefined);
    if (enabled()) locked.add(key);
    else locked.delete(key);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(apply),
    // A document whose language is set after it opened (detectLanguage.ts) becomes a log then.
    vscode.workspace.onDidOpenTextDocument(() => setTimeout(() => void apply(vscode.window.activeTextEditor), 50)),
    vscode.workspace.onDidChangeConfiguration(
      (e) => e.affectsConfiguration('cmlogs.readOnly') && void apply(vscode.window.activeTextEditor),
    ),
  );
  void apply(vscode.window.activeTextEditor);
}
