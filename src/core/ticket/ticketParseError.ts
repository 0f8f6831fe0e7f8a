/**
 * Why a ticket was refused:
 * - tooLarge: the file is over the size cap (see `MAX_TICKET_BYTES`)
 * - noFrontMatter: the file does not start with a `---` line
 * - unclosedFrontMatter: no closing `---` line after the opening one
 * - yamlSyntax: the front matter is not valid YAML, or is not a mapping
 * - unknownKey: a front-matter key the ticket format does not have (a typo must not pass silently)
 * - invalidValue: a known key with a value of the wrong shape, or a missing required key
 * - missingTitle: no `title` key and no `# Heading` in the body, or an empty one
 * - emptyBody: nothing but front matter, title and acceptance criteria
 * - acceptanceCriteria: a line of the `## Acceptance criteria` section that is not a list item
 */
export type TicketParseErrorReason =
  | 'tooLarge'
  | 'noFrontMatter'
  | 'unclosedFrontMatter'
  | 'yamlSyntax'
  | 'unknownKey'
  | 'invalidValue'
  | 'missingTitle'
  | 'emptyBody'
  | 'acceptanceCriteria';

/**
 * A ticket that could not be read, pointing at the line to fix.
 * The message reads `<source>:<line>: <field>: <detail>`, e.g.
 * `ticket.md:3: kind: must be one of feature, hotfix, epic (got "bug")`; the line part is left out when
 * there is no line (quick input fields), the field part when the problem is not about one field.
 */
export class TicketParseError extends Error {
  override readonly name = 'TicketParseError';
  constructor(
    readonly reason: TicketParseErrorReason,
    /** Where the ticket came from: a file path, or `quick input`. */
    readonly source: string,
    /** 1-based line in the ticket file; undefined for quick input fields. */
    readonly line: number | undefined,
    /** The front-matter key or ticket field at fault (`kind`, `title`, `acceptanceCriteria`…), if any. */
    readonly field: string | undefined,
    /** The problem, without the location prefix. */
    readonly detail: string,
  ) {
    super(`${source}${line === undefined ? '' : `:${line}`}: ${field === undefined ? '' : `${field}: `}${detail}`);
  }

  static is(e: unknown, reason?: TicketParseErrorReason): e is TicketParseError {
    return e instanceof TicketParseError && (reason === undefined || e.reason === reason);
  }
}
