import type * as http from 'node:http';
import { countO200kTokens } from '../../src/core/models/estimateTokens';
import { promptBlocksOf, PromptCache } from './fakePromptCache';
import { chunksOf, isRecord, parseObject, sendJson, startFakeHttp, tick, type IncomingCall } from './fakeHttp';
import {
  capOutput, defaultResponder, isHangReply, isJsonReply, isMidStreamErrorReply, isStallReply, isStatusReply,
  type FakeModelServer, type FakeReply, type FakeRequest, type FakeUsage, type Responder,
} from './fakeScript';

export interface FakeAnthropicOptions {
  /** Minimum cacheable prefix per model id, tokens; overrides {@link defaultCacheMinimum}. */
  cacheMinimums?: Record<string, number>;
  respond?: Responder;
  /** When given, only these model ids exist (others: 404 not_found_error). Default: every model id exists. */
  models?: string[];
  /** When given, any other key is a 401. Default: any non-empty key is accepted. */
  apiKey?: string;
}

/**
 * Minimum cacheable prompt per model (Anthropic prompt-caching docs, stored copy 2026-10): 512 tokens on the
 * 5.5 models, 1,024 on Sonnet 4.5, 4,096 on Opus 4.5 and Haiku 4.5; 1,024 for anything else.
 */
export function defaultCacheMinimum(model: string): number {
  if (/-5-5\b/.test(model)) return 512;
  if (/(opus|haiku)-4-5/.test(model)) return 4096;
  return 1024;
}

