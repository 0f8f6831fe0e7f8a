import { writeFileSync } from 'node:fs';
import { startFakeAnthropic } from './fakeAnthropicServer';
import { isRecord } from './fakeHttp';
import { scriptedModel } from './scriptedModel';

/**
 * Starts the fake Anthropic API by hand, answering as the scripted calculator model, for trying the CLI as a user
 * with a key would: `node out/test/fakes/serveFakeAnthropic.js [port] [log.jsonl]`, then
 * `ANTHROPIC_API_KEY=any ANTHROPIC_BASE_URL=http://127.0.0.1:<port> shipwright run …`. Every request (model,
 * max_tokens, effort, structured-output shape, status answered) is written to the log file as JSON lines, so what
 * was sent can be checked afterwards. Stops on Ctrl-C.
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  const logFile = process.argv[3] ?? 'fake-anthropic-requests.jsonl';
  const model = scriptedModel();
  const fake = await startFakeAnthropic({ respond: model.responder, port });
  const write = () => {
    const calls = fake.requests.map((r) => {
      const body = isRecord(r.raw) ? r.raw : {};
      const output = isRecord(body.output_config) ? body.output_config : {};
      return {
        model: r.model, schema: r.schemaName, max_tokens: body.max_tokens, effort: output.effort ?? null,
        structured: isRecord(output.format) ? 'output_config.format' : isRecord(body.tool_choice) ? `tool_choice:${String(body.tool_choice.type)}` : 'none',
        thinking: body.thinking ?? null,
      };
    });
    const statuses = fake.httpLog.map((h) => `${h.method} ${h.path} ${h.status ?? '-'}`);
    writeFileSync(logFile, [...calls.map((c) => JSON.stringify(c)), JSON.stringify({ http: statuses, usage: fake.usageLog })].join('\n') + '\n');
  };
  const timer = setInterval(write, 500);
  process.stdout.write(`fake Anthropic listening on ${fake.url}; request log ${logFile}\n`);
  const stop = () => {
    clearInterval(timer);
    write();
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
