import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareBaseline } from '../../src/core/eval/compareBaseline';
import { evalReportHtml } from '../../src/core/eval/evalReportHtml';
import type { ProfileSummary } from '../../src/core/eval/evalReport';
import { loadProfiles } from '../../src/core/eval/evalProfiles';
import { EvalSetupError } from '../../src/core/eval/evalSetupError';
import { readSuite } from '../../src/core/eval/readSuite';
import { recommendProfile } from '../../src/core/eval/recommendProfile';
import { resolveRepo } from '../../src/core/eval/resolveRepo';
import { patchPaths, shellQuote } from '../../src/core/eval/runHiddenChecks';
import { wilsonInterval } from '../../src/core/eval/wilsonInterval';

const COMMIT = 'a'.repeat(40);

/** A SWE-bench row as the published dataset carries it: test lists as JSON-encoded strings, many other fields. */
const row = (over: Record<string, unknown> = {}) => ({
  repo: 'sindresorhus/slugify', instance_id: 'sindresorhus__slugify-42', base_commit: COMMIT,
  patch: 'diff --git a/index.js b/index.js\n…the gold patch, never read…', test_patch: 'diff --git a/test.js b/test.js\n',
  problem_statement: '## slugify drops emoji\n\nCalling slugify("I ♥ 🦄") loses the unicorn.', hints_text: '', created_at: '2024-01-02T03:04:05Z',
  version: '2.2', FAIL_TO_PASS: '["test.js"]', PASS_TO_PASS: '[]', environment_setup_commit: COMMIT, ...over,
});

