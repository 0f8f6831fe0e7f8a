import { sep } from 'node:path';
import * as vscode from 'vscode';
import { commitAll } from '../core/workspace/commitAll';
import type { PipelineBoard } from './pipelineBoard';

/**
 * A person's edits to a ready ticket's worktree (saved from the diff editor's right side) become a commit on
 * the ticket's branch, so the merge brings what they saw, and the file's content hash changes, so an approval
 * made before the edit shows `stale` and must be given again. Only `ready` tickets: a running ticket's
 * worktree belongs to the engine until it stops.
 */
export function watchWorktreeEdits(board: PipelineBoard, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.workspace.onDidSaveTextDocument(async (doc) => {
    if (doc.uri.scheme !== 'file') return;
    const path = doc.uri.fsPath;
    const owner = board.allRuns.find((r) => r.run.state === 'ready' && r.run.worktree && path.startsWith(r.run.worktree.path + sep));
    const wt = owner?.run.worktree;
    if (!owner || !wt) return;
    try {
      const sha = await commitAll(wt, `Edited by a person in VS Code: ${vscode.workspace.asRelativePath(doc.uri, false)}`);
      if (sha) log.info(`${owner.run.ticket.id}: your edit is committed on ${wt.branch} (${sha.slice(0, 10)}); review the file again`);
      board.forgetFiles(owner.run.ticket.id);
      await board.refresh();
    } catch (e) {
      log.error(`${owner.run.ticket.id}: could not commit your edit: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}
