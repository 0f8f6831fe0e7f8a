import * as vscode from 'vscode';
import type { RunState } from '../core/pipeline/runState';
import type { ChangedFile } from '../core/ports/approvalPort';
import { baseUri } from './baseContentProvider';

/** A diff the extension opened, so an editor-title action knows which ticket and file it is about. */
export interface OpenDiff {
  ticketId: string;
  path: string;
}

/**
 * Opens VS Code's diff editor for one file of a ticket's change: the base commit's content (read-only, through
 * `BaseContentProvider`) on the left, the file in the ticket's worktree on the right. A deleted file shows its
 * base against an empty document; an added one an empty base against the file. `position` ("2 of 7") goes in
 * the title. The editor is a preview, so stepping to the next file replaces it instead of piling up tabs.
 * @throws Error when the ticket has no worktree
 */
export async function openFileDiff(run: RunState, file: ChangedFile, opened: Map<string, OpenDiff>, position?: { n: number; of: number }): Promise<void> {
  const wt = run.worktree;
  if (!wt) throw new Error(`ticket ${run.ticket.id} has no worktree`);
  const left = file.status === 'added' ? baseUri(wt.path, '', file.path) : baseUri(wt.path, wt.baseCommit, file.path);
  const right = file.status === 'deleted' ? baseUri(wt.path, '', file.path) : vscode.Uri.joinPath(vscode.Uri.file(wt.path), file.path);
  opened.set(right.toString(), { ticketId: run.ticket.id, path: file.path });
  await vscode.commands.executeCommand('vscode.diff', left, right, `${file.path} (${position ? `${position.n} of ${position.of} · ` : ''}${run.ticket.id}: base ↔ ticket)`, { preview: true });
}
