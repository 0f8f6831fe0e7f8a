import type { FakeReply, FakeRequest, Responder } from './fakeScript';

/**
 * A stand-in model for whole pipelines on the calculator fixture: it answers each deliverable schema with a
 * correct deliverable for the operation the ticket is about (subtract, divide, multiply, power), writes tests
 * first and code second, and passes every validation — unless a test's `override` answers first.
 * It reads only what a real model would read: the system prompt (role) and the user message (context).
 */
export interface ScriptedModel {
  responder: Responder;
  /** Calls answered, by schema name (FunctionalSpec, Verdict, FileEdits…). */
  calls: Record<string, number>;
}

/** The operations the script knows: what to export, the code, and a test that fails until the code exists. */
const OPS = {
  power: {
    file: 'src/power.js',
    code: "'use strict';\nconst { multiply } = require('./multiply');\n/** a to the n-th power (n a whole number ≥ 0). */\nfunction power(a, n) {\n  let r = 1;\n  for (let i = 0; i < n; i++) r = multiply(r, a);\n  return r;\n}\nmodule.exports = { power };\n",
    test: "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\ntest('power', () => {\n  const { power } = require('../src/power');\n  assert.equal(power(2, 10), 1024);\n});\n",
  },
  multiply: {
    file: 'src/multiply.js',
    code: "'use strict';\n/** Multiplies two numbers. */\nfunction multiply(a, b) {\n  return a * b;\n}\nmodule.exports = { multiply };\n",
    test: "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\ntest('multiply', () => {\n  const { multiply } = require('../src/multiply');\n  assert.equal(multiply(6, 7), 42);\n});\n",
  },
  divide: {
    file: 'src/calculator.js',
    replace: { search: '  return a / b;', replace: "  if (b === 0) throw new RangeError('division by zero');\n  return a / b;" },
    test: "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { divide } = require('../src/calculator');\ntest('divide by zero throws', () => {\n  assert.throws(() => divide(1, 0), { name: 'RangeError', message: 'division by zero' });\n  assert.equal(divide(6, 3), 2);\n});\n",
  },
  subtract: {
    file: 'src/calculator.js',
    replace: { search: 'module.exports = { add', replace: '/** Subtracts b from a. */\nfunction subtract(a, b) {\n  return a - b;\n}\n\nmodule.exports = { subtract, add' },
    test: "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { subtract } = require('../src/calculator');\ntest('subtract', () => {\n  assert.equal(subtract(5, 3), 2);\n  assert.equal(subtract(0, 4), -4);\n});\n",
  },
} as const;
type Op = keyof typeof OPS;

/** The operation a request is about: the first known word in its user message, most specific first. */
export function opOf(req: FakeRequest): Op {
  const text = req.messages.map((m) => m.content).join('\n').toLowerCase();
  return (Object.keys(OPS) as Op[]).find((op) => text.includes(op)) ?? 'subtract';
}

/** Correct deliverables for the calculator tickets, by schema name. */
export function calculatorAnswer(req: FakeRequest): FakeReply {
  const op = opOf(req);
  const spec = OPS[op];
  const testFile = `test/${op}.test.js`;
  switch (req.schemaName) {
    case 'FunctionalSpec':
      return { json: {
        summary: `Users can call ${op}() from the calculator.`,
        userStories: [`As a developer, I want ${op}(), so that I need not write it myself.`],
        acceptanceCriteria: [{ id: 'AC-1', text: `${op} is exported and returns the right result` }],
        outOfScope: ['a user interface'],
        openQuestions: [],
      } };
    case 'TechSpec':
      return { json: {
        overview: `Add ${op} in ${spec.file} and export it.`,
        components: [{ name: op, responsibility: `computes ${op}`, files: [spec.file] }],
        dataFlow: 'Callers pass numbers in and get a number back.',
        risks: ['none beyond wrong arithmetic, which the tests catch'],
        testStrategy: `A node:test file ${testFile} checks the results.`,
        coversCriteria: ['AC-1'],
      } };
    case 'Plan':
      return { json: { tasks: [{ id: 'T1', title: `Implement ${op}`, description: `Add ${op} to ${spec.file} and export it.`, files: [spec.file], tests: [testFile], criteria: ['AC-1'] }] } };
    case 'Diagnosis':
      return { json: {
        symptom: 'divide(1, 0) returns Infinity',
        rootCause: 'divide in src/calculator.js divides without checking for a zero divisor',
        suspectFiles: ['src/calculator.js'],
        reproTest: { path: testFile, description: 'divide(1, 0) must throw RangeError("division by zero")' },
        fix: 'throw a RangeError when b is 0',
      } };
    case 'EpicSplit':
      return { json: { children: [
        { key: 'multiply', title: 'Add multiply to the calculator', body: 'Add multiply(a, b) in src/multiply.js.', acceptanceCriteria: ['multiply(6, 7) is 42'], dependsOn: [] },
        { key: 'power', title: 'Add power to the calculator', body: 'Add power(a, n) in src/power.js, built on multiply.', acceptanceCriteria: ['power(2, 10) is 1024'], dependsOn: ['multiply'] },
      ] } };
    case 'FileEdits': {
      const writingTests = /test-writing step/i.test(req.system);
      if (writingTests) return { json: { explanation: `tests for ${op}`, edits: [{ kind: 'write', path: testFile, content: spec.test }], needFiles: [] } };
      const edit = 'replace' in spec
        ? { kind: 'replace', path: spec.file, search: spec.replace.search, replace: spec.replace.replace }
        : { kind: 'write', path: spec.file, content: spec.code };
      return { json: { explanation: `implement ${op}`, edits: [edit], needFiles: [] } };
    }
    case 'ReviewReport':
      return { json: { decision: 'approve', summary: `${op} is implemented and tested as the spec asks.`, findings: [] } };
    case 'Verdict':
      return { json: { pass: true, objections: [] } };
    default:
      return { status: 400, message: `the scripted model does not know the schema ${req.schemaName ?? '(none)'}` };
  }
}

/** The phase a validation request is checking (its user message starts with `Phase: <id>`). */
export function validatedPhaseOf(req: FakeRequest): string | undefined {
  return /^Phase: (\w+)/m.exec(req.messages.map((m) => m.content).join('\n'))?.[1];
}

/** A responder with call counts; `override` may answer any request first (return undefined to pass). */
export function scriptedModel(override?: (req: FakeRequest, calls: Record<string, number>) => FakeReply | undefined): ScriptedModel {
  const calls: Record<string, number> = {};
  return {
    calls,
    responder: (req) => {
      const name = req.schemaName ?? '(none)';
      calls[name] = (calls[name] ?? 0) + 1;
      return override?.(req, calls) ?? calculatorAnswer(req);
    },
  };
}
