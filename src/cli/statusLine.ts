/** A stream that may be a terminal (`process.stdout` is a `tty.WriteStream` when it is one). */
export interface MaybeTerminal {
  write(s: string): unknown;
  isTTY?: boolean;
  /** Terminal width in characters, when a terminal. */
  columns?: number;
}

/** Carriage return and "erase the whole line" (ECMA-48 EL with parameter 2). */
const ERASE = '\r\x1b[2K';

/**
 * One line at the bottom of a terminal that is rewritten in place (the streaming progress of a model call), so
 * twice-a-second updates do not scroll the log. On anything but a terminal (a pipe, a CI log) it writes nothing:
 * there each update would be a line of its own.
 */
export class StatusLine {
  private shown = false;

  constructor(private readonly out: MaybeTerminal) {}

  /** Shows `text` in place of the previous status, cut to the terminal's width so it never wraps. */
  show(text: string): void {
    if (!this.out.isTTY) return;
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    this.out.write(`${ERASE}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.shown = true;
  }

  /** Erases the status, before an ordinary line is written. */
  clear(): void {
    if (!this.shown) return;
    this.out.write(ERASE);
    this.shown = false;
  }
}
