import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/core/config/defaultConfig';
import { calculatorAnswer, opOf } from '../fakes/scriptedModel';
import type { FakeReply, FakeRequest, Responder } from '../fakes/fakeScript';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

const root = join(__dirname, '..', '..', '..');

/** A marker in every hidden test: no model request may ever contain it. */
export const HIDDEN_MARKER = 'HIDDEN-CHECK-5b1e';

/** A git patch creating one file (what a suite's `testPatch` holds for a new hidden test). */
export function newFilePatch(path: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  return `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
}

const hiddenTest = (requires: string, body: string) =>
  `'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\nconst ${requires};\ntest('${HIDDEN_MARKER} hidden check', () => {\n${body}\n});\n`;

/**
 * The calculator fixture as a real repository with two commits — A: `add` only; B: `divide` added — and a
 * Shipwright suite of three instances on it: add subtract (from A), add multiply (from A), and the hotfix
 * "divide by zero must throw" (from B). Each has a hidden test the pipeline never sees.
 */
export interface EvalFixture {
  repo: FixtureRepo;
  suiteFile: string;
  commits: { a: string; b: string };
}

export function evalFixture(): EvalFixture {
  const repo = makeFixtureRepo('calculator');
  const a = repo.git('rev-parse', 'HEAD').trim();
  const calc = join(repo.dir, 'src', 'calculator.js');
  writeFileSync(calc, readFileSync(calc, 'utf8').replace('module.exports = { add };', '/** Divides a by b. */\nfunction divide(a, b) {\n  return a / b;\n}\n\nmodule.exports = { add, divide };'));
  repo.git('commit', '-qam', 'add divide');
  const b = repo.git('rev-parse', 'HEAD').trim();
  const ticket = (name: string) => readFileSync(join(root, 'test', 'fixtures', 'tickets', name), 'utf8');
  const suite = {
    version: 1,
    name: 'calculator',
    defaults: { testCommand: 'npm test' },
    instances: [
      {
        id: 'calculator-subtract', repo: repo.dir, baseCommit: a, ticket: ticket('feature-add-subtract.md'),
        testPatch: newFilePatch('test/hidden-subtract.test.js', hiddenTest("{ subtract } = require('../src/calculator')", '  assert.equal(subtract(0, 4), -4);\n  assert.equal(subtract(10, 3), 7);')),
        failToPass: ['test/hidden-subtract.test.js'], passToPass: ['test/calculator.test.js'],
      },
      {
        id: 'calculator-multiply', repo: repo.dir, baseCommit: a,
        ticket: { kind: 'feature', title: 'Add a multiply function', body: 'Add multiply(a, b) in src/multiply.js, exported, returning a * b.', acceptanceCriteria: ['multiply(6, 7) is 42'] },
        testPatch: newFilePatch('test/hidden-multiply.test.js', hiddenTest("{ multiply } = require('../src/multiply')", '  assert.equal(multiply(-2, 3), -6);\n  assert.equal(multiply(6, 7), 42);')),
        failToPass: ['test/hidden-multiply.test.js'], passToPass: ['test/calculator.test.js'],
      },
      {
        id: 'calculator-divide-by-zero', repo: repo.dir, baseCommit: b, ticket: ticket('hotfix-divide-by-zero.md'),
        testPatch: newFilePatch('test/hidden-divide.test.js', hiddenTest("{ divide } = require('../src/calculator')", "  assert.throws(() => divide(1, 0), { name: 'RangeError' });\n  assert.equal(divide(6, 3), 2);")),
        failToPass: ['test/hidden-divide.test.js'], passToPass: ['test/calculator.test.js'],
      },
    ],
  };
  const suiteFile = join(repo.tmp, 'calculator.suite.json');
  writeFileSync(suiteFile, JSON.stringify(suite, null, 2));
  return { repo, suiteFile, commits: { a, b } };
}

/**
 * A fake model whose answers depend on the model id: `weakModels` write a weak test and a wrong implementation of
 * the operations in `wrongOps` (subtract as `Math.abs(a - b)`, which passes their own weak test but not a hidden
 * one); every other model answers as the scripted calculator model does (right). `tokens` fixes the reported
 * usage of every call (for exact cost comparisons).
 */
export function modelDependentResponder(opts: { weakModels: string[]; wrongOps: string[]; tokens?: { input: number; output: number } }): Responder {
  return (req: FakeRequest): FakeReply => {
    const reply = answer(req);
    return opts.tokens && 'json' in reply ? { ...reply, inputTokens: opts.tokens.input, outputTokens: opts.tokens.output } : reply;
  };
  function answer(req: FakeRequest): FakeReply {
    const op = opOf(req);
    if (req.schemaName === 'FileEdits' && opts.weakModels.includes(req.model) && opts.wrongOps.includes(op) && op === 'subtract') {
      if (/test-writing step/i.test(req.system)) {
        return { json: { explanation: 'a test for subtract', needFiles: [], edits: [{ kind: 'write', path: 'test/subtract.test.js', content: "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { subtract } = require('../src/calculator');\ntest('subtract', () => {\n  assert.equal(subtract(5, 3), 2);\n});\n" }] } };
      }
      return { json: { explanation: 'implement subtract', needFiles: [], edits: [{ kind: 'replace', path: 'src/calculator.js', search: 'module.exports = { add', replace: '/** Subtracts b from a. */\nfunction subtract(a, b) {\n  return Math.abs(a - b);\n}\n\nmodule.exports = { subtract, add' }] } };
    }
    return calculatorAnswer(req);
  }
}

/** Every role's chain set to one model key (a profile's `chains`). */
export function allOn(modelKey: string): Record<string, string[]> {
  return Object.fromEntries(Object.keys(defaultConfig.chains).map((role) => [role, [modelKey]]));
}

/** Writes `<workspace>/.shipwright/config.json`. */
export function writeConfig(workspace: string, config: object): void {
  mkdirSync(join(workspace, '.shipwright'), { recursive: true });
  writeFileSync(join(workspace, '.shipwright', 'config.json'), JSON.stringify(config, null, 2));
}

/** Runs the built CLI as a user would (asynchronously: the fake servers answer from this same process). */
export function shipwrightAsync(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: opts.cwd, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
