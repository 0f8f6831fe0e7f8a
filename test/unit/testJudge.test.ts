import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { hideNewNotes } from '../../src/core/workspace/hideNewNotes';
import { restoreProtected, snapshotProtected } from '../../src/core/workspace/protectedSnapshot';
import { scriptedModel } from '../fakes/scriptedModel';
import { git, snapshotCheckout } from '../fixtures/fixtureRepo';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');
const ticket = () => parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md');
/** The user's checkout without Shipwright's run store (`.git/shipwright/runs`, written by design). */
const checkout = (dir: string): Record<string, string> => Object.fromEntries(Object.entries(snapshotCheckout(dir)).filter(([k]) => !k.startsWith('.git/shipwright/')));

/**
 * Makes the fixture's test script call a runner that is not installed (`uvu test`: `uvu: not found`, exit 127) and
 * commits it. @returns package.json as it was
 */
function breakRunner(kit: EngineKit): string {
  const pkg = join(kit.repo.dir, 'package.json');
  const original = readFileSync(pkg, 'utf8');
  writeFileSync(pkg, JSON.stringify({ ...JSON.parse(original), scripts: { test: 'uvu test' } }, null, 2));
  kit.repo.git('commit', '-qam', 'uvu as the runner (not installed)');
  return original;
}

/**
 * The judge on real repositories: the baseline run before the tests step decides whether red and green can mean
 * anything. A test runner that is not installed stops the ticket with advice before any test is written; a suite
 * that already fails has its failures recorded and excluded, so the ticket can still go red → green honestly.
 */
