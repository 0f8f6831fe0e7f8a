import assert from 'node:assert/strict';
import { ZodError } from 'zod';
import type { FileEdits } from '../../src/core/deliverables/fileEdits';
import type { FunctionalSpec } from '../../src/core/deliverables/functionalSpec';
import { jsonSchemaFor } from '../../src/core/deliverables/jsonSchemaFor';
import { deliverableFileName, renderDeliverable } from '../../src/core/deliverables/renderMarkdown';
import { schemaFor } from '../../src/core/deliverables/schemaFor';
import { Role } from '../../src/core/pipeline/phaseId';
import { promptTemplate, renderPrompt } from '../../src/core/prompts/promptLibrary';

const spec: FunctionalSpec = {
  summary: 'The calculator can subtract.',
  userStories: ['As a user, I want to subtract, so that I can find differences.'],
  acceptanceCriteria: [
    { id: 'AC-1', text: 'subtract(5, 3) returns 2' },
    { id: 'AC-2', text: 'subtract throws a TypeError\non non-numbers' },
  ],
  outOfScope: [],
  openQuestions: ['Should it accept strings?'],
  needFiles: [],
};

/** A valid value for every role, so each renderer and schema is exercised. */
const samples: Record<Role, unknown> = {
  discovery: spec,
  techSpec: {
    overview: 'Add one function.',
    components: [{ name: 'calculator', responsibility: 'Arithmetic', files: ['src/calculator.js'] }],
    dataFlow: '',
    risks: ['None worth noting'],
    testStrategy: 'Unit tests with node:test.',
    coversCriteria: ['AC-1', 'AC-2'],
  },
  planning: {
    tasks: [
      { id: 'T1', title: 'Add subtract', description: 'Export subtract(a, b).', files: ['src/calculator.js', 'test/calc.test.js'], tests: ['test/calc.test.js'], criteria: ['AC-1'] },
      { id: 'T2', title: 'Docs', description: 'Document it.', files: ['README.md'], tests: [], criteria: [] },
    ],
  },
  diagnosis: {
    symptom: 'divide(1, 0) returns Infinity.',
    rootCause: 'divide does not check b.',
    suspectFiles: ['src/calculator.js'],
    reproTest: { path: 'test/divide.test.js', description: 'divide(1, 0) throws RangeError' },
    fix: 'Throw when b is 0.',
  },
  split: {
    children: [
      { key: 'record', title: 'Record results', body: '# Context\n\nRecord every result.', acceptanceCriteria: ['add is recorded'], dependsOn: [] },
      { key: 'show', title: 'Show history', body: 'Return them newest first.', acceptanceCriteria: ['newest first'], dependsOn: ['record'] },
    ],
  },
  implementation: {
    explanation: 'Adds subtract.',
    edits: [
      { kind: 'write', path: 'src/calculator.js', content: 'const s = `a${b}`;\n```\n' },
      { kind: 'replace', path: 'README.md', search: 'add', replace: 'add, subtract' },
      { kind: 'delete', path: 'old.js' },
    ],
  },
  ciFix: { explanation: 'Need the test.', edits: [], needFiles: ['test/calc.test.js'] },
  review: {
    decision: 'request-changes',
    summary: 'One blocker.',
    findings: [
      { severity: 'nit', message: 'Naming.' },
      { severity: 'blocker', file: 'src/calculator.js', message: 'AC-2 is not met.' },
    ],
  },
  validation: { pass: false, objections: [{ message: 'AC-3 is missing', where: 'Acceptance criteria' }] },
};

