import { TicketParseError } from './ticketParseError';

/** A ticket body with its title heading and acceptance criteria taken out. */
export interface TicketBody {
  /** Text of the first `# Heading`, when a title was asked for and one was found. */
  title?: string;
  /** The remaining markdown, without leading and trailing blank lines. */
  body: string;
  /** List items of every acceptance-criteria section (heading of any level, or a plain line), in order, checkboxes stripped. */
  acceptanceCriteria: string[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const CRITERIA_HEADING = /^acceptance criteria:?$/i;
/** A plain line that opens the criteria: `Acceptance criteria:`, `**Acceptance criteria**:`, `*Acceptance criteria:*`. */
const CRITERIA_LINE = /^ {0,3}(?:\*\*|__|\*|_)?acceptance criteria:?(?:\*\*|__|\*|_)?:?[ \t]*$/i;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:\[[ xX]\][ \t]+)?(.*))?$/;

/**
 * Reads a ticket's markdown body. Headings inside fenced code blocks do not count.
 * - With `wantTitle`, the first level-1 heading becomes the title and its line leaves the body.
 * - Each acceptance-criteria section leaves the body: a heading of any level `Acceptance criteria` (any case,
 *   optional colon; not the title), or a plain line `Acceptance criteria:` (bold or italic too). Its list items
 *   (`-`, `*`, `+`, `1.`, `1)`, with or without `[ ]`/`[x]`) become criteria; indented or directly following
 *   lines continue the item above. A heading section ends at the next heading of the same or a higher level; a
 *   plain-line section ends at any heading, or at the first text after a blank line that is not a list item.
 * @param firstLine 1-based file line of the body's first line, for messages
 * @throws TicketParseError `acceptanceCriteria` for any other text in the section or an empty item;
 *   `missingTitle` for an empty title heading
 */
export function readTicketBody(body: string, firstLine: number, source: string, wantTitle: boolean): TicketBody {
  const lines = body.split('\n');
  const kept: string[] = [];
  const criteria: string[] = [];
  let title: string | undefined;
  let fence: string | undefined;
  let inCriteria = false;
  /** Level of the heading that opened the section; 0 for a plain `Acceptance criteria:` line. */
  let criteriaLevel = 0;
  let openedBy = '';
  let criteriaBefore = 0;
  let previousBlank = true;
  const fail = (i: number, detail: string): never => {
    throw new TicketParseError('acceptanceCriteria', source, firstLine + i, 'acceptanceCriteria', detail);
  };
  lines.forEach((line, i) => {
    const fenceMatch = FENCE.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = undefined;
      if (!inCriteria) kept.push(line);
      return;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1].length;
      const text = (heading[2] ?? '').trim();
      if (wantTitle && title === undefined && level === 1) {
        if (text === '') throw new TicketParseError('missingTitle', source, firstLine + i, 'title', 'the title heading is empty');
        title = text;
        return;
      }
      if (CRITERIA_HEADING.test(text)) {
        inCriteria = true;
        criteriaLevel = level;
        previousBlank = true;
        return;
      }
      if (criteriaLevel === 0 || level <= criteriaLevel) inCriteria = false;
      else if (inCriteria) return; // a sub-heading inside the section groups criteria; it is not one
    }
    if (!inCriteria && !heading && CRITERIA_LINE.test(line)) {
      inCriteria = true;
      criteriaLevel = 0;
      openedBy = line;
      criteriaBefore = criteria.length;
      previousBlank = true;
      return;
    }
    if (!inCriteria) {
      if (fenceMatch) fence = fenceMatch[1];
      kept.push(line);
      return;
    }
    const item = heading ? null : LIST_ITEM.exec(line);
    if (item) {
      const text = (item[1] ?? '').trim();
      if (text === '') fail(i, 'an acceptance criterion is empty');
      criteria.push(text);
    } else if (line.trim() !== '') {
      const continues = criteria.length > 0 && (!previousBlank || /^[ \t]{2,}/.test(line));
      if (!continues && criteriaLevel === 0) {
        // A plain-line section ends at the first paragraph after its list (or at once, when no list follows:
        // then its line was ordinary text and stays in the body).
        if (criteria.length === criteriaBefore) kept.push(openedBy);
        inCriteria = false;
        if (FENCE.exec(line)) fence = FENCE.exec(line)?.[1];
        kept.push(line);
        previousBlank = false;
        return;
      }
      if (!continues) fail(i, `every line of the section is a list item (\`- ...\`); got ${JSON.stringify(line.trim())}`);
      criteria[criteria.length - 1] += ` ${line.trim()}`;
    }
    previousBlank = line.trim() === '';
  });
  const rest = kept.join('\n').replace(/^(?:[ \t]*\n)+/, '').trimEnd();
  return { ...(title === undefined ? {} : { title }), body: rest, acceptanceCriteria: criteria };
}
