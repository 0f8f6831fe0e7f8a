import * as assert from 'node:assert/strict';
import { withoutIndexLines } from '../../src/core/pipeline/withoutIndexLines';
import { withoutLocalPaths } from '../../src/core/workspace/localPaths';
import { setupProblem } from '../../src/core/pipeline/implementation/setupProblem';
import { defaultConfig } from '../../src/core/config/defaultConfig';
import { resolveConfig } from '../../src/core/config/loadConfig';
import { AnthropicProvider } from '../../src/core/models/anthropicProvider';
import { cacheLifetime } from '../../src/core/models/cacheLifetime';
import { priceCall } from '../../src/core/models/priceCall';
import { countO200kTokens } from '../../src/core/models/estimateTokens';
import { inputParts } from '../../src/core/models/inputParts';
import type { ChatRequest } from '../../src/core/models/modelProvider';
import { runAsText } from '../../src/core/pipeline/implementation/runTests';
import { reviewEvidence } from '../../src/core/pipeline/reviewEvidence';
import { specBrief } from '../../src/core/pipeline/specBrief';
import { stablePrefixChars } from '../../src/core/pipeline/stablePrefix';
import { renderPrompt } from '../../src/core/prompts/promptLibrary';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import type { FakeModelServer } from '../fakes/fakeScript';

const spec = {
  summary: 'Users can subtract.', userStories: ['As a user I want subtract, so that I need not negate and add.'],
  acceptanceCriteria: [{ id: 'AC-1', text: 'subtract(a, b) returns a - b' }, { id: 'AC-2', text: 'non-numbers throw TypeError' }],
  outOfScope: ['a user interface'], openQuestions: ['none really'],
};
const design = {
  overview: 'One function beside add.', components: [{ name: 'calculator', responsibility: 'arithmetic', files: ['src/calculator.js'] }],
  dataFlow: 'numbers in, a number out, through every layer of the long prose a designer writes', risks: ['rounding, a risk paragraph'], testStrategy: 'node:test unit tests', coversCriteria: ['AC-1', 'AC-2'],
};
const ticket = { id: 't', kind: 'feature' as const, title: 'Subtract', body: 'Add subtract.', acceptanceCriteria: [], dependsOn: [] };

