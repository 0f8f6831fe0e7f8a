import type * as http from 'node:http';
import { countO200kTokens } from '../../src/core/models/estimateTokens';
import { chunksOf, isRecord, parseObject, sendJson, startFakeHttp, streamPause, tick, type IncomingCall } from './fakeHttp';
import {
  capOutput, defaultResponder, paceOf, deliverableNameIn, isCorruptLineReply, isHangReply, isRefusalReply, isJsonReply, isMidStreamErrorReply, isStallReply, isStatusReply,
  type FakeMessage, type FakeModelServer, type FakeReply, type FakeRequest, type FakeUsage, type Responder,
} from './fakeScript';

/** A model the fake Ollama has "pulled". */
export interface FakeOllamaModel {
  /** Model name; a name without a tag means `:latest` (as in Ollama). */
  name: string;
  /** Reported as `model_info["<arch>.context_length"]` by `/api/show`. */
  contextLength: number;
  /** `/api/show` capabilities; default `['completion', 'tools']`. */
  capabilities?: string[];
  /** `general.architecture`; default: the leading letters of the name (e.g. `qwen`). */
  architecture?: string;
  /**
   * Largest `num_ctx` that fits in the fake GPU's memory with the weights, tokens; a load above it is a 500
   * (`model requires more system memory …`, llm/server.go lines 249-267 at fb30760). Default: no limit.
   */
  maxLoadableNumCtx?: number;
  /** Proxied to ollama.com: `/api/show` carries `remote_host`/`remote_model` (docs/cloud.mdx at fb30760). */
  cloud?: boolean;
}

export interface FakeOllamaOptions {
  /** Default: qwen2.5-coder:7b (32,768) and qwen3-coder:30b (262,144), the default config's local models. */
  models?: FakeOllamaModel[];
  respond?: Responder;
  /** Context used when a request sends no `options.num_ctx` (Ollama's own default; 4,096 here). */
  defaultNumCtx?: number;
  /** Port on 127.0.0.1; default 0 (an ephemeral port). */
  port?: number;
}

/**
 * Ollama's version string the fake reports on `/api/version`: the 0.34 line current in late 2026 (0.34.2 published
 * 2026-09-17, https://github.com/microsoft/winget-pkgs/pull/436764).
 */
export const FAKE_OLLAMA_VERSION = '0.34.2';

/** A running fake Ollama: the shared scripting API, plus the model loads it performed. */
export interface FakeOllamaServer extends FakeModelServer {
  /**
   * Every model load, in order: the first call of a model, and every call whose `num_ctx` differs from the loaded
   * one (Ollama reloads the runner when the context size changes, model-apis-2026-11.md row 7).
   */
  readonly loads: { model: string; numCtx: number }[];
}

const DEFAULT_MODELS: FakeOllamaModel[] = [
  { name: 'qwen2.5-coder:7b', contextLength: 32_768 },
  { name: 'qwen3-coder:30b', contextLength: 262_144 },
];

/** Ollama's error texts (server/routes.go); 503 is its "too many queued requests" answer. */
const DEFAULT_ERROR_TEXT: Record<number, string> = {
  400: 'invalid request',
  429: 'too many requests',
  500: 'internal server error',
  503: 'server busy, please try again.  maximum pending requests exceeded',
};

const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);
const notFound = (model: string): string => `model '${model}' not found`;

/**
 * Starts a fake Ollama server speaking the real HTTP API on 127.0.0.1 (ephemeral port):
 * `GET /`, `GET /api/version`, `GET /api/tags`, `POST /api/show`, `POST /api/chat` (ndjson stream or one JSON).
 * Token counts are exact o200k_base counts (gpt-tokenizer): `prompt_eval_count` = sum over the messages kept
 * (system included), `eval_count` = the reply's content; a scripted reply may override both. Zero counts are
 * omitted, like Ollama's `omitempty`. Messages past `num_ctx` are dropped oldest-first, system kept, silently.
 */
