import * as vscode from 'vscode';

/**
 * The workspace folder a command acts on: the folder of `resource` when given, the only folder of a single-root
 * workspace, or the one a person picks in a multi-root workspace. Undefined when there is no folder or the
 * person cancelled the pick.
 */
export async function pickWorkspaceFolder(resource?: vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
  if (resource) {
    const owner = vscode.workspace.getWorkspaceFolder(resource);
    if (owner) return owner;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Shipwright: open a folder (a git repository) first.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder (repository) should Shipwright work in?' });
}