suite('renderMarkdown', () => {
  test('a functional spec renders as headed sections with criteria by id; multi-line items stay in their item', () => {
    assert.equal(
      renderDeliverable('discovery', spec),
      [
        '# Functional specification',
        '',
        '## Summary',
        '',
        'The calculator can subtract.',
        '',
        '## User stories',
        '',
        '- As a user, I want to subtract, so that I can find differences.',
        '',
        '## Acceptance criteria',
        '',
        '- **AC-1**: subtract(5, 3) returns 2',
        '- **AC-2**: subtract throws a TypeError',
        '  on non-numbers',
        '',
        '## Out of scope',
        '',
        '_None._',
        '',
        '## Open questions',
        '',
        '- Should it accept strings?',
        '',
      ].join('\n'),
    );
  });

  test('every role renders, under its own top heading', () => {
    const headings: Record<Role, string> = {
      discovery: '# Functional specification',
      techSpec: '# Technical specification',
      planning: '# Plan',
      diagnosis: '# Diagnosis',
      split: '# Epic split',
      implementation: '# Edits',
      ciFix: '# Edits',
      review: '# Review',
      validation: '# Validation',
    };
    for (const role of Role.options) assert.ok(renderDeliverable(role, samples[role]).startsWith(`${headings[role]}\n\n`), role);
  });

  test('a plan lists each task with its files, tests and criteria', () => {
    const md = renderDeliverable('planning', samples.planning);
    assert.ok(md.includes('## T1: Add subtract\n\nExport subtract(a, b).\n\n- Files: `src/calculator.js`, `test/calc.test.js`\n- Tests: `test/calc.test.js`\n- Criteria: AC-1'), md);
    assert.ok(md.includes('- Tests: none\n- Criteria: none'), md);
  });

  test('file contents with backtick fences cannot close the code block around them', () => {
    const md = renderDeliverable('implementation', samples.implementation);
    assert.ok(md.includes('## Write `src/calculator.js`\n\n````js\nconst s = `a${b}`;\n```\n````'), md);
    assert.ok(md.includes('## Replace in `README.md`\n\nSearch:\n\n```md\nadd\n```\n\nReplace with:\n\n```md\nadd, subtract\n```'), md);
    assert.ok(md.includes('## Delete `old.js`'), md);
    assert.ok(renderDeliverable('ciFix', samples.ciFix).includes('## Files asked for\n\n- `test/calc.test.js`'));
  });

  test('an epic child body is quoted so its headings stay inside the child', () => {
    const md = renderDeliverable('split', samples.split);
    assert.ok(md.includes('## record: Record results\n\nDepends on: nothing\n\n> # Context\n>\n> Record every result.\n\n### Acceptance criteria\n\n- add is recorded'), md);
    assert.ok(md.includes('## show: Show history\n\nDepends on: `record`'), md);
  });

  test('a review puts blockers first and says the decision', () => {
    const md = renderDeliverable('review', samples.review);
    assert.ok(md.includes('**Decision:** request changes'), md);
    assert.ok(md.indexOf('**blocker** `src/calculator.js`: AC-2 is not met.') < md.indexOf('**nit**: Naming.'), md);
  });

  test('diagnosis and verdict', () => {
    assert.ok(renderDeliverable('diagnosis', samples.diagnosis).includes('## Reproducing test\n\n`test/divide.test.js`: divide(1, 0) throws RangeError'));
    assert.ok(renderDeliverable('validation', samples.validation).includes('**Result:** fail\n\n## Objections\n\n- Acceptance criteria: AC-3 is missing'));
  });

  test('a value of the wrong shape is refused, not half rendered', () => {
    assert.throws(() => renderDeliverable('techSpec', spec), ZodError);
    assert.throws(() => renderDeliverable('discovery', { ...spec, acceptanceCriteria: [] }), ZodError);
  });

  test('deliverable file names', () => {
    assert.equal(deliverableFileName('discovery', 1), '01-discovery.md');
    assert.equal(deliverableFileName('techSpec', 2), '02-tech-spec.md');
    assert.equal(deliverableFileName('ciFix', 12), '12-ci-fix.md');
    assert.throws(() => deliverableFileName('review', 0), RangeError);
    assert.throws(() => deliverableFileName('review', 1.5), RangeError);
  });
});

suite('schemaFor and jsonSchemaFor', () => {
  test('each role maps to its schema, and the samples fit', () => {
    assert.equal(schemaFor('discovery').schemaName, 'FunctionalSpec');
    assert.equal(schemaFor('implementation').schemaName, 'FileEdits');
    assert.equal(schemaFor('ciFix').schemaName, 'FileEdits');
    assert.equal(schemaFor('validation').schemaName, 'Verdict');
    for (const role of Role.options) {
      assert.match(schemaFor(role).schemaName, /^[A-Za-z0-9_]+$/, 'usable as an Anthropic tool name');
      assert.ok(schemaFor(role).schema.safeParse(samples[role]).success, role);
    }
  });

  test('JSON schemas are plain objects without $schema or $ref, with defaulted fields optional', () => {
    for (const role of Role.options) {
      const json = jsonSchemaFor(schemaFor(role).schema);
      assert.equal(json.type, 'object', role);
      assert.ok(!('$schema' in json), role);
      assert.ok(!JSON.stringify(json).includes('$ref'), role);
    }
    const edits = jsonSchemaFor(schemaFor('implementation').schema);
    assert.deepEqual(edits.required, ['explanation', 'edits'], 'needFiles has a default, so the model may leave it out');
    const parsed: FileEdits = schemaFor('implementation').schema.parse({ explanation: 'x', edits: [] });
    assert.deepEqual(parsed.needFiles, []);
  });

  test('the schemas sent carry no descriptions: what the model reads of each field is in its prompt, once', () => {
    const prompts: Record<string, string[]> = { implementation: ['implementationTests', 'implementationCode'], ciFix: ['ciFix'] };
    for (const role of Role.options) {
      // A `description` keyword is a string; a field named description (a plan task's) is a schema object.
      const described: string[] = [];
      JSON.stringify(jsonSchemaFor(schemaFor(role).schema), (k, v: unknown) => (k === 'description' && typeof v === 'string' ? (described.push(v), v) : v));
      assert.deepEqual(described, [], role);
      // Every field the model fills is named in each prompt that asks for this deliverable.
      const fields = Object.keys((jsonSchemaFor(schemaFor(role).schema).properties ?? {}) as Record<string, unknown>);
      for (const name of prompts[role] ?? [role === 'validation' ? 'validation' : role]) {
        const { system } = renderPrompt(name, Object.fromEntries(promptTemplate(name).variables.map((v) => [v, ''])));
        for (const f of fields.filter((f) => f !== 'edits')) assert.match(system, new RegExp(`\\b${f}\\b`), `${name} says what ${f} is`);
      }
    }
  });
});