export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllamaServer> {
  const models = (options.models ?? DEFAULT_MODELS).map((m) => ({ ...m, name: withTag(m.name) }));
  const defaultNumCtx = options.defaultNumCtx ?? 4096;
  let responder = options.respond ?? defaultResponder;
  const requests: FakeRequest[] = [];
  const usageLog: FakeUsage[] = [];
  const loads: { model: string; numCtx: number }[] = [];
  const loaded = new Map<string, number>();
  const find = (name: unknown) => (typeof name === 'string' ? models.find((m) => m.name === withTag(name)) : undefined);

  async function chat(call: IncomingCall, res: http.ServerResponse): Promise<void> {
    const body = parseObject(call.body);
    if (!body) return sendJson(res, 400, { error: 'invalid character in request body' });
    if (typeof body.model !== 'string' || body.model === '') return sendJson(res, 400, { error: 'model is required' });
    const stream = body.stream !== false; // Ollama streams unless told not to
    const all = Array.isArray(body.messages) ? body.messages.filter(isRecord).map(toMessage) : [];
    const numCtxSent = isRecord(body.options) && typeof body.options.num_ctx === 'number' ? body.options.num_ctx : undefined;
    const kept = fitContext(all, numCtxSent ?? defaultNumCtx);
    const system = kept.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    const req: FakeRequest = {
      provider: 'ollama', model: body.model, system, messages: kept.filter((m) => m.role !== 'system'),
      schemaName: deliverableNameIn(system), format: body.format, numCtx: numCtxSent,
      droppedMessages: all.length - kept.length, stream, raw: body, headers: call.headers,
    };
    requests.push(req);
    const model = find(body.model);
    if (!model) return sendJson(res, 404, { error: notFound(body.model) });
    if (Array.isArray(body.tools) && body.tools.length > 0 && !(model.capabilities ?? ['completion', 'tools']).includes('tools')) {
      return sendJson(res, 400, { error: `registry.ollama.ai/library/${model.name} does not support tools` });
    }
    // `think:true` on a model without the capability is a 400 (server/routes.go lines 2610-2630 at fb30760).
    const capabilities = model.capabilities ?? ['completion', 'tools'];
    if (body.think === true && !capabilities.includes('thinking')) return sendJson(res, 400, { error: `"${body.model}" does not support thinking` });
    // Loading: a new num_ctx reloads the runner; one that does not fit in memory fails the load with a 500.
    const numCtx = numCtxSent ?? defaultNumCtx;
    let loadNs = 20_000_000;
    if (!model.cloud && loaded.get(model.name) !== numCtx) {
      if (model.maxLoadableNumCtx !== undefined && numCtx > model.maxLoadableNumCtx) {
        const need = (numCtx / model.maxLoadableNumCtx) * 20;
        return sendJson(res, 500, { error: `model requires more system memory (${need.toFixed(1)} GiB) than is available (20.0 GiB)` });
      }
      loads.push({ model: model.name, numCtx });
      loaded.set(model.name, numCtx);
      loadNs = 4_000_000_000;
    }
    const reply: FakeReply = await responder(req);
    if (isHangReply(reply)) return; // never answer
    if (isStatusReply(reply)) {
      const headers: Record<string, string> = reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {};
      const text = reply.message ?? (reply.status === 404 ? notFound(body.model) : DEFAULT_ERROR_TEXT[reply.status] ?? `error ${reply.status}`);
      return sendJson(res, reply.status, { error: text }, headers);
    }
    const base = { model: body.model, created_at: new Date().toISOString() };
    if (isStallReply(reply)) {
      if (!stream) return; // a non-streaming call waits for the whole answer: it hangs
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(JSON.stringify({ ...base, message: { role: 'assistant', content: reply.stallAfter }, done: false }) + '\n');
      return; // never ends
    }
    if (isMidStreamErrorReply(reply)) {
      if (!stream) return sendJson(res, 500, { error: reply.midStreamError });
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(JSON.stringify({ ...base, message: { role: 'assistant', content: '{"' }, done: false }) + '\n');
      await tick();
      res.end(JSON.stringify({ error: reply.midStreamError }) + '\n');
      return;
    }
    if (isRefusalReply(reply)) throw new Error('refusal is an Anthropic-only reply');
    if (isCorruptLineReply(reply)) {
      // A line cut mid-object, as a proxy or a broken connection can deliver it; ollama-js's parser warns and skips
      // it (node_modules/ollama/src/utils.ts, parseJSON), issue 7 measured a spec losing 64 characters that way.
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const pieces = chunksOf(JSON.stringify(reply.corruptLineIn), 24);
      for (const [i, piece] of pieces.entries()) {
        const line = JSON.stringify({ ...base, message: { role: 'assistant', content: piece }, done: false });
        res.write((i === 1 ? line.slice(0, Math.floor(line.length / 2)) : line) + '\n');
        await tick();
      }
      res.end(JSON.stringify({ ...base, done_reason: 'stop', done: true, message: { role: 'assistant', content: '' } }) + '\n');
      return;
    }
    const full = isJsonReply(reply) ? JSON.stringify(reply.json) : reply.text;
    const numPredict = isRecord(body.options) && typeof body.options.num_predict === 'number' ? body.options.num_predict : undefined;
    const visible = reply.outputTokens ?? countO200kTokens(full);
    // A thinking model thinks unless `think:false`; the trace comes in `message.thinking` before the content and
    // counts in `eval_count` and against `num_predict` (docs/capabilities/thinking.mdx at fb30760).
    const thinks = capabilities.includes('thinking') && body.think !== false;
    const wantThinking = thinks ? (reply.thinkingTokens ?? visible) : 0;
    const thinkingTokens = numPredict === undefined ? wantThinking : Math.min(wantThinking, numPredict);
    const capped = capOutput(full, visible, numPredict === undefined ? undefined : numPredict - thinkingTokens);
    const allThinking = numPredict !== undefined && thinkingTokens >= numPredict && wantThinking > 0;
    const content = allThinking ? '' : capped.text;
    const truncated = allThinking || capped.truncated;
    const evalCount = thinkingTokens + (allThinking ? 0 : capped.tokens);
    const promptCount = reply.inputTokens ?? kept.reduce((n, m) => n + countO200kTokens(m.content), 0);
    usageLog.push({ model: body.model, inputTokens: promptCount, outputTokens: evalCount, cacheWriteTokens: 0, cacheReadTokens: 0 });
    const final = {
      ...base, done_reason: truncated ? 'length' : 'stop', done: true, ...omitZero({
        total_duration: 1_500_000_000 + loadNs, load_duration: loadNs, prompt_eval_count: promptCount,
        prompt_eval_duration: promptCount * 200_000, eval_count: evalCount, eval_duration: evalCount * 20_000_000,
      }),
    };
    const thinking = thinkingTokens > 0 ? { thinking: ' thinking'.repeat(Math.min(thinkingTokens, 200)) } : {};
    if (!stream) return sendJson(res, 200, { ...base, message: { role: 'assistant', content, ...thinking }, ...final });
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const piece of thinkingTokens > 0 ? chunksOf(' thinking'.repeat(Math.min(thinkingTokens, 200)), 24) : []) {
      res.write(JSON.stringify({ ...base, message: { role: 'assistant', content: '', thinking: piece }, done: false }) + '\n');
      await tick();
    }
    for (const piece of content === '' ? [] : chunksOf(content, 24)) {
      res.write(JSON.stringify({ ...base, message: { role: 'assistant', content: piece }, done: false }) + '\n');
      if (!(await streamPause(res, paceOf(reply)))) return;
    }
    res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: '' } }) + '\n');
  }

  function show(call: IncomingCall, res: http.ServerResponse): void {
    const body = parseObject(call.body);
    const name = body?.model ?? body?.name; // `name` is the older field ollama-js no longer sends
    const model = find(name);
    if (!model) return sendJson(res, 404, { error: notFound(String(name)) });
    const arch = model.architecture ?? /^[a-z]+/i.exec(model.name)?.[0] ?? 'llama';
    sendJson(res, 200, {
      license: '', modelfile: `FROM ${model.name}\n`, parameters: '', template: '{{ .Prompt }}',
      details: details(arch),
      model_info: { 'general.architecture': arch, 'general.parameter_count': 7_615_616_512, [`${arch}.context_length`]: model.contextLength },
      capabilities: model.capabilities ?? ['completion', 'tools'],
      modified_at: '2026-10-01T12:00:00Z',
      ...(model.cloud ? { remote_host: 'https://ollama.com:443', remote_model: model.name.replace(/[:-]cloud$/, '') } : {}),
    });
  }

  const http_ = await startFakeHttp(async (call, res) => {
    const route = `${call.method} ${call.path}`;
    if (route === 'GET /' || route === 'HEAD /') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('Ollama is running');
    if (route === 'GET /api/version') return sendJson(res, 200, { version: FAKE_OLLAMA_VERSION });
    if (route === 'GET /api/tags') {
      return sendJson(res, 200, {
        models: models.map((m) => ({
          name: m.name, model: m.name, modified_at: '2026-10-01T12:00:00Z', size: 4_683_087_332,
          digest: 'sha256:' + '0'.repeat(64), details: details(m.architecture ?? 'llama'),
        })),
      });
    }
    if (route === 'POST /api/show') return show(call, res);
    if (route === 'POST /api/chat') return chat(call, res);
    sendJson(res, 404, { error: `404 page not found` });
  }, options.port ?? 0);
  return {
    url: http_.url, requests, usageLog, httpLog: http_.httpLog, loads,
    respond: (fn) => void (responder = fn),
    close: () => http_.close(),
  };
}

function toMessage(m: Record<string, unknown>): FakeMessage {
  return { role: String(m.role ?? ''), content: typeof m.content === 'string' ? m.content : '' };
}

/** Ollama keeps system messages and the newest messages that fit `numCtx`, dropping the oldest silently. */
function fitContext(messages: FakeMessage[], numCtx: number): FakeMessage[] {
  const tokens = (m: FakeMessage) => countO200kTokens(m.content);
  let budget = numCtx - messages.filter((m) => m.role === 'system').reduce((n, m) => n + tokens(m), 0);
  const keep = new Set<FakeMessage>(messages.filter((m) => m.role === 'system'));
  const others = messages.filter((m) => m.role !== 'system');
  for (let i = others.length - 1; i >= 0; i--) {
    const t = tokens(others[i]);
    if (t > budget && i !== others.length - 1) break; // the newest message is always kept
    budget -= t;
    keep.add(others[i]);
  }
  return messages.filter((m) => keep.has(m));
}

function details(family: string) {
  return { parent_model: '', format: 'gguf', family, families: [family], parameter_size: '7.6B', quantization_level: 'Q4_K_M' };
}

/** Ollama's JSON omits zero-valued counts and durations (`omitempty`). */
function omitZero(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));
}