/** `error.type` Anthropic uses for each status (API errors page). */
const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'your API key does not have permission to use the specified resource'],
  404: ['not_found_error', 'not found'],
  413: ['request_too_large', 'request exceeds the maximum allowed number of bytes'],
  429: ['rate_limit_error', 'rate limit exceeded'],
  500: ['api_error', 'internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

/** Sampling parameters API version 2026-10-21 no longer accepts (SDK 1.x). */
const REMOVED_PARAMS = ['temperature', 'top_p', 'top_k'];

/**
 * Starts a fake Anthropic Messages API on 127.0.0.1 (ephemeral port): `POST /v1/messages` (JSON or SSE stream)
 * and `POST /v1/messages/count_tokens`. Token counts are exact o200k_base counts (gpt-tokenizer) of the prompt's
 * blocks (each tool's JSON, system text blocks, message text blocks), so `count_tokens` equals
 * input + cache write + cache read of the same prompt. Prompt caching follows {@link PromptCache}.
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeModelServer> {
  let responder = options.respond ?? defaultResponder;
  const requests: FakeRequest[] = [];
  const usageLog: FakeUsage[] = [];
  const cache = new PromptCache((model) => options.cacheMinimums?.[model] ?? defaultCacheMinimum(model));
  let serial = 0;
  const nextId = (prefix: string) => `${prefix}_fake${String(++serial).padStart(8, '0')}`;

  function sendError(res: http.ServerResponse, status: number, type?: string, message?: string, headers: Record<string, string> = {}): void {
    const [defType, defMessage] = ERROR_TYPES[status] ?? (status >= 500 ? ERROR_TYPES[500] : ERROR_TYPES[400]);
    const requestId = nextId('req');
    sendJson(res, status, { type: 'error', error: { type: type ?? defType, message: message ?? defMessage }, request_id: requestId }, { 'request-id': requestId, ...headers });
  }

  /** Auth, version header and body shape, in the order the API checks them; undefined once an error was sent. */
  function admit(call: IncomingCall, res: http.ServerResponse): Record<string, unknown> | undefined {
    const key = call.headers['x-api-key'] ?? /^Bearer\s+(.+)$/i.exec(call.headers.authorization ?? '')?.[1];
    if (!key) return void sendError(res, 401, undefined, 'x-api-key header or Authorization: Bearer is required');
    if (options.apiKey !== undefined && key !== options.apiKey) return void sendError(res, 401);
    if (!call.headers['anthropic-version']) return void sendError(res, 400, undefined, 'anthropic-version: header is required');
    const body = parseObject(call.body);
    if (!body) return void sendError(res, 400, undefined, 'request body is not valid JSON');
    if (typeof body.model !== 'string') return void sendError(res, 400, undefined, 'model: Field required');
    if (!Array.isArray(body.messages)) return void sendError(res, 400, undefined, 'messages: Field required');
    if (options.models && !options.models.includes(body.model)) return void sendError(res, 404, undefined, `model: ${body.model}`);
    return body;
  }

  async function messages(call: IncomingCall, res: http.ServerResponse): Promise<void> {
    const body = admit(call, res);
    if (!body) return;
    const model = String(body.model);
    const removed = REMOVED_PARAMS.find((p) => p in body);
    if (removed) return sendError(res, 400, undefined, `${removed}: Extra inputs are not permitted`);
    if (typeof body.max_tokens !== 'number') return sendError(res, 400, undefined, 'max_tokens: Field required');
    const blocks = promptBlocksOf(body);
    const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
    const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
    const tool = choice?.type === 'tool' ? tools.find((t) => t.name === choice.name) : choice?.type === 'any' ? tools[0] : undefined;
    if (choice?.type === 'tool' && !tool) return sendError(res, 400, undefined, `tool_choice: tool '${String(choice.name)}' not found in tools`);
    const stream = body.stream === true;
    const req: FakeRequest = {
      provider: 'anthropic', model,
      system: blocks.filter((b) => b.kind === 'system').map((b) => b.text).join('\n'),
      messages: Array.isArray(body.messages)
        ? body.messages.filter(isRecord).map((m) => ({ role: String(m.role), content: blocks.filter((b) => b.message === m).map((b) => b.text).join('\n') }))
        : [],
      schemaName: typeof tool?.name === 'string' ? tool.name : undefined, format: tool?.input_schema,
      stream, raw: body, headers: call.headers,
    };
    requests.push(req);
    const reply: FakeReply = await responder(req);
    if (isHangReply(reply)) return;
    if (isStatusReply(reply)) {
      const headers: Record<string, string> = reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {};
      return sendError(res, reply.status, reply.errorType, reply.message, headers);
    }
    if (isMidStreamErrorReply(reply) && !stream) return sendError(res, 500, 'api_error', reply.midStreamError);
    if (isStallReply(reply) && !stream) return; // a non-streaming call waits for the whole answer: it hangs

    const overrideIn = isMidStreamErrorReply(reply) || isStallReply(reply) ? undefined : reply.inputTokens;
    const cached = cache.use(model, blocks);
    const usage = {
      input_tokens: overrideIn ?? cached.uncached,
      cache_creation_input_tokens: overrideIn === undefined ? cached.write : 0,
      cache_read_input_tokens: overrideIn === undefined ? cached.read : 0,
    };
    const start = { id: nextId('msg'), type: 'message', role: 'assistant', model, stop_sequence: null };
    const requestId = nextId('req');
    if (isMidStreamErrorReply(reply) || isStallReply(reply)) {
      // A stream that starts like any other, then breaks with an error event or goes silent for good.
      const sse = openSse(res, requestId);
      sse('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      if (isStallReply(reply)) return void sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: reply.stallAfter } });
      await tick();
      sse('error', { type: 'error', error: { type: 'api_error', message: reply.midStreamError } });
      return void res.end();
    }
    const asTool = tool !== undefined && (isJsonReply(reply) || stream);
    const full = isJsonReply(reply) ? JSON.stringify(reply.json) : reply.text;
    const { text, tokens: outputTokens, truncated } = capOutput(full, reply.outputTokens ?? Math.max(1, countO200kTokens(full)), body.max_tokens);
    const stopReason = truncated ? 'max_tokens' : asTool ? 'tool_use' : 'end_turn';
    usageLog.push({ model, inputTokens: usage.input_tokens, outputTokens, cacheWriteTokens: usage.cache_creation_input_tokens, cacheReadTokens: usage.cache_read_input_tokens });
    const toolBlock = { type: 'tool_use', id: nextId('toolu'), name: tool?.name };
    if (!stream) {
      // A cut-off tool input cannot be parsed: the API then returns what it could, here `{}`.
      const content = asTool ? [{ ...toolBlock, input: isJsonReply(reply) && !truncated ? reply.json : {} }] : [{ type: 'text', text }];
      return sendJson(res, 200, { ...start, content, stop_reason: stopReason, usage: { ...usage, output_tokens: outputTokens, service_tier: 'standard' } }, { 'request-id': requestId });
    }
    const sse = openSse(res, requestId);
    sse('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
    sse('ping', { type: 'ping' });
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: asTool ? { ...toolBlock, input: {} } : { type: 'text', text: '' } });
    const deltas = asTool ? ['', ...chunksOf(text, 24)] : chunksOf(text, 24);
    for (const [i, piece] of deltas.entries()) {
      const delta = asTool ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece };
      sse('content_block_delta', { type: 'content_block_delta', index: 0, delta });
      if (i === 1) sse('ping', { type: 'ping' });
      await tick();
    }
    sse('content_block_stop', { type: 'content_block_stop', index: 0 });
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { ...usage, output_tokens: outputTokens } });
    sse('message_stop', { type: 'message_stop' });
    res.end();
  }

  function countTokens(call: IncomingCall, res: http.ServerResponse): void {
    const body = admit(call, res);
    if (body) sendJson(res, 200, { input_tokens: promptBlocksOf(body).reduce((n, b) => n + b.tokens, 0) });
  }

  const http_ = await startFakeHttp(async (call, res) => {
    const route = `${call.method} ${call.path}`;
    if (route === 'POST /v1/messages') return messages(call, res);
    if (route === 'POST /v1/messages/count_tokens') return countTokens(call, res);
    sendError(res, 404, undefined, `${call.method} ${call.path} not found`);
  });
  return {
    url: http_.url, requests, usageLog, httpLog: http_.httpLog,
    respond: (fn) => void (responder = fn),
    close: () => http_.close(),
  };
}

/** Starts an SSE response; returns a writer of one `event:`/`data:` pair. */
function openSse(res: http.ServerResponse, requestId: string): (event: string, data: unknown) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId });
  return (event, data) => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
