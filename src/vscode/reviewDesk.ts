import type { PhaseId } from '../core/pipeline/phaseId';
import type { ApprovalPort, ChangedFile, FileDecision } from '../core/ports/approvalPort';
import type { FileApproval } from '../shared/viewState';

/** A checkpoint's answer (ApprovalPort.approveDeliverable). */
type CheckpointAnswer = { decision: 'approve' } | { decision: 'reject'; reason: string };

/** The files of one ticket under review, the person's decisions, and the engine's waiter when it asked. */
interface Review {
  worktreePath: string;
  baseRef: string;
  files: ChangedFile[];
  decisions: Map<string, FileDecision>;
  waiter?: (d: FileDecision[]) => void;
}

/**
 * The VS Code side of `ApprovalPort`, free of 'vscode' so its rules are testable in plain mocha. It holds what
 * waits for a person: per-file reviews (a decision is bound to the file's content hash, so a file that changed
 * after it was approved shows `stale` and needs approval again) and deliverable checkpoints. The panel and the
 * diff editor's title actions call `decide`; when every file of a review has a current decision, the engine's
 * `reviewFiles` promise resolves, or, when the engine did not ask (a ticket found `ready` on disk),
 * `onAllDecided` is called so the adapter can finish the ticket itself.
 */
export class ReviewDesk implements ApprovalPort {
  private readonly reviews = new Map<string, Review>();
  private readonly checkpoints = new Map<string, { phase: PhaseId; markdown: string; answer: (a: CheckpointAnswer) => void }>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly opts: { onAllDecided: (ticketId: string, decisions: FileDecision[]) => void; onRequest?: (ticketId: string) => void }) {}

  /** Calls `listener` on every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reviewFiles(req: { ticketId: string; worktreePath: string; baseRef: string; files: ChangedFile[] }): Promise<FileDecision[]> {
    return new Promise((resolve) => {
      this.show(req.ticketId, req.worktreePath, req.baseRef, req.files);
      const review = this.reviews.get(req.ticketId);
      if (review) review.waiter = resolve;
      this.opts.onRequest?.(req.ticketId);
    });
  }

  approveDeliverable(req: { ticketId: string; phase: PhaseId; markdown: string }): Promise<CheckpointAnswer> {
    return new Promise((resolve) => {
      this.checkpoints.set(req.ticketId, { phase: req.phase, markdown: req.markdown, answer: resolve });
      this.changed();
      this.opts.onRequest?.(req.ticketId);
    });
  }

  /** Shows (or refreshes) the files of a ticket's change; earlier decisions are kept and checked against hashes. */
  show(ticketId: string, worktreePath: string, baseRef: string, files: ChangedFile[]): void {
    const before = this.reviews.get(ticketId);
    this.reviews.set(ticketId, { worktreePath, baseRef, files, decisions: before?.decisions ?? new Map(), waiter: before?.waiter });
    this.changed();
  }

  /** The files under review of a ticket, or undefined. */
  files(ticketId: string): readonly ChangedFile[] | undefined {
    return this.reviews.get(ticketId)?.files;
  }

  /** Where a file stands: no decision, approved or rejected on its current content, or `stale`. */
  approvalOf(ticketId: string, file: ChangedFile): FileApproval {
    const d = this.reviews.get(ticketId)?.decisions.get(file.path);
    if (!d) return 'pending';
    if (d.contentHash !== file.contentHash) return 'stale';
    return d.decision === 'approve' ? 'approved' : 'rejected';
  }

  /**
   * Records a person's decision on the file's current content. `paths` undefined means every file. A rejection
   * may carry a reason and `sendBack` (the engine then gives the file back to implementation with the reason).
   * @throws Error when the ticket has no review or a path is not part of it
   */
  decide(ticketId: string, decision: 'approve' | 'reject', paths?: string[], why?: { reason?: string; sendBack?: boolean }): void {
    const review = this.reviews.get(ticketId);
    if (!review) throw new Error(`ticket ${ticketId} has no change waiting for review`);
    const targets = paths ?? review.files.map((f) => f.path);
    for (const path of targets) {
      const file = review.files.find((f) => f.path === path);
      if (!file) throw new Error(`${path} is not part of ticket ${ticketId}'s change`);
      review.decisions.set(path, { path, decision, contentHash: file.contentHash, ...(why?.reason ? { reason: why.reason } : {}), ...(why?.sendBack ? { sendBack: true } : {}) });
    }
    this.changed();
    const current = review.files.map((f) => review.decisions.get(f.path)).filter((d): d is FileDecision => d !== undefined);
    const complete = review.files.length > 0 && review.files.every((f) => this.approvalOf(ticketId, f) === 'approved' || this.approvalOf(ticketId, f) === 'rejected');
    if (!complete) return;
    // The decisions stay (the panel keeps showing them); deciding again after a refused merge submits again.
    const waiter = review.waiter;
    review.waiter = undefined;
    if (waiter) waiter(current);
    else this.opts.onAllDecided(ticketId, current);
  }

  /** The checkpoint waiting on a ticket, if any. */
  checkpoint(ticketId: string): { phase: PhaseId; markdown: string } | undefined {
    const c = this.checkpoints.get(ticketId);
    return c && { phase: c.phase, markdown: c.markdown };
  }

  /** Answers a ticket's checkpoint. @throws Error when none waits */
  answerCheckpoint(ticketId: string, answer: CheckpointAnswer): void {
    const c = this.checkpoints.get(ticketId);
    if (!c) throw new Error(`ticket ${ticketId} has no deliverable waiting for approval`);
    this.checkpoints.delete(ticketId);
    this.changed();
    c.answer(answer);
  }

  /** Forgets a ticket's review and rejects nothing: used when the ticket was cancelled or merged. */
  drop(ticketId: string): void {
    this.reviews.delete(ticketId);
    this.changed();
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
