import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { scriptedModel } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';

const root = join(__dirname, '..', '..', '..');
const ticketPath = join(root, 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');

suite('resume after the process is killed mid-run', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('`shipwright run` killed with SIGKILL during techSpec; `resume` continues from techSpec without redoing discovery', async () => {
    const model = scriptedModel();
    let killed: Promise<void> | undefined;
    let child: ReturnType<typeof spawn> | undefined;
    kit = await engineKit({
      ollama: (req) => {
        if (req.schemaName === 'TechSpec' && !killed) {
          // The CLI is waiting on this call: kill it now, hard, as a crash or `kill -9` would.
          killed = new Promise((resolve) => child!.once('exit', () => resolve()));
          child!.kill('SIGKILL');
          return { hang: true };
        }
        return model.responder(req);
      },
    });
    const id = parseTicket(readFileSync(ticketPath, 'utf8'), ticketPath).id;
    const config = join(kit.repo.tmp, 'config.json');
    require('node:fs').writeFileSync(config, JSON.stringify({ ollamaHost: kit.ollama.url, testCommand: 'npm test', chains: { techSpec: ['local-large'], planning: ['local-large'] } }));
    child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'run', ticketPath, '--workspace', kit.repo.dir, '--config', config, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: kit.repo.tmp },
    });
    const out: string[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
    await new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    await killed;
    assert.equal(child.signalCode, 'SIGKILL');
    assert.match(out.join(''), /"type":"phaseFinished".*"phase":"discovery"/);

    const before = await kit.engine.get(id);
    assert.equal(before?.state, 'running', 'the state on disk is the last step written before the kill');
    assert.equal(before?.phases[0].status, 'done');
    const specCalls = kit.ollama.requests.filter((r) => r.schemaName === 'FunctionalSpec').length;

    const after = await kit.engine.resume(id);
    assert.equal(kit.ollama.requests.filter((r) => r.schemaName === 'FunctionalSpec').length, specCalls, 'discovery was not run again');
    assert.equal(after.phases.find((p) => p.phase === 'techSpec')?.status, 'done');
    assert.equal(after.state, 'ready', after.reason);
    // The ledger kept the calls made before the kill.
    assert.ok(after.ledger.filter((r) => r.phase === 'discovery').length >= 1);
  });
});
