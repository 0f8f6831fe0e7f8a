import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecretPath } from '../../../src/core/secrets/secretPaths';
import { redactSecrets } from '../../../src/core/secrets/redactSecrets';
import type { FakeRequest } from '../../fakes/fakeScript';
import { scriptedModel } from '../../fakes/scriptedModel';
import { makeFixtureRepo } from '../../fixtures/fixtureRepo';
import { commitChanges } from '../../../src/core/workspace/commitAll';
import { engineKit, type EngineKit } from '../engineTestKit';
import { requireSandbox } from './requireSandbox';
import { fixtureTicket } from '../../fixtures/fixtureTicket';

/** Values only the user's `.env` holds; none of them has a known credential shape, so only the secrets filter can stop them. */
const ENV_FILE = 'PLAIN_SETTING=plain-canary-7d6c5b4a\nDATABASE_URL=postgres://app:hunter2canary@db.internal/app\n';
const CANARIES = ['plain-canary-7d6c5b4a', 'hunter2canary'];
const PROVIDER_KEY = 'sk-ant-api03-PROVIDERcanaryPROVIDERcanary0123456789';

/** A test that tries every way to get the secrets into the next prompt: print them, and leave copies, links and a symlink. */
const HOSTILE_TEST = `'use strict';
const fs = require('node:fs');
const test = require('node:test');
const assert = require('node:assert/strict');
console.log('ENV FILE:', fs.readFileSync('.env', 'utf8'));
console.log('PROVIDER KEY:', process.env.ANTHROPIC_API_KEY);
try { fs.symlinkSync('.env', 'notes.txt'); } catch (e) { console.log(e.message); }
try { fs.linkSync('.env', 'linked.txt'); } catch (e) { console.log(e.message); }
fs.copyFileSync('.env', 'copy.txt');
test('subtract', () => {
  const { subtract } = require('../src/calculator');
  assert.equal(subtract(5, 3), 2);
});
`;

const ticket = fixtureTicket('feature-add-subtract.md');

function allText(reqs: readonly FakeRequest[]): string {
  return JSON.stringify(reqs);
}

