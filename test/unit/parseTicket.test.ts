import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MAX_TICKET_BYTES, parseTicket, ticketFromQuickInput } from '../../src/core/ticket/parseTicket';
import { TicketParseError, type TicketParseErrorReason } from '../../src/core/ticket/ticketParseError';

// The bundle runs from out/test/unit; fixtures stay in the source tree.
const fixtures = resolve(__dirname, '../../../test/fixtures/tickets');
const fixture = (name: string): string => readFileSync(resolve(fixtures, name), 'utf8');

/** Runs `fn`, expecting a TicketParseError; returns it for further checks. */
function parseError(fn: () => unknown, expected: { reason: TicketParseErrorReason; line: number | undefined; field: string | undefined }): TicketParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(TicketParseError.is(e), `expected a TicketParseError, got ${String(e)}`);
    assert.deepEqual({ reason: e.reason, line: e.line, field: e.field }, expected, e.message);
    return e;
  }
  assert.fail('expected the ticket to be refused');
}

const ticket = (frontMatter: string, body = '# A title\n\nSome description.\n'): string => `---\n${frontMatter}\n---\n${body}`;

suite('parseTicket', () => {
  test('feature fixture: title from the heading, id from the title, criteria out of the body', () => {
    const t = parseTicket(fixture('feature-add-subtract.md'), 'feature-add-subtract.md');
    assert.equal(t.kind, 'feature');
    assert.equal(t.title, 'Add a subtract function to the calculator');
    assert.equal(t.id, 'add-a-subtract-function-to-the');
    assert.deepEqual(t.acceptanceCriteria, [
      '`subtract(a, b)` is exported from `src/calculator.js` and returns `a - b`.',
      '`subtract` throws a `TypeError` when either argument is not a finite number, with the same message `add` uses.',
      'The existing `add` tests still pass.',
    ]);
    assert.ok(t.body.startsWith('The calculator in `src/calculator.js`'), t.body);
    assert.ok(!t.body.includes('Acceptance criteria') && !t.body.includes('# Add a subtract'), t.body);
    assert.ok(t.body.includes('## Notes\n\nThe test command is `npm test`'), 'the section after the criteria stays');
    assert.deepEqual(t.dependsOn, []);
    assert.equal(t.source, 'feature-add-subtract.md');
  });

  test('hotfix fixture: id and title from the front matter, numbered criteria, heading-less body', () => {
    const t = parseTicket(fixture('hotfix-divide-by-zero.md'), 'hotfix.md');
    assert.equal(t.kind, 'hotfix');
    assert.equal(t.id, 'divide-by-zero');
    assert.equal(t.title, 'divide(a, 0) returns Infinity instead of throwing');
    assert.equal(t.acceptanceCriteria.length, 3);
    assert.equal(t.acceptanceCriteria[2], '`divide(6, 3)` still returns `2`.');
    assert.ok(t.body.includes('1. `node -e'), 'numbered lists outside the criteria stay in the body');
  });

  test('epic fixture: checkboxes stripped, empty dependsOn', () => {
    const t = parseTicket(fixture('epic-calculator-history.md'), 'epic.md');
    assert.equal(t.kind, 'epic');
    assert.equal(t.id, 'calculator-history');
    assert.equal(t.acceptanceCriteria.length, 5);
    assert.equal(t.acceptanceCriteria[0], 'Every successful `add`, `subtract`, `multiply` and `divide` call is recorded.');
    assert.deepEqual(t.dependsOn, []);
  });

  test('dependsOn, parentId, CRLF line ends and a byte-order mark', () => {
    const text = '\uFEFF---\r\nkind: feature\r\nid: child-b\r\nparentId: history\r\ndependsOn:\r\n  - child-a\r\n---\r\n# B\r\n\r\nDo B.\r\n';
    const t = parseTicket(text, 'b.md');
    assert.deepEqual(t.dependsOn, ['child-a']);
    assert.equal(t.parentId, 'history');
    assert.equal(t.body, 'Do B.');
  });

  test('a front-matter title leaves a body heading in the body', () => {
    const t = parseTicket(ticket('kind: feature\ntitle: From front matter', '# Context\n\nText.'), 't.md');
    assert.equal(t.title, 'From front matter');
    assert.equal(t.body, '# Context\n\nText.');
  });

  test('headings inside code fences are not titles or criteria sections', () => {
    const body = '```md\n# Not a title\n## Acceptance criteria\n- not a criterion\n```\n# Real title\n\nText.';
    const t = parseTicket(ticket('kind: feature', body), 't.md');
    assert.equal(t.title, 'Real title');
    assert.deepEqual(t.acceptanceCriteria, []);
    assert.ok(t.body.includes('- not a criterion'));
  });

  suite('acceptance criteria in the forms people write them', () => {
    const criteriaOf = (body: string) => parseTicket(ticket('kind: feature', body), 't.md');
    test('a plain `Acceptance criteria:` line, then bullets; the paragraph after stays in the body', () => {
      const t = criteriaOf('# Title\n\nText.\n\nAcceptance criteria:\n- one\n- two\n\nNotes after the list.\n');
      assert.deepEqual(t.acceptanceCriteria, ['one', 'two']);
      assert.equal(t.body, 'Text.\n\nNotes after the list.');
    });
    test('bold `**Acceptance criteria:**` with checkboxes and numbers', () => {
      assert.deepEqual(criteriaOf('# Title\n\nText.\n\n**Acceptance criteria:**\n- [ ] one\n- [x] two\n3. three\n').acceptanceCriteria, ['one', 'two', 'three']);
      assert.deepEqual(criteriaOf('# Title\n\nText.\n\n**Acceptance Criteria**:\n* one\n').acceptanceCriteria, ['one']);
    });
    test('headings of level 1 to 4; a deeper sub-heading inside groups, a same-level heading ends the section', () => {
      assert.deepEqual(criteriaOf('# Title\n\nText.\n\n# Acceptance Criteria\n- one\n').acceptanceCriteria, ['one']);
      const t = criteriaOf('# Title\n\nText.\n\n### Acceptance criteria\n#### Login\n- one\n#### Logout\n- two\n### Notes\nafter\n');
      assert.deepEqual(t.acceptanceCriteria, ['one', 'two']);
      assert.match(t.body, /### Notes\nafter$/);
    });
    test('a plain line that says "Acceptance criteria:" with no list after it stays text', () => {
      const t = criteriaOf('# Title\n\nText.\nAcceptance criteria:\nto be decided.\n');
      assert.deepEqual(t.acceptanceCriteria, []);
      assert.match(t.body, /Acceptance criteria:\nto be decided\./);
    });
  });

  test('the derived id is deterministic, at most 40 characters, and folds accents', () => {
    const long = 'Élan: make the résumé export handle very long names without truncating them';
    const a = parseTicket(ticket(`kind: feature\ntitle: "${long}"`), 'a.md');
    const b = parseTicket(ticket(`kind: feature\ntitle: "${long}"`), 'b.md');
    assert.equal(a.id, b.id);
    assert.equal(a.id, 'elan-make-the-resume-export-handle-very');
    assert.ok(a.id.length <= 40);
    const cjk = parseTicket(ticket('kind: feature\ntitle: 計算機の履歴'), 'c.md');
    assert.match(cjk.id, /^ticket-[0-9a-f]{8}$/);
  });

  suite('refuses malformed tickets, naming line and field', () => {
    test('fixture: bad kind', () => {
      const e = parseError(() => parseTicket(fixture('malformed-bad-kind.md'), 'ticket.md'), { reason: 'invalidValue', line: 3, field: 'kind' });
      assert.equal(e.message, 'ticket.md:3: kind: must be one of feature, hotfix, epic (got "bug")');
    });
    test('fixture: unknown key (a typo)', () => {
      const e = parseError(() => parseTicket(fixture('malformed-unknown-key.md'), 'ticket.md'), { reason: 'unknownKey', line: 4, field: 'dependson' });
      assert.match(e.message, /^ticket\.md:4: dependson: unknown front-matter key; the keys are kind, id, title, dependsOn/);
    });
    test('fixture: unclosed front matter', () => {
      parseError(() => parseTicket(fixture('malformed-unclosed-front-matter.md'), 't.md'), { reason: 'unclosedFrontMatter', line: 1, field: undefined });
    });
    test('no front matter', () => {
      parseError(() => parseTicket('# Title\n\nBody.\n', 't.md'), { reason: 'noFrontMatter', line: 1, field: undefined });
    });
    test('YAML syntax error, on its line', () => {
      const e = parseError(() => parseTicket(ticket('kind: feature\ntitle: a: b\nid: x'), 't.md'), { reason: 'yamlSyntax', line: 3, field: undefined });
      assert.match(e.message, /^t\.md:3: front matter is not valid YAML/);
    });
    test('duplicate key', () => {
      parseError(() => parseTicket(ticket('kind: feature\nkind: epic'), 't.md'), { reason: 'yamlSyntax', line: 3, field: undefined });
    });
    test('YAML aliases (a resource-exhaustion risk) are refused on their line', () => {
      const bomb = 'a: &a [x, x, x]\nb: &b [*a, *a, *a]\nkind: feature';
      parseError(() => parseTicket(ticket(bomb), 't.md'), { reason: 'yamlSyntax', line: 3, field: undefined });
    });
    test('front matter that is not a mapping', () => {
      parseError(() => parseTicket(ticket('- kind: feature'), 't.md'), { reason: 'yamlSyntax', line: 2, field: undefined });
    });
    test('missing kind points at the opening line', () => {
      parseError(() => parseTicket(ticket('title: T'), 't.md'), { reason: 'invalidValue', line: 1, field: 'kind' });
    });
    test('bad id', () => {
      const e = parseError(() => parseTicket(ticket('kind: feature\nid: Bad_Id'), 't.md'), { reason: 'invalidValue', line: 3, field: 'id' });
      assert.match(e.message, /\(got "Bad_Id"\)$/);
    });
    test('bad dependsOn item names the item line', () => {
      parseError(() => parseTicket(ticket('kind: epic\ndependsOn:\n  - ok-one\n  - Not OK'), 't.md'), { reason: 'invalidValue', line: 5, field: 'dependsOn' });
    });
    test('dependsOn that is not a list', () => {
      parseError(() => parseTicket(ticket('kind: epic\ndependsOn: other'), 't.md'), { reason: 'invalidValue', line: 3, field: 'dependsOn' });
    });
    test('empty title in the front matter', () => {
      parseError(() => parseTicket(ticket('kind: feature\ntitle: ""'), 't.md'), { reason: 'missingTitle', line: 3, field: 'title' });
    });
    test('a title that is not text', () => {
      parseError(() => parseTicket(ticket('kind: feature\ntitle: 42'), 't.md'), { reason: 'invalidValue', line: 3, field: 'title' });
    });
    test('no title anywhere points at the body', () => {
      parseError(() => parseTicket(ticket('kind: feature', 'Just text.\n'), 't.md'), { reason: 'missingTitle', line: 4, field: 'title' });
    });
    test('an empty title heading', () => {
      parseError(() => parseTicket(ticket('kind: feature', '\n#\n\nText.'), 't.md'), { reason: 'missingTitle', line: 5, field: 'title' });
    });
    test('empty body (only title and criteria)', () => {
      const body = '# Title\n\n## Acceptance criteria\n- works\n';
      parseError(() => parseTicket(ticket('kind: feature', body), 't.md'), { reason: 'emptyBody', line: 4, field: 'body' });
    });
    test('stray text in the criteria section names its line', () => {
      const body = '# Title\n\nText.\n\n## Acceptance criteria\n\n- one\n\nA paragraph.\n';
      parseError(() => parseTicket(ticket('kind: feature', body), 't.md'), { reason: 'acceptanceCriteria', line: 12, field: 'acceptanceCriteria' });
    });
    test('a file over the size cap', () => {
      const text = ticket('kind: feature', `# T\n\n${'x'.repeat(MAX_TICKET_BYTES)}`);
      const e = parseError(() => parseTicket(text, 'big.md'), { reason: 'tooLarge', line: undefined, field: undefined });
      assert.match(e.message, /limit is 262144 bytes/);
    });
  });
});

suite('ticketFromQuickInput', () => {
  test('builds a ticket with the same rules', () => {
    const t = ticketFromQuickInput({
      kind: 'hotfix',
      title: '  Divide by zero  ',
      description: 'Throw on zero.\r\n\r\n## Acceptance criteria\r\n- throws RangeError\r\n',
    });
    assert.deepEqual(t, {
      id: 'divide-by-zero',
      kind: 'hotfix',
      title: 'Divide by zero',
      body: 'Throw on zero.',
      acceptanceCriteria: ['throws RangeError'],
      dependsOn: [],
      source: 'quick input',
    });
  });
  test('refuses a bad kind, an empty title and an empty description', () => {
    const e = parseError(() => ticketFromQuickInput({ kind: 'bug', title: 'T', description: 'd' }), { reason: 'invalidValue', line: undefined, field: 'kind' });
    assert.equal(e.message, 'quick input: kind: must be one of feature, hotfix, epic (got "bug")');
    parseError(() => ticketFromQuickInput({ kind: 'feature', title: ' ', description: 'd' }), { reason: 'missingTitle', line: undefined, field: 'title' });
    parseError(() => ticketFromQuickInput({ kind: 'feature', title: 'T', description: '\n \n' }), { reason: 'emptyBody', line: undefined, field: 'description' });
  });
});
