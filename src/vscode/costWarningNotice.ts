import * as vscode from 'vscode';
import { costWarningText } from '../core/budget/spendGuard';
import type { FolderEngines } from './folderEngines';

/**
 * Shows a warning notification when a ticket costs far more than the user's recent tickets of its kind (the
 * engine's `costWarning` event), with a button to the pipeline view.
 */
export function costWarningNotice(engines: FolderEngines, showPipelineCommand: string): vscode.Disposable {
  return engines.onEvent(({ event }) => {
    if (event.type !== 'costWarning') return;
    void vscode.window.showWarningMessage(`Shipwright: ${costWarningText(event)}.`, 'Show Pipeline').then((pick) => {
      if (pick) void vscode.commands.executeCommand(showPipelineCommand);
    });
  });
}
