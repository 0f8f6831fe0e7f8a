import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias } from 'yaml';
import { TicketParseError } from './ticketParseError';

/** One front-matter entry, with the file lines a message about it should name. */
export interface FrontMatterField {
  /** The value as plain data (YAML → JS); `null` for an empty value. */
  value: unknown;
  /** 1-based file line of the key. */
  keyLine: number;
  /** 1-based file line of the value (the key's line when the value is empty). */
  valueLine: number;
  /** 1-based file lines of each item, when the value is a sequence. */
  itemLines: number[];
}

/** A ticket file split at its front matter. */
export interface FrontMatter {
  /** Front-matter entries by key, in file order. */
  fields: Map<string, FrontMatterField>;
  /** 1-based file line of the opening `---`. */
  openLine: number;
  /** Everything after the closing `---` line. */
  body: string;
  /** 1-based file line of the body's first line. */
  bodyStartLine: number;
}

const DELIMITER = /^---[ \t]*$/;

/**
 * Splits a ticket file (`\n` line ends) into its YAML front matter, read with `yaml`'s `parseDocument` and a
 * `LineCounter` so every entry knows its file line, and the markdown body after it.
 * @throws TicketParseError `noFrontMatter` when the first line is not `---`; `unclosedFrontMatter` when no
 *   later line is `---`; `yamlSyntax` on a YAML error (duplicate keys included), on an alias, or when the front
 *   matter is not a mapping of plain keys.
 */
export function readFrontMatter(text: string, source: string): FrontMatter {
  const lines = text.split('\n');
  if (!DELIMITER.test(lines[0] ?? '')) {
    throw new TicketParseError(
      'noFrontMatter',
      source,
      1,
      undefined,
      'a ticket starts with front matter: a line `---`, then `kind: feature|hotfix|epic`, then a closing `---`',
    );
  }
  const close = lines.findIndex((line, i) => i > 0 && DELIMITER.test(line));
  if (close === -1) {
    throw new TicketParseError('unclosedFrontMatter', source, 1, undefined, 'the front matter opened here is never closed with a `---` line');
  }
  const yamlText = lines.slice(1, close).join('\n');
  // File line of a YAML offset: the YAML text starts on file line 2.
  const counter = new LineCounter();
  const fileLine = (offset: number): number => counter.linePos(offset).line + 1;
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    throw new TicketParseError('yamlSyntax', source, fileLine(firstError.pos[0]), undefined, `front matter is not valid YAML: ${firstError.message}`);
  }
  // Aliases can expand a few lines into millions of values (and tickets are untrusted); no ticket key needs them.
  let alias: Alias | undefined;
  visit(doc, {
    Alias: (_key, node) => {
      alias = node;
      return visit.BREAK;
    },
  });
  if (alias !== undefined) {
    throw new TicketParseError('yamlSyntax', source, fileLine(alias.range?.[0] ?? 0), undefined, 'front matter must not use YAML aliases (`*name`)');
  }
  const fields = new Map<string, FrontMatterField>();
  const contents = doc.contents;
  if (contents !== null && !isMap(contents)) {
    throw new TicketParseError('yamlSyntax', source, fileLine(contents.range?.[0] ?? 0), undefined, 'front matter must be `key: value` lines');
  }
  for (const pair of contents?.items ?? []) {
    const key: unknown = pair.key;
    if (!isScalar(key) || typeof key.value !== 'string') {
      const line = isScalar(key) ? fileLine(key.range?.[0] ?? 0) : 2;
      throw new TicketParseError('yamlSyntax', source, line, undefined, 'front-matter keys must be plain words');
    }
    const keyLine = fileLine(key.range?.[0] ?? 0);
    const valueNode: unknown = pair.value;
    const node = isNode(valueNode) ? valueNode : undefined;
    fields.set(key.value, {
      value: node === undefined ? null : node.toJS(doc),
      keyLine,
      valueLine: node?.range ? fileLine(node.range[0]) : keyLine,
      itemLines: node !== undefined && isSeq(node) ? node.items.map((item) => (isNode(item) && item.range ? fileLine(item.range[0]) : keyLine)) : [],
    });
  }
  return { fields, openLine: 1, body: lines.slice(close + 1).join('\n'), bodyStartLine: close + 2 };
}