suite('context as a budget', () => {
  test('the briefs keep criteria, scope, components, files and test strategy, and leave out stories, questions, data flow and risks', () => {
    const b = specBrief({ ticket, deliverables: { discovery: spec, techSpec: design } }).both();
    for (const kept of ['AC-1: subtract(a, b) returns a - b', 'AC-2', 'a user interface', 'calculator: arithmetic (src/calculator.js)', 'node:test unit tests']) assert.ok(b.includes(kept), kept);
    for (const left of ['As a user', 'none really', 'through every layer', 'a risk paragraph']) assert.ok(!b.includes(left), left);
  });

  test('the stable start of a validator prompt ends before the deliverable; a later attempt starts the same', () => {
    const vars = (deliverable: string, earlierObjections: string) => ({ phase: 'techSpec', previousName: 'functional spec', previous: 'THE SPEC', shown: '', deliverable, earlierObjections });
    const first = renderPrompt('validation', vars('DESIGN ONE', 'none'));
    const n = stablePrefixChars(renderPrompt, 'validation', vars('DESIGN ONE', 'none'), first.user);
    assert.ok(n > 0);
    assert.ok(first.user.slice(0, n).includes('THE SPEC'));
    assert.ok(!first.user.slice(0, n).includes('DESIGN ONE'));
    const second = renderPrompt('validation', vars('DESIGN TWO', '- [validator] fix it'));
    assert.equal(second.user.slice(0, n), first.user.slice(0, n));
  });

  test("review's validator reads the changed files and the hunks the findings name, not the whole diff", () => {
    const diff = [
      'diff --git a/src/calculator.js b/src/calculator.js', 'index 1..2 100644', '--- a/src/calculator.js', '+++ b/src/calculator.js',
      '@@ -1,3 +1,6 @@', ' function add(a, b) {', '-  return a+b;', '+  return a + b;', '+}', '+function subtract(a, b) {', '+  return a - b;',
      'diff --git a/README.md b/README.md', '--- a/README.md', '+++ b/README.md', '@@ -1 +1,2 @@', ' # Calculator', '+SECOND FILE HUNK',
      '',
    ].join('\n');
    const e = reviewEvidence(diff, ['src/calculator.js']);
    assert.match(e, /^- src\/calculator\.js \(\+4 −1\)$/m);
    assert.match(e, /^- README\.md \(\+1 −0\)$/m);
    assert.ok(e.includes('+function subtract(a, b) {'), 'the named file\'s hunk is shown');
    assert.ok(!e.includes('SECOND FILE HUNK'), 'a file no finding names is listed, not shown');
    assert.ok(!reviewEvidence(diff, []).includes('@@'), 'no finding names a file: the list only');
    assert.equal(reviewEvidence('(the branch changes nothing)', []), '(the branch changes nothing)');
  });

  test('test output names files relative to the worktree, as plain paths and as file URLs; the checkout and home are hidden', () => {
    const wt = { path: '/home/me/my work/wt', repoRoot: '/home/me/my work/repo' };
    const out = withoutLocalPaths(['at f (/home/me/my work/wt/test/a.js:3:1)', 'at g (file:///home/me/my%20work/wt/test/b.mjs:4:2)', 'see /home/me/my work/repo/x and /home/me/.npm/y', 'file:///home/me/notes'].join('\n'), wt, '/home/me');
    assert.equal(out, ['at f (./test/a.js:3:1)', 'at g (./test/b.mjs:4:2)', 'see <checkout>/x and ~/.npm/y', '~/notes'].join('\n'));
    // A longer name that starts with one of them is another path (wt2 is not the worktree; meg is not me).
    assert.equal(withoutLocalPaths('/home/me/my work/wt2/y /home/meg/z file:///home/meg/q', wt, '/home/me'), '~/my work/wt2/y /home/meg/z file:///home/meg/q');
    // A module missing at such a path is not a missing package (the judge reads the same text).
    const run = { command: 'npm test', exitCode: 1 as number | null, timedOut: false, cancelled: false, durationMs: 100, redacted: 0, confined: true, outputChars: 0 };
    for (const p of ['~/lib/x', '<checkout>/src/y', './src/z']) assert.equal(setupProblem({ ...run, output: `Error: Cannot find module '${p}'` }), undefined, p);
    assert.match(setupProblem({ ...run, output: "Error: Cannot find module 'vitest'" }) ?? '', /the package 'vitest' is not installed/);
  });

  test('the review reads the diff without blob hashes; lines of the files that look like them stay', () => {
    const diff = ['diff --git a/src/a.js b/src/a.js', 'index 317b972..7bf0f52 100644', '--- a/src/a.js', '+++ b/src/a.js', '@@ -1,2 +1,2 @@', ' index 1..2 3', '-index abc..def', '+x',
      'diff --git a/t.js b/t.js', 'new file mode 100644', 'index 0000000..df5d01b', '--- /dev/null', '+++ b/t.js', '@@ -0,0 +1 @@', '+index 0..1', ''].join('\n');
    const out = withoutIndexLines(diff);
    assert.ok(!/^index /m.test(out), out);
    for (const kept of [' index 1..2 3', '-index abc..def', '+index 0..1', 'new file mode 100644', '--- /dev/null']) assert.ok(out.split('\n').includes(kept), kept);
    assert.equal(out.split('\n').length, diff.split('\n').length - 2);
  });

  test('a passing test run reaches a prompt as its totals; a failing one keeps its whole output', () => {
    const tap = ['TAP version 13', ...Array.from({ length: 30 }, (_, i) => `ok ${i + 1} - case ${i + 1}`), '1..30', '# tests 30', '# pass 30', '# fail 0', '# duration_ms 61'].join('\n');
    const run = { command: 'node --test test/', exitCode: 0 as number | null, timedOut: false, cancelled: false, durationMs: 120, output: tap, redacted: 0, confined: true, outputChars: tap.length };
    const passing = runAsText(run);
    assert.match(passing, /^`node --test test\/` exited 0 in 0\.1 s; it passed\. Its totals \(\d+ other lines left out\)/);
    assert.ok(passing.includes('# pass 30') && passing.includes('# tests 30') && !passing.includes('ok 1 - case 1\n'), passing);
    // A coverage table after the totals (nyc, c8, jest --coverage) does not push the totals out.
    const nyc = runAsText({ ...run, output: `${tap}\n${Array.from({ length: 20 }, (_, i) => `src/file${i}.js | 100 | 100 | 100 | 100 |`).join('\n')}` });
    assert.ok(nyc.includes('# pass 30') && !nyc.includes('src/file19.js'), nyc);
    const failing = runAsText({ ...run, exitCode: 1, output: tap.replace('ok 3 - case 3', 'not ok 3 - case 3') });
    assert.ok(failing.includes('ok 1 - case 1') && failing.includes('not ok 3 - case 3'));
    assert.ok(runAsText({ ...run, timedOut: true, exitCode: null }).includes('ok 1 - case 1'), 'a timed-out run keeps its output');
    // Stack frames inside Node.js point at nothing a session can change: each run of them is one line.
    const trace = ['not ok 2 - subtract', '  stack: |-', '    TestContext.<anonymous> (./test/subtract.test.js:6:16)', '    Test.processPendingSubtests (node:internal/test_runner/test:526:18)',
      '    Test.run (node:internal/test_runner/test:796:25)', '    node:internal/process/task_queues:140:7', '  ...', 'TypeError: x', '    at Object.<anonymous> (./src/a.js:3:1)',
      '    at Object.readFileSync (node:fs:452:35)', 'Error: boom (node:internal/x:1:2)', 'not ok 3 - resolve(node:internal/fs:1:2)', 'Assertion failed (node:internal/x:1:2)', '    at Module._compile (node:internal/modules/cjs/loader:1554:14)',
      '    at Foo.bar [as baz] (node:internal/y:2:3)'].join('\n');
    const framed = runAsText({ ...run, exitCode: 1, output: trace });
    assert.ok(framed.includes('TestContext.<anonymous> (./test/subtract.test.js:6:16)') && framed.includes('at Object.<anonymous> (./src/a.js:3:1)'), framed);
    // A public module's frame, an error message and a test name that end in an internal location are kept.
    for (const kept of ['at Object.readFileSync (node:fs:452:35)', 'Error: boom (node:internal/x:1:2)', 'not ok 3 - resolve(node:internal/fs:1:2)', 'Assertion failed (node:internal/x:1:2)']) assert.ok(framed.includes(kept), kept);
    assert.ok(!framed.includes('test_runner') && !framed.includes('task_queues') && !framed.includes('cjs/loader'), framed);
    assert.match(framed, /\(3 frame\(s\) inside Node\.js left out\)\n  \.\.\./);
    assert.match(framed, /\(2 frame\(s\) inside Node\.js left out\)$/);
  });

  test('the input split adds up to the rendered prompt and the schema', () => {
    const vars = { ticket: 'TICKET '.repeat(30), repoMap: 'src/a.ts (10 B): a\n'.repeat(20), code: 'Test command: `npm test`\n=== src/a.ts ===\nexport const a = 1;', objections: 'none' };
    const rendered = renderPrompt('discovery', vars);
    const p = inputParts(rendered, vars, '{"type":"object"}');
    const total = countO200kTokens(rendered.system) + countO200kTokens(rendered.user) + countO200kTokens('{"type":"object"}');
    assert.equal(p.ticket, countO200kTokens(vars.ticket));
    assert.equal(p.map, countO200kTokens(vars.repoMap));
    assert.equal(p.code, countO200kTokens(vars.code));
    assert.ok(Math.abs(p.fixed + p.ticket + p.map + p.objections + p.code + p.deliverables - total) <= 3, `${JSON.stringify(p)} vs ${total}`);
  });
});

