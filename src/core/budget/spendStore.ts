import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TicketKind } from '../ticket/ticket';

/**
 * One line of the spend store: a billed model call (`call`) or a ticket's total when it stopped (`ticket`; a
 * resumed ticket writes a newer line, and the newest line of a ticket id counts). USD; `at` is ISO 8601; `repo`
 * is the repository's root, so the same ticket id in two repositories stays two tickets.
 */
export const SpendEntry = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), at: z.string(), usd: z.number().nonnegative(), ticketId: z.string(), repo: z.string() }),
  z.object({ t: z.literal('ticket'), at: z.string(), usd: z.number().nonnegative(), ticketId: z.string(), kind: TicketKind, repo: z.string() }),
]);
export type SpendEntry = z.infer<typeof SpendEntry>;

/** Lines kept when the file is compacted: about a year of calls for a heavy user. */
const KEEP_LINES = 200_000;

/**
 * The user's spend across all repositories and tickets, in `<dir>/spend.jsonl`: one JSON line per entry,
 * appended (`O_APPEND`), so several processes (the CLI, VS Code, `shipwright mcp`) can write at once without a
 * lock and nothing is lost on a crash; a line that does not parse (a torn last write) is skipped when read.
 */
export class SpendStore {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'spend.jsonl');
  }

  /** Appends one entry (creating the folder). @throws Error when the file cannot be written */
  async append(entry: SpendEntry): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.appendFile(this.file, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', mode: 0o600 });
  }

  /** Every entry, oldest first; an absent file is empty. */
  async read(): Promise<SpendEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: SpendEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = SpendEntry.safeParse(JSON.parse(line));
        if (r.success) out.push(r.data);
      } catch {
        // A torn line from a crash mid-append: skipped, the rest still counts.
      }
    }
    if (out.length > KEEP_LINES) await this.compact(out.slice(-KEEP_LINES));
    return out.slice(-KEEP_LINES);
  }

  /** USD of the calls made at or after `since`. */
  async spentSince(since: Date): Promise<number> {
    const t = since.getTime();
    return (await this.read()).reduce((n, e) => (e.t === 'call' && Date.parse(e.at) >= t ? n + e.usd : n), 0);
  }

  /**
   * Totals (USD) of the newest `count` stopped tickets of `kind`, newest first, the newest line per ticket
   * counting; `exclude` (repo + ticket id) is left out.
   */
  async recentTickets(kind: TicketKind, count: number, exclude?: { repo: string; ticketId: string }): Promise<number[]> {
    const latest = new Map<string, { at: number; usd: number }>();
    for (const e of await this.read()) {
      if (e.t !== 'ticket' || e.kind !== kind) continue;
      if (exclude && e.repo === exclude.repo && e.ticketId === exclude.ticketId) continue;
      latest.set(`${e.repo}\n${e.ticketId}`, { at: Date.parse(e.at), usd: e.usd });
    }
    return [...latest.values()].sort((a, b) => b.at - a.at).slice(0, count).map((x) => x.usd);
  }

  /** Rewrites the file with `keep` (temp file + rename). */
  private async compact(keep: SpendEntry[]): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, keep.map((e) => JSON.stringify(e)).join('\n') + '\n', { encoding: 'utf8', mode: 0o600 });
    await fs.rename(tmp, this.file);
  }
}