suite('the implementation judge: baseline, red and green on real repositories', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('a missing test runner (`uvu: not found`, exit 127) stops the ticket before any model is called, with advice; nothing is committed', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    breakRunner(kit);
    const before = checkout(kit.repo.dir);
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'needs-human', s.reason);
    assert.match(s.reason, /^Stopped before any model was called: /);
    assert.match(s.handoff?.openObjections[0]?.message ?? '', /`uvu: not found`.*the test runner is not installed[\s\S]*Install the project's dependencies/);
    assert.deepEqual(model.calls, {}, 'no model was called');
    const log = git(s.worktree!.path, 'log', '--format=%s', `${s.worktree!.baseCommit}..HEAD`);
    assert.doesNotMatch(log, /failing tests first/);
    assert.deepEqual(checkout(kit.repo.dir), before);
  });

  test('the runner installed in the checkout after the stop: Resume makes the worktree again with it (nothing of the ticket\'s was in it) and the ticket reaches ready', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    breakRunner(kit);
    const s = await kit.engine.run(ticket());
    assert.equal(s.handoff?.kind, 'setup', s.reason);
    const base = s.worktree!.baseCommit;
    // The person installs the runner in their checkout (a stand-in for `npm install`: node_modules/.bin/uvu).
    mkdirSync(join(kit.repo.dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(kit.repo.dir, 'node_modules', '.bin', 'uvu'), '#!/bin/sh\nexec node --test\n', { mode: 0o755 });
    const resumed = await kit.engine.resume(s.ticket.id);
    assert.equal(resumed.state, 'ready', resumed.reason);
    assert.equal(resumed.worktree?.baseCommit, base, 'the same commit: only the dependencies are new');
    assert.ok(kit.events.some((e) => e.type === 'log' && /the worktree was made again from commit .* with the dependencies as your checkout has them now/.test(e.message)));
  });

  test('a fix committed in the checkout after the stop: Resume starts the worktree from that commit, and the fix is not part of the ticket\'s changes; a fix made in the worktree is kept and used', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    const pkg = join(kit.repo.dir, 'package.json');
    const original = breakRunner(kit);
    const s = await kit.engine.run(ticket());
    assert.equal(s.handoff?.kind, 'setup', s.reason);
    writeFileSync(pkg, original);
    kit.repo.git('commit', '-qam', 'the runner the repository has');
    const fix = kit.repo.git('rev-parse', 'HEAD').trim();
    const resumed = await kit.engine.resume(s.ticket.id);
    assert.equal(resumed.state, 'ready', resumed.reason);
    assert.equal(resumed.worktree?.baseCommit, fix, 'the ticket starts from the fix');
    assert.equal(git(resumed.worktree!.path, 'diff', '--name-only', `${fix}..HEAD`, '--', 'package.json').trim(), '', 'the fix is not among the ticket\'s changes');
    assert.ok(kit.events.some((e) => e.type === 'log' && e.message.includes(`now starts from your checkout's commit ${fix.slice(0, 10)}`)));

    // Another ticket stops the same way; this time the person fixes the worktree itself: it is kept as it is.
    breakRunner(kit);
    const second = await kit.engine.run({ ...ticket(), id: 'feature-add-subtract-again' });
    assert.equal(second.handoff?.kind, 'setup', second.reason);
    writeFileSync(join(second.worktree!.path, 'package.json'), original);
    const kept = await kit.engine.resume(second.ticket.id);
    assert.equal(kept.state, 'ready', kept.reason);
    assert.equal(kept.worktree?.baseCommit, second.worktree!.baseCommit, 'the worktree with the person\'s edit was kept');
  });

  test('an epic whose test runner is missing stops before its spec, design and split are paid for; fixed and resumed, it splits and its children reach ready', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder, config: { concurrency: 2 } });
    const pkg = join(kit.repo.dir, 'package.json');
    const original = breakRunner(kit);
    const epic = parseTicket(readFileSync(join(ticketFile, '..', 'epic-calculator-history.md'), 'utf8'), 'epic-calculator-history.md');
    const s = await kit.engine.run(epic);
    assert.equal(s.state, 'needs-human', s.reason);
    assert.match(s.reason, /^Stopped before any model was called: .*`uvu: not found`/);
    assert.equal(s.handoff?.kind, 'setup');
    assert.deepEqual(model.calls, {}, 'no model was called: not discovery, techSpec nor split');
    assert.deepEqual(s.children, [], 'no child was made');

    writeFileSync(pkg, original);
    kit.repo.git('commit', '-qam', 'the runner the repository has');
    const resumed = await kit.engine.resume(s.ticket.id);
    assert.equal(resumed.state, 'done', resumed.reason);
    assert.equal(resumed.children.length, 2);
    for (const child of await Promise.all(resumed.children.map((id) => kit!.engine.get(id)))) assert.equal(child?.state, 'ready', child?.reason);
  });

  test('a repository whose checks lint every markdown file (as `remark --frail .` does) judges the code, not the ticket\'s notes: they are out of the worktree while tests run, and back and committed after', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder, config: { testCommand: 'node lint-md.js && npm test' } });
    // The user's linter: every .md file in the tree, lines of at most 45 characters (remark-lint's maximum-line-length,
    // set tight: the fixture's README keeps to it, and the scripted deliverables' lines run to 74).
    writeFileSync(join(kit.repo.dir, 'lint-md.js'), [
      "'use strict';",
      "const fs = require('node:fs');",
      "const path = require('node:path');",
      'let bad = 0;',
      "const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { if (e.name === '.git' || e.name === 'node_modules') continue; const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (p.endsWith('.md')) fs.readFileSync(p, 'utf8').split('\\n').forEach((l, i) => { if (l.length > 45) { bad++; console.error(`${p}:${i + 1}: line longer than 45`); } }); } };",
      "walk('.');",
      'process.exit(bad ? 1 : 0);',
      '',
    ].join('\n'));
    kit.repo.git('add', 'lint-md.js');
    kit.repo.git('commit', '-qm', 'a markdown linter in the checks');
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const notes = git(s.worktree!.path, 'ls-files', '.shipwright').trim().split('\n');
    assert.ok(notes.length >= 3 && notes.every((n) => existsSync(join(s.worktree!.path, n))), `the notes are committed and in the worktree: ${notes.join(', ')}`);
    assert.equal(git(s.worktree!.path, 'status', '--porcelain', '--', '.shipwright').trim(), '');
    assert.ok(!kit.events.some((e) => e.type === 'log' && /wrote to protected files/.test(e.message)), 'putting the notes back is not the run writing to them');
  });

  test('a test script that rewrites the code after its checks ran (a formatter with --fix after a type check) is not green on that run: it runs again on the rewritten code, which is what would be committed', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder, config: { testCommand: 'node check.js && node fmt.js && npm test', fixRounds: 1 } });
    // check.js stands for the type check the formatter's output fails (xo --fix turning .replace(/x/g) into .replaceAll on an old lib).
    writeFileSync(join(kit.repo.dir, 'check.js'), "if (require('node:fs').readFileSync('src/calculator.js', 'utf8').includes('// reformatted')) { console.error('src/calculator.js: the reformatted code does not type-check'); process.exit(2); }\n");
    writeFileSync(join(kit.repo.dir, 'fmt.js'), "const fs = require('node:fs'); const f = 'src/calculator.js'; const s = fs.readFileSync(f, 'utf8'); if (s.includes('subtract') && !s.includes('// reformatted')) fs.writeFileSync(f, s + '// reformatted\\n');\n");
    kit.repo.git('add', 'check.js', 'fmt.js');
    kit.repo.git('commit', '-qm', 'checks, then a formatter, then the tests');
    const s = await kit.engine.run(ticket());
    assert.notEqual(s.state, 'ready', 'code that fails the check once formatted is never green');
    assert.ok(kit.events.some((e) => e.type === 'log' && /the test run changed the code it judged .*it runs once more/.test(e.message)));
    // The next session is told that the code it reads is the command's rewrite, and of which files.
    const told = kit.ollama.requests.some((r) => r.messages.some((m) => /`node check\.js && node fmt\.js && npm test` rewrote the code after its checks ran .*now changed against the last commit: src\/calculator\.js/.test(m.content)));
    assert.ok(told, 'no later prompt says the command rewrote the code');
  });

  test('the start warning names the uncommitted changes left out of the worktree: an untracked folder once, and not the Shipwright config that is in effect', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    mkdirSync(join(kit.repo.dir, '.shipwright'), { recursive: true });
    writeFileSync(join(kit.repo.dir, '.shipwright', 'config.json'), '{}\n');
    mkdirSync(join(kit.repo.dir, '.venv', 'lib'), { recursive: true });
    for (const f of ['a.py', 'b.py', 'c.py']) writeFileSync(join(kit.repo.dir, '.venv', 'lib', f), '\n');
    writeFileSync(join(kit.repo.dir, 'notes.txt'), 'mine\n');
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const warning = kit.events.find((e) => e.type === 'log' && /uncommitted change/.test(e.message));
    assert.match(warning?.type === 'log' ? warning.message : '', /your 2 uncommitted change\(s\) are not included/);
  });

  test('notes missing from the worktree (a run killed before they were put back) are restored from the index before they are taken out again', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const wt = s.worktree!.path;
    const note = git(wt, 'ls-files', '.shipwright').trim().split('\n')[0];
    const bytes = readFileSync(join(wt, note));
    rmSync(join(wt, note));
    const before = await snapshotProtected(wt);
    const hidden = await hideNewNotes(wt, s.worktree!.baseCommit, before);
    assert.ok(hidden.includes(note) && !existsSync(join(wt, note)), 'taken out for the run');
    await restoreProtected(wt, before);
    assert.deepEqual(readFileSync(join(wt, note)), bytes, 'back as committed');
    assert.equal(git(wt, 'status', '--porcelain').trim(), '');
    // A note changed since its commit exists nowhere else: it stays where it is.
    writeFileSync(join(wt, note), `${bytes.toString('utf8')}\nA person's addition.\n`);
    const again = await hideNewNotes(wt, s.worktree!.baseCommit, await snapshotProtected(wt));
    assert.ok(!again.includes(note) && existsSync(join(wt, note)));
  });

  test('cancelled while the test command is checked before the first model call, the ticket is cancelled (not a failing suite) and resumes', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder, config: { testCommand: 'sleep 2; npm test' } });
    const k = kit;
    let cancelled = false;
    k.engine.onEvent((e) => {
      if (cancelled || e.type !== 'log' || !/checking the test command before the first model call/.test(e.message)) return;
      cancelled = true;
      setTimeout(() => k.engine.cancel(e.ticketId), 500);
    });
    const s = await k.engine.run(ticket());
    assert.equal(s.state, 'cancelled', s.reason);
    assert.equal(s.handoff, undefined);
    assert.deepEqual(model.calls, {}, 'no model was called');
    const resumed = await k.engine.resume(s.ticket.id);
    assert.equal(resumed.state, 'ready', resumed.reason);
  });

  test('a suite that leaves a nested repository behind (git cannot stage the worktree) does not fail the ticket: the baseline is run again', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder, config: { testCommand: 'mkdir -p emb && git -C emb init -q && echo x > emb/x.txt; npm test' } });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const firstRed = kit.events.findIndex((e) => e.type === 'testRun' && e.expect === 'red');
    assert.equal(kit.events.slice(0, firstRed).filter((e) => e.type === 'testRun').length, 2, 'the preflight run could not be vouched for, so implementation ran its own');
  });

  test('a failing baseline: its failures are recorded as pre-existing and excluded; red counts only the new tests, green is the rest', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    writeFileSync(join(kit.repo.dir, 'test', 'legacy.test.js'), "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\ntest('legacy rounding is broken', () => {\n  assert.equal(0.1 + 0.2, 0.3);\n});\n");
    kit.repo.git('add', '-A');
    kit.repo.git('commit', '-qm', 'a test that already fails');
    const before = checkout(kit.repo.dir);
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const wt = s.worktree!;
    const body = git(wt.path, 'log', '--format=%B', '--grep=failing tests first', `${wt.baseCommit}..HEAD`);
    assert.match(body, /Shipwright-Baseline-Failure: .*legacy rounding is broken/);
    assert.ok(kit.events.some((e) => e.type === 'log' && /already fails before any change.*legacy rounding is broken/.test(e.message)));
    const runs = kit.events.filter((e) => e.type === 'testRun');
    // The baseline was run once, before the first model call, and implementation judged against that run.
    const firstCall = kit.events.findIndex((e) => e.type === 'usage');
    const firstRed = kit.events.findIndex((e) => e.type === 'testRun' && e.expect === 'red');
    assert.deepEqual(kit.events.slice(0, firstRed).flatMap((e, i) => (e.type === 'testRun' ? [i < firstCall] : [])), [true], 'one baseline run, before any model call');
    const last = runs.at(-1);
    assert.ok(last && last.type === 'testRun' && last.passed && last.exitCode !== 0, 'green apart from the pre-existing failure');
    assert.match(readFileSync(join(wt.path, 'src/calculator.js'), 'utf8'), /function subtract/);
    assert.deepEqual(checkout(kit.repo.dir), before);
  });
});
