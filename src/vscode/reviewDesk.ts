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

  private readonly submitting = new Set<string>();

  /**
   * @param opts.confirm asked once every file has a decision, before the decisions go anywhere (a merge follows);
   *   false keeps the decisions and sends nothing (`submit` asks again). Without it the decisions go at once.
   */
  constructor(private readonly opts: {
    onAllDecided: (ticketId: string, decisions: FileDecision[]) => void;
    onRequest?: (ticketId: string) => void;
    confirm?: (ticketId: string, decisions: FileDecision[]) => Promise<boolean>;
  }) {}

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
    this.leaveOutNotes(ticketId);
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
   * Records a person's decision on the file's current content. `paths` undefined means every file but Shipwright's `.shipwright/` notes. A rejection
   * may carry a reason and `sendBack` (the engine then gives the file back to implementation with the reason).
   * @throws Error when the ticket has no review or a path is not part of it
   */
  decide(ticketId: string, decision: 'approve' | 'reject', paths?: string[], why?: { reason?: string; sendBack?: boolean }): void {
    const review = this.reviews.get(ticketId);
    if (!review) throw new Error(`ticket ${ticketId} has no change waiting for review`);
    // "All" means the code: Shipwright's own notes are left out unless named.
    const targets = paths ?? review.files.filter((f) => !f.path.startsWith('.shipwright/')).map((f) => f.path);
    for (const path of targets) {
      const file = review.files.find((f) => f.path === path);
      if (!file) throw new Error(`${path} is not part of ticket ${ticketId}'s change`);
      review.decisions.set(path, { path, decision, contentHash: file.contentHash, ...(why?.reason ? { reason: why.reason } : {}), ...(why?.sendBack ? { sendBack: true } : {}) });
    }
    this.changed();
    if (this.complete(ticketId)) void this.submit(ticketId);
  }

  /** Every file of the ticket's change has a decision on its current content. */
  complete(ticketId: string): boolean {
    const review = this.reviews.get(ticketId);
    return !!review && review.files.length > 0 && review.files.every((f) => this.approvalOf(ticketId, f) === 'approved' || this.approvalOf(ticketId, f) === 'rejected');
  }

  /**
   * Sends a complete set of decisions on (to the engine's waiting review, else `onAllDecided`), after `confirm`
   * when given. Synchronous without `confirm`. Resolves true when sent; false when incomplete, declined or
   * already being confirmed. The decisions stay shown either way (deciding again after a refused merge submits again).
   */
  submit(ticketId: string): Promise<boolean> | boolean {
    const review = this.reviews.get(ticketId);
    if (!review || !this.complete(ticketId) || this.submitting.has(ticketId)) return false;
    const current = review.files.map((f) => review.decisions.get(f.path)).filter((d): d is FileDecision => d !== undefined);
    const send = (): true => {
      const waiter = review.waiter;
      review.waiter = undefined;
      if (waiter) waiter(current);
      else this.opts.onAllDecided(ticketId, current);
      return true;
    };
    if (!this.opts.confirm) return send();
    this.submitting.add(ticketId);
    return this.opts.confirm(ticketId, current).then(
      (yes) => (yes && this.complete(ticketId) ? send() : false),
    ).finally(() => this.submitting.delete(ticketId));
  }

  /**
   * Decides the files no one has decided yet that Shipwright wrote for itself (`.shipwright/…` notes): they are
   * left out of the merge and stay on the ticket's branch.
   */
  leaveOutNotes(ticketId: string): void {
    const review = this.reviews.get(ticketId);
    if (!review) return;
    for (const f of review.files) {
      if (f.path.startsWith('.shipwright/') && !review.decisions.has(f.path)) {
        review.decisions.set(f.path, { path: f.path, decision: 'reject', contentHash: f.contentHash, reason: 'pipeline notes stay on the ticket branch' });
      }
    }
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
