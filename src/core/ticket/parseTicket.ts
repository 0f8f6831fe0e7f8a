import { readFrontMatter, type FrontMatterField } from './frontMatter';
import { slugFromTitle } from './slugFromTitle';
import { Ticket, TicketId, TicketKind } from './ticket';
import { readTicketBody } from './ticketBody';
import { TicketParseError, type TicketParseErrorReason } from './ticketParseError';

/** Largest ticket accepted, in bytes of UTF-8: ticket text is untrusted and ends up in every prompt. */
export const MAX_TICKET_BYTES = 256 * 1024;

/** Front-matter keys of the ticket format. `parentId` is written by the epic split into child tickets. */
const KEYS = ['kind', 'id', 'title', 'dependsOn', 'parentId'] as const;
type Key = (typeof KEYS)[number];
const TITLE_MAX = 200;

/** Reports a problem with one field; `item` is the index of a list item, for its line. */
type Fail = (reason: TicketParseErrorReason, field: string, detail: string, item?: number) => never;

/**
 * Parses a ticket file: YAML front matter between `---` lines, then a markdown body.
 *
 * Front matter: `kind` (feature|hotfix|epic, required), `id` (optional; else derived from the title by
 * `slugFromTitle`, deterministic), `title` (optional; else the body's first `# Heading`, which then leaves the
 * body), `dependsOn` (optional list of ticket ids), `parentId` (optional). Any other key is an error.
 * Items of an `## Acceptance criteria` section become `acceptanceCriteria` and leave the body.
 * Accepts `\r\n` line ends and a leading byte-order mark.
 * @param text the file's content (untrusted; at most `MAX_TICKET_BYTES` bytes of UTF-8)
 * @param source where it came from (a path), used as the prefix of error messages and kept in `Ticket.source`
 * @throws TicketParseError naming the 1-based file line and the field, e.g.
 *   `ticket.md:3: kind: must be one of feature, hotfix, epic (got "bug")`
 */
export function parseTicket(text: string, source: string): Ticket {
  checkSize(text, source, 'ticket');
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const fm = readFrontMatter(normalized, source);
  for (const [key, field] of fm.fields) {
    if (!isKey(key)) {
      throw new TicketParseError('unknownKey', source, field.keyLine, key, `unknown front-matter key; the keys are ${KEYS.join(', ')}`);
    }
  }
  const fail =
    (field: FrontMatterField | undefined): Fail =>
    (reason, name, detail, item) => {
      const line = item === undefined ? field?.valueLine : field?.itemLines[item];
      throw new TicketParseError(reason, source, line ?? fm.openLine, name, detail);
    };
  const entry = (key: Key) => fm.fields.get(key);
  const kind = checkKind(entry('kind')?.value, fail(entry('kind')));
  const id = optional(entry('id')?.value, (v) => checkId(v, 'id', fail(entry('id'))));
  const frontTitle = optional(entry('title')?.value, (v) => checkTitle(v, fail(entry('title'))));
  const dependsOn = checkDependsOn(entry('dependsOn')?.value ?? null, fail(entry('dependsOn')));
  const parentId = optional(entry('parentId')?.value, (v) => checkId(v, 'parentId', fail(entry('parentId'))));

  const body = readTicketBody(fm.body, fm.bodyStartLine, source, frontTitle === undefined);
  const bodyFail: Fail = fail({ value: null, keyLine: fm.bodyStartLine, valueLine: fm.bodyStartLine, itemLines: [] });
  const title = frontTitle ?? (body.title === undefined ? undefined : checkTitle(body.title, bodyFail));
  if (title === undefined) bodyFail('missingTitle', 'title', 'no `title:` in the front matter and no `# Heading` in the body');
  if (body.body === '') bodyFail('emptyBody', 'body', 'the ticket has no description: say what should change, below the front matter');
  return finish(
    { id: id ?? slugFromTitle(title), kind, title, body: body.body, acceptanceCriteria: body.acceptanceCriteria, dependsOn, parentId, source },
    (name) => fm.fields.get(name)?.valueLine ?? fm.openLine,
    source,
  );
}