suite('eval suites, profiles and figures', () => {
  let tmp = '';
  setup(() => { tmp = mkdtempSync(join(tmpdir(), 'shipwright-evalsuite-')); });
  teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, text: string) => { const p = join(tmp, name); writeFileSync(p, text); return p; };
  const refused = async (p: Promise<unknown>, re: RegExp) => {
    await assert.rejects(p, (e: unknown) => e instanceof EvalSetupError && re.test(e.message));
  };

  test('SWE-bench rows are read directly: JSON-encoded test lists, other fields tolerated, the problem statement as a hotfix ticket', async () => {
    const file = write('swe.jsonl', `${JSON.stringify(row())}\n\n${JSON.stringify(row({ instance_id: 'x__y-2', FAIL_TO_PASS: ['a.test.js', 'b.test.js'], PASS_TO_PASS: ['c.test.js'], kind: 'feature' }))}\n`);
    const s = await readSuite(file);
    assert.equal(s.name, 'swe');
    assert.equal(s.instances.length, 2);
    const [a, b] = s.instances;
    assert.equal(a.repo, 'sindresorhus/slugify');
    assert.deepEqual(a.failToPass, ['test.js']);
    assert.deepEqual(a.passToPass, []);
    assert.equal(a.ticket.kind, 'hotfix');
    assert.equal(a.ticket.title, 'slugify drops emoji');
    assert.match(a.ticket.body, /loses the unicorn/);
    assert.doesNotMatch(JSON.stringify(a), /gold patch/, 'the gold patch is not kept');
    assert.deepEqual([b.failToPass, b.passToPass, b.ticket.kind], [['a.test.js', 'b.test.js'], ['c.test.js'], 'feature']);
  });

  test('a bad row names its line and field; duplicate ids and a bad Shipwright suite are refused', async () => {
    await refused(readSuite(write('a.jsonl', `${JSON.stringify(row())}\n${JSON.stringify(row({ FAIL_TO_PASS: 'not json' }))}\n`)), /a\.jsonl: line 2: .*FAIL_TO_PASS.*list of test ids/);
    await refused(readSuite(write('b.jsonl', `${JSON.stringify(row())}\n{oops\n`)), /b\.jsonl: line 2: not JSON/);
    await refused(readSuite(write('c.jsonl', `${JSON.stringify(row())}\n${JSON.stringify(row())}\n`)), /appears twice/);
    await refused(readSuite(write('d.jsonl', `${JSON.stringify(row({ base_commit: 'main' }))}\n`)), /baseCommit.*commit id/);
    await refused(readSuite(write('e.json', JSON.stringify({ version: 1, instances: [{ id: 'x', repo: './r', baseCommit: COMMIT, ticket: { kind: 'bug', title: 't' }, testPatch: '', failToPass: ['t'] }] }))), /e\.json: .*kind/);
    await refused(readSuite(write('f.json', JSON.stringify({ version: 1, instances: [{ id: 'x', repo: './r', baseCommit: COMMIT, ticket: '---\nkind: feature\n---\n# T\nDo it.\n', testPatch: '', failToPass: ['t'], checkCommand: 'npm test' }] }))), /checkCommand must contain \{test\}/);
    await refused(readSuite(join(tmp, 'missing.json')), /cannot read the suite/);
  });

  test('a Shipwright suite: ticket files inline or as fields, defaults per instance, relative repositories from the suite folder', async () => {
    const file = write('s.yaml', [
      'version: 1', 'name: mine', 'defaults: { setupCommand: npm ci, checkCommand: "npx mocha {test}" }', 'instances:',
      `  - { id: one, repo: ./repo, baseCommit: "${COMMIT}", testPatch: "", failToPass: [t1], ticket: "---\\nkind: hotfix\\n---\\n# Fix it\\nBody\\n" }`,
      `  - { id: two, repo: owner/name, baseCommit: "${COMMIT}", testPatch: "", failToPass: [t2], checkCommand: "node --test {test}", ticket: { kind: feature, title: Two } }`,
    ].join('\n'));
    const s = await readSuite(file);
    assert.equal(s.name, 'mine');
    assert.deepEqual(s.instances.map((i) => [i.repo, i.ticket.kind, i.ticket.title, i.setupCommand, i.checkCommand]), [
      [join(tmp, 'repo'), 'hotfix', 'Fix it', 'npm ci', 'npx mocha {test}'],
      ['owner/name', 'feature', 'Two', 'npm ci', 'node --test {test}'],
    ]);
  });

  test('repositories resolve against the mirror folder; a missing one is a set-up error', async () => {
    mkdirSync(join(tmp, 'mirror', 'sindresorhus+slugify', '.git'), { recursive: true });
    mkdirSync(join(tmp, 'mirror', 'chalk', 'ansi-regex.git'), { recursive: true });
    writeFileSync(join(tmp, 'mirror', 'chalk', 'ansi-regex.git', 'HEAD'), 'ref: refs/heads/main\n'); // a bare repository
    mkdirSync(join(tmp, 'mirror', 'lukeed+dset', 'repo', '.git'), { recursive: true });
    mkdirSync(join(tmp, 'mirror', 'empty+folder'), { recursive: true });
    assert.deepEqual(await resolveRepo('sindresorhus/slugify', join(tmp, 'mirror')), { kind: 'local', path: join(tmp, 'mirror', 'sindresorhus+slugify') });
    assert.deepEqual(await resolveRepo('https://github.com/sindresorhus/slugify.git', join(tmp, 'mirror')), { kind: 'local', path: join(tmp, 'mirror', 'sindresorhus+slugify') });
    assert.deepEqual(await resolveRepo('git@github.com:chalk/ansi-regex.git', join(tmp, 'mirror')), { kind: 'local', path: join(tmp, 'mirror', 'chalk', 'ansi-regex.git') });
    assert.deepEqual(await resolveRepo('lukeed/dset', join(tmp, 'mirror')), { kind: 'local', path: join(tmp, 'mirror', 'lukeed+dset', 'repo') });
    assert.deepEqual(await resolveRepo('https://example.org/x/y.git', join(tmp, 'mirror')), { kind: 'remote', url: 'https://example.org/x/y.git' });
    await refused(resolveRepo('empty/folder', join(tmp, 'mirror')), /not in the mirror folder/);
    await refused(resolveRepo('nobody/nothing', join(tmp, 'mirror')), /not in the mirror folder.*nobody\+nothing/);
    await refused(resolveRepo(join(tmp, 'nope'), undefined), /does not exist/);
  });

  test('profiles come from .shipwright/config.json and are checked by the config schema', async () => {
    mkdirSync(join(tmp, '.shipwright'));
    writeFileSync(join(tmp, '.shipwright', 'config.json'), JSON.stringify({ attemptCap: 2, profiles: { cheap: { chains: { implementation: ['haiku'] }, attemptCap: 4 }, bad: { chains: { implementation: ['gpt-9'] } } } }));
    const [current] = await loadProfiles({ workspaceRoot: tmp, names: [] });
    assert.equal(current.name, 'current');
    assert.equal(current.config.attemptCap, 2);
    const [cheap] = await loadProfiles({ workspaceRoot: tmp, names: ['cheap'] });
    assert.deepEqual([cheap.config.chains.implementation, cheap.config.attemptCap, cheap.config.chains.review], [['haiku'], 4, ['local-large', 'sonnet']]);
    await refused(loadProfiles({ workspaceRoot: tmp, names: ['bad'] }), /profile "bad":[\s\S]*unknown model "gpt-9"/);
    await refused(loadProfiles({ workspaceRoot: tmp, names: ['nope'] }), /no profile "nope".*known: cheap, bad/);
  });

  test('Wilson intervals match published values and stay within 0..1', () => {
    const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 5e-4, `${a} vs ${b}`);
    // 2 of 3 and 0 of 10 at 95 %: values from the closed form (e.g. statsmodels proportion_confint(method='wilson')).
    const a = wilsonInterval(2, 3);
    near(a.low, 0.2077); near(a.high, 0.9385);
    const b = wilsonInterval(0, 10);
    near(b.low, 0); near(b.high, 0.2775);
    assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
    assert.throws(() => wilsonInterval(4, 3), RangeError);
  });

  const summary = (name: string, resolved: number, instances: number, usd: number): ProfileSummary => ({
    name, instances, resolved, passRate: resolved / instances, passRateLow: 0, passRateHigh: 1, usd, usdPerResolved: resolved ? usd / resolved : null,
    tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }, phases: [], calls: 0, wallMs: 0,
  });

  test('the recommendation: the cheapest profile within the margin of the best, never one that resolved nothing', () => {
    const big = summary('big', 10, 10, 5);
    const mid = summary('mid', 9, 10, 1.8);
    const tiny = summary('tiny', 0, 10, 0.01);
    assert.equal(recommendProfile([big, mid, tiny], 0.05)?.profile, 'big', '90 % is not within 5 points of 100 %');
    const rec = recommendProfile([big, mid, tiny], 0.1);
    assert.equal(rec?.profile, 'mid');
    assert.match(rec!.reason, /mid resolves 90\.0 %, within 10\.0 % of the best \(big, 100\.0 %\), at \$0\.2000 per resolved instance against \$0\.5000 \(60\.0 % less\)/);
    assert.equal(recommendProfile([tiny]), undefined);
  });

  test('the baseline check: cost per resolved at 2× or more, or a pass rate down past the margin, is a regression', () => {
    const baseline = { profiles: [{ name: 'p', passRate: 0.8, usdPerResolved: 0.5 }, { name: 'q', passRate: 1, usdPerResolved: 0.1 }] };
    assert.deepEqual(compareBaseline([summary('p', 8, 10, 7.9), summary('q', 10, 10, 1)], baseline).regressions, []);
    const doubled = compareBaseline([summary('p', 8, 10, 8)], baseline).regressions;
    assert.deepEqual(doubled.map((r) => r.kind), ['cost']);
    assert.match(doubled[0].message, /\$1\.0000 per resolved instance, 2\.00× the baseline's \$0\.5000 \(limit 2×\)/);
    assert.deepEqual(compareBaseline([summary('p', 7, 10, 1)], baseline).regressions.map((r) => r.kind), ['passRate']);
    assert.deepEqual(compareBaseline([summary('p', 7, 10, 1)], baseline, { maxDrop: 0.1 }).regressions, []);
    assert.deepEqual(compareBaseline([summary('q', 0, 10, 1)], baseline).regressions.map((r) => r.kind), ['cost', 'passRate']);
    assert.deepEqual(compareBaseline([summary('new', 0, 10, 1)], baseline).compared, []);
  });

  test('hidden-check helpers: patch paths are confined, test ids are one shell word', () => {
    assert.deepEqual(patchPaths('diff --git a/t/x.js b/t/x.js\n--- a/t/x.js\n+++ b/t/x.js\n@@ -1 +1 @@\n-a\n+b\ndiff --git a/n.js b/n.js\nnew file mode 100644\n--- /dev/null\n+++ b/n.js\n'), ['t/x.js', 'n.js']);
    assert.throws(() => patchPaths('--- a/../../etc/passwd\n+++ b/../../etc/passwd\n'), /outside the repository/);
    assert.equal(shellQuote("it's; rm -rf /"), `'it'\\''s; rm -rf /'`);
  });

  test('the HTML report: one chart point per profile that resolved something, hostile names escaped, no script', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const html = evalReportHtml({
      version: 1, suite: `suite ${evil}`, startedAt: 't0', finishedAt: 't1',
      profiles: [summary('cheap', 3, 5, 0.01), summary(evil, 5, 5, 0.2), summary('none', 0, 5, 0.001)],
      instances: [{ instance: `i ${evil}`, profile: 'cheap', ticketId: 'ev-x', resolved: false, endState: 'ready', reason: evil, usd: 0.002, tokens: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 }, calls: 2, phases: [], wallMs: 10 }],
      recommendation: { profile: 'cheap', margin: 0.5, best: evil, reason: evil },
    });
    assert.doesNotMatch(html, /<img|<script|onerror=alert\(1\)>/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.equal((html.match(/<g class="profile/g) ?? []).length, 2, 'the profile that resolved nothing is not plotted');
    assert.match(html, /Resolved nothing \(not on the chart\): none/);
    assert.match(html, /<g class="profile recommended" data-profile="cheap">/);
  });
});

