import * as vscode from 'vscode';

/** Why Shipwright does nothing in an untrusted workspace (shown to people as is). */
export const UNTRUSTED_REASON =
  'Shipwright does not run tickets in an untrusted workspace: a ticket runs the project\'s test command and code written by a model, and reads .shipwright/config.json from the folder. Trust the workspace (Manage Workspace Trust) to run tickets.';

/** True when the workspace is trusted; otherwise tells the person why nothing runs and offers to manage trust. */
export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(UNTRUSTED_REASON, 'Manage Workspace Trust').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
