import { createInterface } from 'node:readline/promises';
import type { ApprovalPort, FileDecision } from '../core/ports/approvalPort';
import { sanitizeForTerminal } from '../core/pipeline/sanitizeText';
import { fileLines } from './fileLines';

/**
 * The CLI's approval port. On a terminal it asks, file by file and at checkpoints; without one (CI, pipes) it
 * approves checkpoints when `assumeYes` is set and otherwise rejects them with a reason, and leaves files
 * undecided (the run stays `ready` for `shipwright finish`).
 */
export class TerminalApprovals implements ApprovalPort {
  constructor(private readonly o: { interactive: boolean; assumeYes: boolean; out: NodeJS.WritableStream; in: NodeJS.ReadableStream }) {}

  private async ask(question: string): Promise<string> {
    const rl = createInterface({ input: this.o.in, output: this.o.out });
    try {
      return (await rl.question(question)).trim().toLowerCase();
    } finally {
      rl.close();
    }
  }

  async approveDeliverable(req: { ticketId: string; phase: string; markdown: string }): Promise<{ decision: 'approve' } | { decision: 'reject'; reason: string }> {
    if (this.o.assumeYes) return { decision: 'approve' };
    if (!this.o.interactive) return { decision: 'reject', reason: `checkpoint on ${req.phase} needs a person; rerun with --yes or from a terminal` };
    this.o.out.write(`\n--- ${req.ticketId}: ${req.phase} ---\n${req.markdown}\n`);
    const a = await this.ask(`Approve ${req.phase}? [y/N, or a reason to reject] `);
    return a === 'y' || a === 'yes' ? { decision: 'approve' } : { decision: 'reject', reason: a || 'rejected at the checkpoint' };
  }

  async reviewFiles(req: Parameters<ApprovalPort['reviewFiles']>[0]): Promise<FileDecision[]> {
    const decisions: FileDecision[] = [];
    for (const f of req.files) {
      const [head, ...flags] = fileLines(f);
      // Shown also with --yes: what was approved unread is at least on the record of the terminal.
      for (const flag of flags) this.o.out.write(`${sanitizeForTerminal(`${f.path}: ${flag.trim()}`)}\n`);
      if (this.o.assumeYes) {
        decisions.push({ path: f.path, decision: 'approve', contentHash: f.contentHash });
        continue;
      }
      if (!this.o.interactive) continue;
      const a = await this.ask(`${sanitizeForTerminal(head)} approve? [y/n] `);
      decisions.push({ path: f.path, decision: a.startsWith('y') ? 'approve' : 'reject', contentHash: f.contentHash });
    }
    return decisions;
  }
}
