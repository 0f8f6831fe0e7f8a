import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { calculatorAnswer, scriptedModel } from '../fakes/scriptedModel';
import { isJsonReply } from '../fakes/fakeScript';
import { snapshotCheckout } from '../fixtures/fixtureRepo';
import { engineKit, type EngineKit } from './engineTestKit';

const tickets = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets');
const ticket = (name: string) => parseTicket(readFileSync(join(tickets, name), 'utf8'), name);
/** The user's checkout without Shipwright's run store (`.git/shipwright/runs`, written by design). */
const checkout = (dir: string): Record<string, string> => Object.fromEntries(Object.entries(snapshotCheckout(dir)).filter(([k]) => !k.startsWith('.git/shipwright/')));
const userText = (k: EngineKit, schema: string): string[] => k.ollama.requests.filter((r) => r.schemaName === schema).map((r) => r.messages.map((m) => m.content).join('\n'));

/**
 * Each phase sees what it reasons about, on a real repository through the real Ollama client: discovery,
 * techSpec, planning and diagnosis get the test command, the framework, the test layout and the code the ticket
 * is about; diagnosis may ask once for more files; a diagnosis that does not reproduce ends `needs-human` with
 * its evidence, not `failed`, and nothing of the user's changes.
 */
suite('phases see the code they reason about', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('the spec phases get the test command, framework, test files and the relevant source', async () => {
    kit = await engineKit({ ollama: scriptedModel().responder });
    const s = await kit.engine.run(ticket('feature-add-subtract.md'));
    assert.equal(s.state, 'ready', s.reason);
    for (const schema of ['FunctionalSpec', 'TechSpec', 'Plan']) {
      const [text] = userText(kit, schema);
      assert.match(text, /Test command: `npm test`/, schema);
      assert.match(text, /Test framework: node:test/, schema);
      assert.match(text, /Test files \(1\): test\/calculator\.test\.js/, schema);
      assert.match(text, /=== src\/calculator\.js \(\d+ lines\) ===\n[\s\S]*function add/, schema);
      assert.doesNotMatch(text, /\.shipwright\//, `${schema} sees no deliverable paths`);
    }
  });

  test('a diagnosis that asks for a file gets it once; one that does not reproduce ends needs-human with its evidence', async () => {
    const evidence = 'divide in src/calculator.js already throws RangeError("division by zero") when b === 0 (line 8); the README agrees';
    const model = scriptedModel((req, calls) => {
      if (req.schemaName !== 'Diagnosis') return undefined;
      const base = calculatorAnswer(req);
      if (!isJsonReply(base) || typeof base.json !== 'object' || base.json === null) return base;
      const json: object = base.json;
      // The first answer asks to see package.json; the second concludes the bug does not reproduce.
      return calls.Diagnosis === 1
        ? { json: { ...json, needFiles: ['package.json'] } }
        : { json: { ...json, notReproduced: evidence } };
    });
    kit = await engineKit({ ollama: model.responder });
    const before = checkout(kit.repo.dir);
    const s = await kit.engine.run(ticket('hotfix-divide-by-zero.md'));
    assert.equal(s.state, 'needs-human', s.reason);
    assert.match(s.reason, /does not reproduce\. Evidence: divide in src\/calculator\.js already throws/);
    assert.match(s.handoff?.openObjections[0]?.message ?? '', /the bug does not reproduce: divide in src/);
    const asked = userText(kit, 'Diagnosis');
    assert.equal(asked.length, 2, 'asked once more, with the file');
    assert.doesNotMatch(asked[0], /=== package\.json/);
    assert.match(asked[1], /=== package\.json \(\d+ lines\) ===/);
    assert.equal(s.phases.find((p) => p.phase === 'diagnosis')?.attempts.length, 1, 'the request for files is not an attempt');
    assert.equal(model.calls.FileEdits ?? 0, 0);
    assert.deepEqual(checkout(kit.repo.dir), before);
  });
});
