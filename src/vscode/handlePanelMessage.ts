import * as vscode from 'vscode';
import type { WebviewMessage } from '../shared/panelMessage';
import { assertNever } from '../shared/assertNever';
import type { PipelineBoard } from './pipelineBoard';
import { COMMANDS } from './registerCommands';
import type { TicketActions } from './ticketActions';

/**
 * Does what a panel message asks. Messages are already zod-parsed; ticket ids and paths in them are still only
 * names to look up (the actions refuse unknown tickets and files outside the ticket's change).
 * @throws Error from the action (the panel shows it as a notification)
 */
export async function handlePanelMessage(m: WebviewMessage, board: PipelineBoard, actions: TicketActions): Promise<void> {
  switch (m.type) {
    case 'ready':
      await board.refresh();
      return;
    case 'select':
      board.select(m.ticketId);
      return;
    case 'runTicket':
      await vscode.commands.executeCommand(COMMANDS.runTicket);
      return;
    case 'openDeliverable':
      await actions.openDeliverable(m.ticketId, m.phase);
      return;
    case 'openDiff':
      await actions.openDiff(m.ticketId, m.path);
      return;
    case 'decideFile':
      if (m.decision === 'approve') actions.decide(m.ticketId, 'approve', [m.path]);
      else await actions.reject(m.ticketId, m.path);
      return;
    case 'approveAll':
      actions.decide(m.ticketId, 'approve');
      return;
    case 'retry':
      await actions.resume(m.ticketId, m.modelKey);
      return;
    case 'editDeliverable':
      await actions.editDeliverable(m.ticketId);
      return;
    case 'continue':
      await actions.continueWithEdit(m.ticketId);
      return;
    case 'stop':
      await actions.cancel(m.ticketId);
      return;
    case 'decideCheckpoint':
      await actions.decideCheckpoint(m.ticketId, m.decision);
      return;
    case 'checkModels':
      await vscode.commands.executeCommand(COMMANDS.checkModels);
      return;
    case 'resume':
      await actions.resume(m.ticketId);
      return;
    case 'deleteRun':
      await actions.deleteRun(m.ticketId);
      return;
    case 'raiseBudget':
      await actions.resume(m.ticketId, undefined, m.budgetUsd);
      return;
    case 'reviewNext':
      await actions.reviewNext(m.ticketId);
      return;
    case 'manageTrust':
      await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    case 'setApiKey':
      await vscode.commands.executeCommand(COMMANDS.setApiKey);
      return;
    case 'setOllamaHost':
      await vscode.commands.executeCommand(COMMANDS.setOllamaHost);
      return;
    case 'pickModel':
      await vscode.commands.executeCommand(COMMANDS.pickModel);
      return;
    case 'copyPull':
      await vscode.commands.executeCommand(COMMANDS.copyPullCommand, m.model);
      return;
    default:
      assertNever(m, 'panel message');
  }
}
