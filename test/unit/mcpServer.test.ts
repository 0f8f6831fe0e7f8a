import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startFakeOllama } from '../fakes/fakeOllamaServer';
import type { FakeModelServer } from '../fakes/fakeScript';
import { scriptedModel } from '../fakes/scriptedModel';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';
import { LOCAL_FIRST, LOCAL_MODELS } from './engineTestKit';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const ticketFile = join(root, 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: Record<string, unknown> };

suite('shipwright mcp, driven by the MCP SDK\'s own client over stdio', () => {
  let repo: FixtureRepo;
  let ollama: FakeModelServer;
  let client: Client;
  let stderr = '';

  async function open(...flags: string[]): Promise<void> {
    const configFile = join(repo.tmp, 'shipwright.json');
    writeFileSync(configFile, JSON.stringify({ ...LOCAL_FIRST, testCommand: 'npm test', retry: { maxRetries: 0, maxRetryAfterMs: 0 } }));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'mcp', '--workspace', repo.dir, '--config', configFile, ...flags],
      env: { PATH: process.env.PATH ?? '', HOME: repo.tmp, OLLAMA_HOST: ollama.url },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'shipwright-test', version: '1.0.0' });
    await client.connect(transport);
  }
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolResult> => (await client.callTool({ name, arguments: args })) as ToolResult; // the SDK's result union; these tools return content results
  const text = (r: ToolResult) => r.content.map((c) => c.text ?? '').join('\n');

  setup(async () => {
    stderr = '';
    repo = makeFixtureRepo();
    ollama = await startFakeOllama({ models: LOCAL_MODELS, respond: scriptedModel().responder });
  });
  teardown(async () => {
    await client?.close();
    await ollama.close();
    repo.cleanup();
  });

  test('lists its tools; runs a ticket from text (id at once), then reads its state, phases, cost and diff', async () => {
    await open();
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(tools, ['finish_ticket', 'list_runs', 'resume_ticket', 'run_ticket', 'ticket_diff', 'ticket_status']);

    const started = await call('run_ticket', { ticket: readFileSync(ticketFile, 'utf8') });
    assert.equal(started.isError, undefined, text(started));
    const id = String(started.structuredContent?.ticketId);
    assert.equal(id, 'add-a-subtract-function-to-the');

    let status: ToolResult;
    const deadline = Date.now() + 90_000;
    do {
      await new Promise((r) => setTimeout(r, 300));
      status = await call('ticket_status', { ticketId: id });
    } while (status.structuredContent?.running === true && Date.now() < deadline);
    const s = status.structuredContent as { state: string; reason: string; phases: { phase: string; status: string; attempts: { model: string }[] }[]; cost: { calls: number; tokens: { inputTokens: number }; byPhase: unknown[] } };
    assert.equal(s.state, 'ready', `${s.reason}\n${stderr}`);
    assert.deepEqual(s.phases.map((p) => [p.phase, p.status]), [['discovery', 'done'], ['techSpec', 'done'], ['planning', 'done'], ['implementation', 'done'], ['review', 'done']]);
    assert.equal(s.phases[0].attempts[0].model, 'qwen3-coder:30b');
    // The cost is the fake server's own usage, call for call.
    assert.equal(s.cost.calls, ollama.usageLog.length);
    assert.equal(s.cost.tokens.inputTokens, ollama.usageLog.reduce((n, u) => n + u.inputTokens, 0));

    const runs = (await call('list_runs')).structuredContent as { runs: { ticketId: string; state: string }[] };
    assert.deepEqual(runs.runs.map((r) => [r.ticketId, r.state]), [[id, 'ready']]);
    const diff = await call('ticket_diff', { ticketId: id });
    assert.match(text(diff), /\+function subtract/);
    assert.ok((diff.structuredContent as { files: { path: string }[] }).files.some((f) => f.path === 'src/calculator.js'));

    // Merging stays with a person unless the server was started with --allow-merge.
    const finish = await call('finish_ticket', { ticketId: id, mode: 'merge' });
    assert.equal(finish.isError, true);
    assert.match(text(finish), /needsPerson: merging stays with a person/);
    assert.doesNotMatch(readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8'), /subtract/);
    const again = await call('run_ticket', { ticket: readFileSync(ticketFile, 'utf8') });
    assert.match(text(again), /alreadyRun: ticket add-a-subtract-function-to-the has a run already/);
  });

  test('refuses bad input with a reason: both or neither source, a file outside the repository, a wrong type, an unknown ticket', async () => {
    await open();
    assert.match(text(await call('run_ticket', {})), /badTicket: give exactly one/);
    assert.match(text(await call('run_ticket', { file: '/etc/passwd' })), /outsideWorkspace: \/etc\/passwd is not inside/);
    assert.match(text(await call('run_ticket', { ticket: '---\nkind: bug\n---\nx\n' })), /badTicket: .*kind: must be one of feature, hotfix, epic/);
    const wrongType = await call('ticket_status', { ticketId: 42 });
    assert.equal(wrongType.isError, true);
    assert.match(text(wrongType), /Input validation error/);
    assert.match(text(await call('ticket_status', { ticketId: 'nope' })), /unknownTicket: no run of ticket "nope"/);
    assert.equal(ollama.requests.length, 0, 'nothing reached a model');
  });

  test('runs a ticket from a file in the repository, and with --allow-merge merges it', async () => {
    copyFileSync(ticketFile, join(repo.dir, 'ticket.md'));
    await open('--allow-merge');
    const started = await call('run_ticket', { file: 'ticket.md' });
    const id = String(started.structuredContent?.ticketId);
    let state = '';
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      const st = (await call('ticket_status', { ticketId: id })).structuredContent as { state: string; running: boolean };
      state = st.state;
      if (!st.running && state !== 'running') break;
    }
    assert.equal(state, 'ready', stderr);
    const finish = await call('finish_ticket', { ticketId: id, mode: 'merge' });
    assert.equal(finish.isError, undefined, text(finish));
    assert.match(readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8'), /function subtract/);
  });
});