/** What the VS Code quick input collects. All three are untrusted text. */
export interface QuickTicketInput {
  kind: string;
  title: string;
  /** Markdown; may hold an `## Acceptance criteria` section. */
  description: string;
}

/**
 * Builds a ticket from the VS Code quick input, with the same checks as `parseTicket`. The id is derived from
 * the title; `source` is `quick input`. Lines in errors about the description count from its first line.
 * @throws TicketParseError (reasons `tooLarge`, `invalidValue`, `missingTitle`, `emptyBody`, `acceptanceCriteria`)
 */
export function ticketFromQuickInput(input: QuickTicketInput): Ticket {
  const source = 'quick input';
  checkSize(input.description, source, 'description');
  const fail: Fail = (reason, name, detail) => {
    throw new TicketParseError(reason, source, undefined, name, detail);
  };
  const kind = checkKind(input.kind.trim(), fail);
  const title = checkTitle(input.title, fail);
  const body = readTicketBody(input.description.replace(/\r\n?/g, '\n'), 1, source, false);
  if (body.body === '') fail('emptyBody', 'description', 'say what should change');
  return finish(
    { id: slugFromTitle(title), kind, title, body: body.body, acceptanceCriteria: body.acceptanceCriteria, dependsOn: [], source },
    () => undefined,
    source,
  );
}

function checkSize(text: string, source: string, what: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TICKET_BYTES) {
    throw new TicketParseError('tooLarge', source, undefined, undefined, `the ${what} is ${bytes} bytes; the limit is ${MAX_TICKET_BYTES} bytes (256 KiB)`);
  }
}

function isKey(key: string): key is Key {
  return (KEYS as readonly string[]).includes(key);
}

function optional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : check(value);
}

function checkKind(value: unknown, fail: Fail): TicketKind {
  const options = TicketKind.options.join(', ');
  if (value === undefined || value === null || value === '') {
    return fail('invalidValue', 'kind', `required: one of ${options}`);
  }
  const parsed = TicketKind.safeParse(value);
  return parsed.success ? parsed.data : fail('invalidValue', 'kind', `must be one of ${options} (got ${shown(value)})`);
}

function checkId(value: unknown, name: string, fail: Fail, item?: number): string {
  const parsed = TicketId.safeParse(value);
  if (parsed.success) return parsed.data;
  const where = item === undefined ? '' : `item ${item + 1} `;
  return fail('invalidValue', name, `${where}must be 1–63 lowercase letters, digits or dashes, starting with a letter or digit (got ${shown(value)})`, item);
}

function checkTitle(value: unknown, fail: Fail): string {
  if (typeof value !== 'string') return fail('invalidValue', 'title', `must be text; put it in quotes (got ${shown(value)})`);
  const title = value.trim();
  if (title === '') return fail('missingTitle', 'title', 'must not be empty');
  if (title.length > TITLE_MAX) return fail('invalidValue', 'title', `must be at most ${TITLE_MAX} characters (got ${title.length})`);
  return title;
}

function checkDependsOn(value: unknown, fail: Fail): string[] {
  if (value === null) return [];
  if (!Array.isArray(value)) return fail('invalidValue', 'dependsOn', `must be a list of ticket ids, e.g. \`dependsOn: [add-subtract]\` (got ${shown(value)})`);
  return value.map((item: unknown, i) => checkId(item, 'dependsOn', fail, i));
}

/** Last check against the `Ticket` schema, so the result is exactly what the rest of the engine expects. */
function finish(candidate: Record<string, unknown>, lineOf: (field: string) => number | undefined, source: string): Ticket {
  const parsed = Ticket.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'ticket');
  throw new TicketParseError('invalidValue', source, lineOf(field), field, issue?.message ?? 'invalid');
}

/** A value for an error message: JSON, cut short, since ticket text is untrusted and may be huge. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