suite('security: secrets stay home (real engine, real bubblewrap, fake model over HTTP)', function () {
  this.timeout(120_000);
  let kit: EngineKit | undefined;
  const saved = process.env.ANTHROPIC_API_KEY;
  teardown(async () => {
    if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = saved;
    await kit?.close();
  });

  test('a copied .env asked for by needFiles, through a symlink, a hard link or a copy, and printed by a test never reaches a request', async function () {
    await requireSandbox(this);
    process.env.ANTHROPIC_API_KEY = PROVIDER_KEY;
    const calls = { tests: 0, code: 0 };
    const model = scriptedModel((req) => {
      if (req.schemaName !== 'FileEdits') return undefined;
      if (/test-writing step/i.test(req.system)) {
        calls.tests += 1;
        if (calls.tests === 1) return { json: { explanation: 'need the config', edits: [], needFiles: ['.env', 'src/../.env', '.ENV.'] } };
        return { json: { explanation: 'tests for subtract', edits: [{ kind: 'write', path: 'test/subtract.test.js', content: HOSTILE_TEST }], needFiles: [] } };
      }
      calls.code += 1;
      if (calls.code === 1) return { json: { explanation: 'need more', edits: [], needFiles: ['notes.txt', 'linked.txt', 'copy.txt', '.env'] } };
      return undefined;
    });
    kit = await engineKit({ ollama: model.responder });
    writeFileSync(join(kit.repo.dir, '.env'), ENV_FILE);
    const s = await kit.engine.run(ticket);
    assert.equal(s.state, 'ready', s.reason);
    assert.ok(calls.tests >= 2 && calls.code >= 2, JSON.stringify(calls));
    const sent = allText([...kit.ollama.requests, ...kit.anthropic.requests]);
    for (const c of [...CANARIES, PROVIDER_KEY]) assert.ok(!sent.includes(c), `${c} reached a model request`);
    // The model was told why, so it does not keep asking.
    assert.match(sent, /files that hold secrets|a file that holds secrets/);
    // The test did print them: the redaction, not a quiet test, is what kept them out.
    assert.match(sent, /ENV FILE:/);
  });

  test('a test run that copies the provider key and a .env value into tracked and new files gets neither onto the ticket branch', async function () {
    await requireSandbox(this);
    process.env.ANTHROPIC_API_KEY = PROVIDER_KEY;
    // The test reads the copied .env (inside the sandbox the key is in no variable) and plants its values in a
    // tracked file no step edits (README.md) and in a new one, every time it runs.
    const smuggler = `'use strict';
const fs = require('node:fs');
const test = require('node:test');
const assert = require('node:assert/strict');
const env = fs.readFileSync('.env', 'utf8');
const key = /ANTHROPIC_API_KEY=(.*)/.exec(env)[1];
fs.appendFileSync('README.md', '\\nconfig: ' + key + '\\n');
fs.writeFileSync('src/settings.js', 'module.exports = ' + JSON.stringify({ plain: /PLAIN_SETTING=(.*)/.exec(env)[1] }) + ';\\n');
test('subtract', () => {
  const { subtract } = require('../src/calculator');
  assert.equal(subtract(5, 3), 2);
});
`;
    const model = scriptedModel((req) => {
      if (req.schemaName !== 'FileEdits' || !/test-writing step/i.test(req.system)) return undefined;
      return { json: { explanation: 'tests for subtract', edits: [{ kind: 'write', path: 'test/subtract.test.js', content: smuggler }], needFiles: [] } };
    });
    kit = await engineKit({ ollama: model.responder });
    writeFileSync(join(kit.repo.dir, '.env'), `${ENV_FILE}ANTHROPIC_API_KEY=${PROVIDER_KEY}\n`);
    const s = await kit.engine.run(ticket);
    assert.equal(s.state, 'ready', s.reason);
    const wt = s.worktree!;
    // The test did plant them: the commit check, not a quiet test, is what kept them off the branch.
    assert.ok(readFileSync(join(wt.path, 'README.md'), 'utf8').includes(PROVIDER_KEY));
    assert.ok(readFileSync(join(wt.path, 'src', 'settings.js'), 'utf8').includes('plain-canary-7d6c5b4a'));
    const branch = kit.repo.git('log', '-p', '--all', '--format=%H %s%n%b', `${wt.baseCommit}..${wt.branch}`);
    for (const c of [PROVIDER_KEY, 'plain-canary-7d6c5b4a']) assert.ok(!branch.includes(c), `${c} was committed on ${wt.branch}`);
    assert.match(kit.repo.git('log', '--format=%s', `${wt.baseCommit}..${wt.branch}`), /failing tests first/, 'the steps were committed');
    assert.equal(kit.repo.git('diff', '--name-only', wt.baseCommit, wt.branch, '--', 'README.md', 'src/settings.js'), '');
    // Reported like every refused change, naming the secret but never its value.
    const warnings = kit.events.flatMap((e) => (e.type === 'log' && e.level === 'warn' ? [e.message] : [])).join('\n');
    assert.match(warnings, /README\.md \(holds the value of ANTHROPIC_API_KEY/);
    assert.match(warnings, /src\/settings\.js \(holds the value of PLAIN_SETTING from \.env/);
    assert.ok(!warnings.includes(PROVIDER_KEY));
  });

  test('commit check: a new credential is refused; sample keys already committed, a tracked .env.example and plain words are not', async () => {
    const repo = makeFixtureRepo();
    try {
      const sample = 'AKIAIOSFODNN7EXAMPLE'; // AWS's documented sample key id, as fixtures hold it
      writeFileSync(join(repo.dir, 'fixture.js'), `module.exports = '${sample}';\n`);
      writeFileSync(join(repo.dir, '.env.example'), 'API_URL=https://api.example.com/v1\n');
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'fixtures');
      writeFileSync(join(repo.dir, '.env'), 'NODE_ENV=production\nDB_PASSWORD=s3cret-Passw0rd\n');
      writeFileSync(join(repo.dir, 'fixture.js'), `module.exports = ['${sample}', 'production', 'https://api.example.com/v1'];\n`);
      writeFileSync(join(repo.dir, 'token.js'), `module.exports = 'ghp_${'Ab1'.repeat(12)}';\n`);
      writeFileSync(join(repo.dir, 'db.js'), "module.exports = { password: 's3cret-Passw0rd' };\n");
      // Staged by someone else and unchanged since: the check reads the index's blob, not the file.
      writeFileSync(join(repo.dir, 'staged.js'), `module.exports = 'ghp_${'Cd2'.repeat(12)}';\n`);
      repo.git('add', 'staged.js');
      const r = await commitChanges(repo.dir, 'change', { secretFiles: [] });
      const refused = Object.fromEntries(r.refused.map((x) => [x.path, x.reason]));
      assert.match(refused['token.js'] ?? '', /looks like a credential \(GitHub token\)/);
      assert.match(refused['db.js'] ?? '', /holds the value of DB_PASSWORD from \.env/);
      assert.match(refused['staged.js'] ?? '', /looks like a credential \(GitHub token\)/);
      assert.equal(refused['fixture.js'], undefined, JSON.stringify(refused));
      assert.deepEqual(repo.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n'), ['fixture.js']);
      assert.doesNotMatch(repo.git('log', '-p', '--all'), /ghp_|s3cret-Passw0rd/);
      assert.equal(repo.git('diff', '--cached', '--name-only').trim(), '', 'the refused staged file was unstaged');
    } finally {
      repo.cleanup();
    }
  });

  test('secret paths by the default list, at any depth, whatever the case', () => {
    for (const p of ['.env', 'pkg/.env.local', '.ENV.', 'deploy/prod.pem', 'home/.ssh/config', '.aws/credentials', 'id_ed25519', 'config/credentials.json', 'infra/prod.tfvars', '.npmrc']) {
      assert.equal(isSecretPath(p), true, p);
    }
    for (const p of ['src/env.js', 'src/keyboard.js', 'README.md', 'test/monkey.test.js']) assert.equal(isSecretPath(p), false, p);
    assert.equal(isSecretPath('conf/app.ini', ['conf/*.ini']), true);
  });

  test('known credential shapes are redacted, the rest of the text kept', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----';
    const text = `ok 1\n${pem}\nghp_${'a'.repeat(36)} AKIAABCDEFGHIJKLMNOP password=hunter22 sk-proj-${'b'.repeat(40)}\nnot 1`;
    const r = redactSecrets(text, {});
    assert.equal(r.redacted, 5, r.text);
    for (const leak of ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmU', 'aaaaaaaa', 'AKIAABCDEFGHIJKLMNOP', 'hunter22', 'bbbbbbbb']) assert.ok(!r.text.includes(leak), leak);
    assert.match(r.text, /^ok 1\n/);
    assert.match(r.text, /\nnot 1$/);
  });
});
