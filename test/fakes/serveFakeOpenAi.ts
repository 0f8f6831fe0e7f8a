import { startFakeOpenAi } from './fakeOpenAiServer';
import { scriptedModel } from './scriptedModel';

/**
 * Starts the fake OpenAI-compatible server by hand, answering as the scripted calculator model, for trying the
 * CLI with an `openai` model without a real one: `node out/test/fakes/serveFakeOpenAi.js [port]` (default 1234,
 * LM Studio's port, so a `"preset": "lmstudio"` entry reaches it unchanged). It serves
 * `qwen2.5-coder-7b-instruct` (non-strict, like a local runtime) and `gpt-5-mini` (strict). Stops on Ctrl-C.
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 1234);
  const model = scriptedModel();
  const fake = await startFakeOpenAi({ respond: model.responder, port });
  process.stdout.write(`fake OpenAI-compatible server listening on ${fake.baseUrl}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
