import type { PhaseId } from '../pipeline/phaseId';

/** A file the ticket's branch changed, against the base commit. `added`/`removed` are line counts. */
export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'deleted';
  added: number;
  removed: number;
  /** sha256 of the file's content in the worktree (empty string when deleted); an approval is bound to it. */
  contentHash: string;
  /**
   * What a person should look at before approving, one sentence each (see reviewFlags): hidden or bidi
   * characters, control bytes that make git call a text file binary, a changed `.gitattributes`. Absent when none.
   */
  flags?: string[];
}

/** A person's decision on one file. */
export interface FileDecision {
  path: string;
  decision: 'approve' | 'reject';
  /** The content hash the decision was made on; a file whose hash changed since needs approval again. */
  contentHash: string;
  /** Why, for a rejection; sent back to implementation as a `human` objection when `sendBack` is set. */
  reason?: string;
  sendBack?: boolean;
}

/**
 * How the engine asks a person. VS Code implements it with the diff editor and the panel; the CLI with a
 * terminal prompt (or flags, when not interactive).
 */
export interface ApprovalPort {
  /** Per-file approval of a ready ticket's change. `baseRef` is the commit the ticket started from. */
  reviewFiles(req: { ticketId: string; worktreePath: string; baseRef: string; files: ChangedFile[] }): Promise<FileDecision[]>;
  /** A checkpoint: approve a deliverable, reject it with a reason, or hand back an edited markdown/JSON. */
  approveDeliverable(req: {
    ticketId: string;
    phase: PhaseId;
    markdown: string;
  }): Promise<{ decision: 'approve' } | { decision: 'reject'; reason: string }>;
}
