/**
 * Collects a stream of text keeping only its head and its tail, so a command that prints megabytes costs a
 * bounded amount of memory and of model context. `budgetChars` is the most characters `text()` returns
 * (plus one marker line saying how many characters were cut from the middle).
 */
export class HeadTailBuffer {
  private head = '';
  private tail = '';
  private total = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(readonly budgetChars: number) {
    // The tail gets the larger share: test runners print their failures and summary last.
    this.headMax = Math.floor(budgetChars * 0.4);
    this.tailMax = budgetChars - this.headMax;
  }

  /** Appends a chunk. */
  push(chunk: string): void {
    this.total += chunk.length;
    if (this.head.length < this.headMax) {
      const room = this.headMax - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk.length === 0) return;
    this.tail += chunk;
    if (this.tail.length > this.tailMax * 2) this.tail = this.tail.slice(-this.tailMax);
  }

  /** Characters pushed so far. */
  get totalChars(): number {
    return this.total;
  }

  /** The kept text: everything when it fits the budget, else head + a marker + tail. */
  text(): string {
    const kept = this.head.length + this.tail.length;
    if (kept <= this.budgetChars) return this.head + this.tail;
    const tail = this.tail.slice(-this.tailMax);
    const cut = this.total - this.head.length - tail.length;
    return `${this.head}\n… [${cut} characters of output cut here; ${this.total} in all] …\n${tail}`;
  }
}

/** Trims `text` to `budgetChars` keeping head and tail (see HeadTailBuffer). */
export function trimOutput(text: string, budgetChars: number): string {
  const b = new HeadTailBuffer(budgetChars);
  b.push(text);
  return b.text();
}
