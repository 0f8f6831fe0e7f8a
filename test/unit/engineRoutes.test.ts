import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { scriptedModel } from '../fakes/scriptedModel';
import { git } from '../fixtures/fixtureRepo';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = (name: string) => join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', name);
const ticket = (name: string) => parseTicket(readFileSync(ticketFile(name), 'utf8'), name);

suite('engine: the three routes end to end, on a real repository through the real Ollama client', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('a feature runs discovery → techSpec → planning → implementation → review and ends ready on its branch', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    const s = await kit.engine.run(ticket('feature-add-subtract.md'));
    assert.equal(s.state, 'ready', s.reason);
    assert.deepEqual(s.phases.map((p) => [p.phase, p.status]), [
      ['discovery', 'done'], ['techSpec', 'done'], ['planning', 'done'], ['implementation', 'done'], ['review', 'done'],
    ]);
    const wt = s.worktree!;
    // The branch carries the deliverables and the code; the user's checkout does not have them.
    const log = git(wt.path, 'log', '--format=%s', `${wt.baseCommit}..HEAD`);
    for (const phase of ['discovery', 'techSpec', 'planning', 'implementation', 'review']) assert.match(log, new RegExp(`${phase}`));
    assert.match(readFileSync(join(wt.path, 'src/calculator.js'), 'utf8'), /function subtract/);
    assert.doesNotMatch(readFileSync(join(kit.repo.dir, 'src/calculator.js'), 'utf8'), /subtract/);
    assert.match(readFileSync(join(wt.path, '.shipwright', s.ticket.id, '01-discovery.md'), 'utf8'), /subtract/);
    // Every model call went to the local models and is in the ledger, with the fake's own usage.
    assert.equal(s.ledger.length, kit.ollama.usageLog.length);
    assert.deepEqual(s.ledger.map((r) => r.usage.inputTokens), kit.ollama.usageLog.map((u) => u.inputTokens));
    assert.equal(kit.anthropic.requests.length, 0);
  });

  test('a hotfix runs diagnosis → implementation → review; the diagnosis test reproduces the bug before the fix', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    // Give the fixture the bug the hotfix ticket reports.
    const calc = join(kit.repo.dir, 'src/calculator.js');
    const src = readFileSync(calc, 'utf8').replace('module.exports = { add };', '/** Divides a by b. */\nfunction divide(a, b) {\n  return a / b;\n}\n\nmodule.exports = { add, divide };');
    require('node:fs').writeFileSync(calc, src);
    kit.repo.git('commit', '-qam', 'add divide');
    const s = await kit.engine.run(ticket('hotfix-divide-by-zero.md'));
    assert.equal(s.state, 'ready', s.reason);
    assert.deepEqual(s.route, ['diagnosis', 'implementation', 'review']);
    const red = kit.events.find((e) => e.type === 'testRun' && e.expect === 'red');
    assert.ok(red && red.type === 'testRun' && !red.passed, 'the reproducing test failed before the fix');
    const green = kit.events.filter((e) => e.type === 'testRun' && e.expect === 'green').at(-1);
    assert.ok(green && green.type === 'testRun' && green.passed, 'the tests pass after the fix');
    assert.match(readFileSync(join(s.worktree!.path, 'src/calculator.js'), 'utf8'), /division by zero/);
  });

  test('an epic runs discovery → techSpec → split, then each child runs its own feature pipeline in dependency order', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder, config: { concurrency: 2 } });
    const s = await kit.engine.run(ticket('epic-calculator-history.md'));
    assert.deepEqual(s.route, ['discovery', 'techSpec', 'split']);
    assert.equal(s.state, 'done', s.reason);
    assert.equal(s.children.length, 2);
    const [multiply, power] = await Promise.all(s.children.map((id) => kit!.engine.get(id)));
    assert.equal(multiply?.state, 'ready');
    assert.equal(power?.state, 'ready');
    assert.deepEqual(power?.ticket.dependsOn, [multiply?.ticket.id]);
    // power depends on multiply: it started only after multiply was ready.
    const startedPower = kit.events.findIndex((e) => e.type === 'ticketStarted' && e.ticketId === power?.ticket.id);
    const readyMultiply = kit.events.findIndex((e) => e.type === 'stateChanged' && e.ticketId === multiply?.ticket.id && e.state === 'ready');
    assert.ok(readyMultiply >= 0 && startedPower > readyMultiply, 'power started after multiply was ready');
  });
});
