import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { writeAtomically } from './writeAtomically';

/** Which first attempts are counted: a validated phase's deliverable, or an edit step of implementation. */
export type RetryKind = 'validated' | 'edit';

/**
 * The prior, as pseudo-counts of first attempts and of those that needed a retry: Beta(1, 4), a mean of 20 %.
 * Why: a first-attempt cache write pays only when a retry reads it (break-even ≈ 26 % on the 5.5 models: a 0.25×
 * premium against a 0.95× saving per read). Until this repository has shown retries, a retry is taken as the
 * exception, so a happy path pays no premium (on the bench it cost +2.8 % of a feature ticket); two objected first
 * attempts out of four lift the estimate to 3/9 = 33 %, past the break-even, and first attempts are cached again.
 */
const PRIOR = { attempts: 5, retried: 1 };
/** Counts are scaled down past this many first attempts, so the rate follows recent runs (models and prompts change). */
const WINDOW = 100;

const Counts = z.object({ attempts: z.number().nonnegative(), retried: z.number().nonnegative() });
const Stored = z.object({ validated: Counts, edit: Counts });
type Stored = z.infer<typeof Stored>;

/**
 * How often a first attempt is followed by a retry in this repository (an objection to a deliverable, an edit
 * step whose tests do not come out as they must), learned from its runs and kept in
 * `<git common dir>/shipwright/retry-rate.json`: the probability that a cached prompt will be read again, which
 * the prompt-cache decision weighs (cacheLifetime). Shared by the tickets of one engine; a write from another
 * process may be overwritten (the counts are statistics, not records).
 */
export class RetryRate {
  /** The last write; the next one starts after it, so the file ends with the latest counts. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | undefined, private counts: Stored) {}

  /** The rate stored at `file`; the prior alone when it is missing or unreadable. Never throws. */
  static async load(file: string): Promise<RetryRate> {
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    let parsed: Stored | undefined;
    try {
      parsed = text === undefined ? undefined : Stored.parse(JSON.parse(text));
    } catch {
      parsed = undefined; // a torn or hand-edited file: start again from the prior
    }
    return new RetryRate(file, parsed ?? { validated: { attempts: 0, retried: 0 }, edit: { attempts: 0, retried: 0 } });
  }

  /** A rate kept in memory only (tests, a dry run). */
  static inMemory(): RetryRate {
    return new RetryRate(undefined, { validated: { attempts: 0, retried: 0 }, edit: { attempts: 0, retried: 0 } });
  }

  /** The estimated probability (0–1) that a first attempt of `kind` is followed by a retry: the posterior mean. */
  probability(kind: RetryKind): number {
    const c = this.counts[kind];
    return (c.retried + PRIOR.retried) / (c.attempts + PRIOR.attempts);
  }

  /** Counts one first attempt of `kind` and whether a retry followed it, and stores the counts. Never throws. */
  async record(kind: RetryKind, retried: boolean): Promise<void> {
    const c = this.counts[kind];
    const scale = c.attempts + 1 > WINDOW ? WINDOW / (c.attempts + 1) : 1;
    this.counts = { ...this.counts, [kind]: { attempts: (c.attempts + 1) * scale, retried: (c.retried + (retried ? 1 : 0)) * scale } };
    const file = this.file;
    if (file === undefined) return;
    // Serialized, each writing the counts as they are when it runs: concurrent tickets of an epic record at once.
    this.writing = this.writing.then(() => writeAtomically(file, JSON.stringify(this.counts))).catch(() => undefined);
    await this.writing;
  }
}
