/**
 * Answers of an asynchronous lookup kept by key, at most `limit` of them (the oldest goes first), for facts that
 * cannot change while they are kept: a worktree's git paths, a commit's files. A failed answer is not kept, so the
 * next call asks again. Callers share one promise while it is pending.
 */
export class BoundedAsyncCache<V> {
  private readonly answers = new Map<string, Promise<V>>();

  /** @param limit the most answers kept (one per ticket is typical; an epic runs a few tickets at once) */
  constructor(private readonly limit = 32) {}

  /** The kept answer for `key`, else `compute()`'s, kept once asked. @throws what `compute` throws */
  get(key: string, compute: () => Promise<V>): Promise<V> {
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    const asked = compute();
    asked.catch(() => this.answers.delete(key));
    this.answers.set(key, asked);
    if (this.answers.size > this.limit) this.answers.delete(this.answers.keys().next().value ?? key);
    return asked;
  }
}
