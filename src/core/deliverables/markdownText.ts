/**
 * Small builders for markdown that carries untrusted text (model output): they keep multi-line values inside
 * their list item or code block, so a value cannot break the document's structure.
 */

/** A bullet list, one item per value; continuation lines are indented under their item. `empty` when none. */
export function bulletList(items: readonly string[], empty = '_None._'): string {
  if (items.length === 0) return empty;
  return items.map((item) => `- ${indentContinuation(item.trim(), '  ')}`).join('\n');
}

/** Indents every line but the first, so a multi-line value stays inside a list item. */
export function indentContinuation(text: string, indent: string): string {
  return text.replace(/\n/g, `\n${indent}`);
}

/** A fenced code block whose fence is longer than any backtick run in the text, so the text cannot close it. */
export function codeBlock(text: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${language}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`;
}

/** Inline code, with a backtick run longer than any inside the text (a path may contain backticks). */
export function inlineCode(text: string): string {
  const line = oneLine(text);
  const ticks = '`'.repeat(longestBacktickRun(line) + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${line}${pad}${ticks}`;
}

/** Sections joined by blank lines, skipping empty ones; ends with one newline. */
export function joinSections(sections: readonly string[]): string {
  return `${sections.filter((s) => s.trim() !== '').join('\n\n')}\n`;
}

/** Values as inline code, comma-separated; `empty` when none. */
export function codeList(values: readonly string[], empty = 'none'): string {
  return values.length === 0 ? empty : values.map(inlineCode).join(', ');
}

/** One line of text, for a heading or a label: line breaks become spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Every line prefixed with `> `, so embedded headings and lists stay inside the quote. */
export function blockQuote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}