suite('prompt cache placement, against the fake Anthropic API', () => {
  let fake: FakeModelServer;
  let provider: AnthropicProvider;
  setup(async () => {
    fake = await startFakeAnthropic({ respond: () => ({ json: { summary: 's', files: [] } }) });
    provider = new AnthropicProvider({ apiKey: 'test', baseURL: fake.url, retry: { maxRetries: 0, maxRetryAfterMs: 0 } });
  });
  teardown(() => fake.close());

  const stable = `<ticket>\n${'Add a subtract function next to add, with the same input checks and messages. '.repeat(40)}\n</ticket>\n`;
  const call = (objections: string, cache: ChatRequest['cache']): ChatRequest => ({
    model: 'claude-sonnet-5-5', system: 'You are the designer.', messages: [{ role: 'user', content: `${stable}<objections>\n${objections}\n</objections>` }],
    schema: { name: 'TechSpec', description: 'd', jsonSchema: { type: 'object', properties: { summary: { type: 'string' }, files: { type: 'array', items: { type: 'string' } } }, required: ['summary', 'files'] } },
    maxOutputTokens: 2000, timeoutMs: 10_000, cache,
  });

  test('a retry with new objections reads the stable start the first attempt wrote', async () => {
    const first = await provider.chat(call('none', { stablePrefixChars: stable.length }));
    assert.ok(first.usage.cacheWriteTokens > 500, JSON.stringify(first.usage));
    const retry = await provider.chat(call('- [validator] name the error message', { stablePrefixChars: stable.length }));
    assert.equal(retry.usage.cacheReadTokens, first.usage.cacheWriteTokens);
    assert.equal(retry.usage.cacheWriteTokens, 0);
  });

  test('a 1-hour write is sent with ttl 1h, reported apart and priced at 2× input; a retry reads it', async () => {
    const first = await provider.chat(call('none', { stablePrefixChars: stable.length, ttl: '1h' }));
    assert.ok((first.usage.cacheWrite1hTokens ?? 0) > 500, JSON.stringify(first.usage));
    assert.equal(first.usage.cacheWrite1hTokens, first.usage.cacheWriteTokens, 'every breakpoint of the call lives an hour');
    const sent = fake.requests[0].raw as { system: { cache_control: unknown }[] }; // the body as the client sent it
    assert.deepEqual(sent.system[0].cache_control, { type: 'ephemeral', ttl: '1h' });
    const sonnet = defaultConfig.models.sonnet.price;
    const usd = priceCall(sonnet, first.usage);
    const expected = (first.usage.inputTokens * 2 + first.usage.cacheWriteTokens * 4 + first.usage.outputTokens * 10) / 1e6;
    assert.ok(Math.abs(usd - expected) < 1e-12, `${usd} vs ${expected}`);
    const retry = await provider.chat(call('- [validator] name the error message', { stablePrefixChars: stable.length, ttl: '1h' }));
    assert.equal(retry.usage.cacheReadTokens, first.usage.cacheWriteTokens);
  });

  test('the lifetime that pays: 5 minutes for a retry soon after, 1 hour for two readers after a long test run, none for one', () => {
    const sonnet = resolveConfig([]).models.sonnet.price;
    assert.equal(cacheLifetime(sonnet, 20_000, 1), '5m');
    assert.equal(cacheLifetime(sonnet, 10 * 60_000, 2), '1h', 'two reads at 0.95× recover the 1× premium of a 1-hour write');
    assert.equal(cacheLifetime(sonnet, 10 * 60_000, 1), 'none', 'one read does not');
    assert.equal(cacheLifetime(sonnet, 55 * 60_000, 2), 'none', 'past (most of) the hour');
    assert.equal(cacheLifetime(sonnet, 0, 0), 'none', 'no reader');
    assert.equal(cacheLifetime(resolveConfig([]).models['local-large'].price, 0, 2), 'none', 'a free model saves nothing');
    // A reader that may not come: expected reads p + p² against the 0.25× premium of a 5-minute write.
    assert.equal(cacheLifetime(sonnet, 20_000, 2, 0.2), 'none', 'retries in one phase of five: 0.24 reads × 0.95 < 0.25');
    assert.equal(cacheLifetime(sonnet, 20_000, 2, 0.35), '5m', '0.47 expected reads pay');
    assert.equal(cacheLifetime(sonnet, 10 * 60_000, 2, 0.5), 'none', 'a 1-hour write needs more than one expected read (0.75 × 0.95 < 1)');
  });

  test('`none` writes nothing to the cache (and a later call has nothing to read)', async () => {
    const last = await provider.chat(call('none', 'none'));
    assert.equal(last.usage.cacheWriteTokens, 0);
    const again = await provider.chat(call('none', 'none'));
    assert.equal(again.usage.cacheReadTokens, 0);
  });
});
