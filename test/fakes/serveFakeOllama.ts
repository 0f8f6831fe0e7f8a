import { startFakeOllama } from './fakeOllamaServer';
import { readRepoScript, repoScriptResponder } from './repoScript';
import { scriptedModel } from './scriptedModel';
import { LOCAL_MODELS } from '../unit/engineTestKit';

/**
 * Starts the fake Ollama server by hand, answering as the scripted calculator model, for trying the CLI and the
 * extension without a real model: `node out/test/fakes/serveFakeOllama.js [port]` (default 11434), then
 * `OLLAMA_HOST=http://127.0.0.1:<port> shipwright run …`. Stops on Ctrl-C. With `FAKE_SCRIPT=<file.json>` it answers
 * from that script instead (see repoScript.ts), for a repository other than the calculator.
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 11434);
  const scriptFile = process.env.FAKE_SCRIPT;
  const respond = scriptFile ? repoScriptResponder(readRepoScript(scriptFile)) : scriptedModel().responder;
  const fake = await startFakeOllama({ models: LOCAL_MODELS, respond, port });
  process.stdout.write(`fake Ollama listening on ${fake.url}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
