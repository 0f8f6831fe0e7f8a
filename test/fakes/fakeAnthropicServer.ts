import type * as http from 'node:http';
import { cacheControlProblem, promptBlocksOf, PromptCache, scaledTokens } from './fakePromptCache';
import { chunksOf, isRecord, parseObject, sendJson, startFakeHttp, streamPause, tick, type IncomingCall } from './fakeHttp';
import { fakeClaudeModel, refusalOf } from './fakeClaudeModels';
import {
  capOutput, defaultResponder, deliverableNameIn, isCorruptLineReply, isHangReply, isJsonReply, isMidStreamErrorReply, isRefusalReply, paceOf,
  isStallReply, isStatusReply, isTextReply, type FakeModelServer, type FakeReply, type FakeRequest, type FakeUsage, type Responder,
} from './fakeScript';

export interface FakeAnthropicOptions {
  /** Minimum cacheable prefix per model id, tokens; overrides the model table's (`FAKE_CLAUDE_MODELS`). */
  cacheMinimums?: Record<string, number>;
  respond?: Responder;
  /** When given, only these model ids exist (others: 404 not_found_error). Default: every model id exists. */
  models?: string[];
  /** When given, any other key is a 401. Default: any non-empty key is accepted. */
  apiKey?: string;
  /** Port on 127.0.0.1; default 0 (an ephemeral port). */
  port?: number;
  /** The clock of the prompt cache, ms (default `Date.now`): a test moves it to let a 5-minute entry expire. */
  now?: () => number;
  /**
   * Tokens per o200k_base token for every model, overriding the model table's `tokenRatio` (1.3 on the newer Claude
   * tokenizer). The bench sets 1 so its figures stay comparable with those measured before the fake scaled counts.
   */
  tokenRatio?: number;
}

/** Minimum cacheable prompt of a model id, tokens (from the fake's model table, `FAKE_CLAUDE_MODELS`; sources there). */
export function defaultCacheMinimum(model: string): number {
  return fakeClaudeModel(model).cacheMinimum;
}

/** `error.type` Anthropic uses for each status (https://platform.claude.com/docs/en/api/errors). */
const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'There is an issue with your billing or payment information.'],
  403: ['permission_error', 'your API key does not have permission to use the specified resource'],
  404: ['not_found_error', 'not found'],
  409: ['conflict_error', 'conflict'],
  413: ['request_too_large', 'request exceeds the maximum allowed number of bytes'],
  429: ['rate_limit_error', 'rate limit exceeded'],
  500: ['api_error', 'internal server error'],
  504: ['timeout_error', 'request timed out'],
  529: ['overloaded_error', 'Overloaded'],
};

/** Sampling parameters API version 2026-10-21 no longer accepts (https://platform.claude.com/docs/en/api/migration-2026-10-21). */
const REMOVED_PARAMS = ['temperature', 'top_p', 'top_k'];

/**
 * Thinking tokens per visible output token a thinking model spends when the script names none, by effort — the
 * fake's own stand-in figure (the API documents only that more effort thinks more,
 * https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide#thinking-runs-by-default).
 */
const FAKE_THINKING_RATIO: Record<string, number> = { low: 0.25, medium: 1, high: 2, xhigh: 3, max: 4 };

/**
 * Starts a fake Anthropic Messages API on 127.0.0.1 (ephemeral port): `POST /v1/messages` (JSON or SSE stream)
 * and `POST /v1/messages/count_tokens`. Each model id has the capabilities of `FAKE_CLAUDE_MODELS`: what the
 * real API refuses for it (forced tools, thinking settings, effort, schemas outside the structured-output subset,
 * `max_tokens` above the model's limit) is a 400 with the real error shape ({@link refusalOf}). A thinking model
 * streams a thinking block (display `omitted`: empty text plus a signature) before its answer, and its thinking
 * counts in `output_tokens`, against `max_tokens` and in `output_tokens_details.thinking_tokens`.
 * Token counts are o200k_base counts (gpt-tokenizer) of the prompt's blocks (each tool's JSON, the
 * structured-output schema, system text blocks, message text blocks) and of the answer, scaled by the model's
 * tokenizer (`tokenRatio`: ×1.3 on Opus 4.7 and later, the 5.x models; model-apis-2026-11.md row 15), so
 * `count_tokens` equals input + cache write + cache read of the same prompt, and a local o200k estimate without a
 * margin for Claude's tokenizer runs low here as it does on the real API. Prompt caching follows {@link PromptCache}.
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeModelServer> {
  let responder = options.respond ?? defaultResponder;
  const requests: FakeRequest[] = [];
  const usageLog: FakeUsage[] = [];
  const cache = new PromptCache((model) => options.cacheMinimums?.[model] ?? defaultCacheMinimum(model), options.now);
  let serial = 0;
  const nextId = (prefix: string) => `${prefix}_fake${String(++serial).padStart(8, '0')}`;

  function sendError(res: http.ServerResponse, status: number, type?: string, message?: string, headers: Record<string, string> = {}, errorCode?: string): void {
    const [defType, defMessage] = ERROR_TYPES[status] ?? (status >= 500 ? ERROR_TYPES[500] : ERROR_TYPES[400]);
    const requestId = nextId('req');
    // `error.details.error_code` names the cause, e.g. `enforced_spend_limit_reached` on a spend-cap 429 (https://platform.claude.com/docs/en/api/errors).
    const details = errorCode ? { details: { error_code: errorCode } } : {};
    sendJson(res, status, { type: 'error', error: { type: type ?? defType, message: message ?? defMessage, ...details }, request_id: requestId }, { 'request-id': requestId, ...headers });
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
    const refused = refusalOf(body);
    if (refused) return void sendError(res, 400, 'invalid_request_error', refused);
    return body;
  }

  async function messages(call: IncomingCall, res: http.ServerResponse): Promise<void> {
    const body = admit(call, res);
    if (!body) return;
    const model = String(body.model);
    const caps = fakeClaudeModel(model);
    const removed = REMOVED_PARAMS.find((p) => p in body);
    if (removed) return sendError(res, 400, undefined, `${removed}: Extra inputs are not permitted`);
    if (typeof body.max_tokens !== 'number') return sendError(res, 400, undefined, 'max_tokens: Field required');
    if (body.max_tokens > caps.maxOutput) {
      return sendError(res, 400, undefined, `max_tokens: ${body.max_tokens} > ${caps.maxOutput}, which is the maximum allowed number of output tokens for ${model}`);
    }
    const ratio = options.tokenRatio ?? caps.tokenRatio;
    const blocks = promptBlocksOf(body, ratio);
    const ttlProblem = cacheControlProblem(blocks);
    if (ttlProblem) return sendError(res, 400, 'invalid_request_error', ttlProblem);
    const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
    const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
    const tool = choice?.type === 'tool' ? tools.find((t) => t.name === choice.name) : choice?.type === 'any' ? tools[0] : undefined;
    if (choice?.type === 'tool' && !tool) return sendError(res, 400, undefined, `tool_choice: tool '${String(choice.name)}' not found in tools`);
    const output = isRecord(body.output_config) ? body.output_config : {};
    const format = isRecord(output.format) ? output.format : undefined;
    const effort = typeof output.effort === 'string' ? output.effort : caps.defaultEffort;
    const thinkingType = isRecord(body.thinking) ? body.thinking.type : undefined;
    // A forced tool skips thinking (Haiku 5.5 migration guide); `between_tools` gives none without tools (Sonnet 5.5 migration guide).
    const thinks = caps.thinking !== 'off' && !tool && thinkingType !== 'disabled' && !(thinkingType === 'between_tools' && tools.length === 0);
    const stream = body.stream === true;
    const system = blocks.filter((b) => b.kind === 'system').map((b) => b.text).join('\n');
    const req: FakeRequest = {
      provider: 'anthropic', model, system,
      messages: Array.isArray(body.messages)
        ? body.messages.filter(isRecord).map((m) => ({ role: String(m.role), content: blocks.filter((b) => b.message === m).map((b) => b.text).join('\n') }))
        : [],
      schemaName: typeof tool?.name === 'string' ? tool.name : deliverableNameIn(system), format: tool?.input_schema ?? format?.schema,
      stream, raw: body, headers: call.headers,
    };
    requests.push(req);
    const reply: FakeReply = await responder(req);
    if (isHangReply(reply)) return;
    if (isStatusReply(reply)) {
      const headers: Record<string, string> = reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {};
      return sendError(res, reply.status, reply.errorType, reply.message, headers, reply.errorCode);
    }
    if (isCorruptLineReply(reply)) {
      // One `data:` line cut in half mid-stream (a proxy or a broken connection); the SDK's SSE reader throws on it.
      const sse = openSse(res, nextId('req'));
      sse('message_start', { type: 'message_start', message: { id: nextId('msg'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } });
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      const line = JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: JSON.stringify(reply.corruptLineIn) } });
      res.write(`event: content_block_delta\ndata: ${line.slice(0, Math.floor(line.length / 2))}\n\n`);
      await tick();
      return void res.end();
    }
    if (isMidStreamErrorReply(reply) && !stream) return sendError(res, 500, reply.errorType ?? 'api_error', reply.midStreamError);
    if (isStallReply(reply) && !stream) return; // a non-streaming call waits for the whole answer: it hangs

    const scripted = isJsonReply(reply) || isTextReply(reply) ? reply : undefined;
    const overrideIn = scripted?.inputTokens;
    const cached = cache.use(model, blocks);
    const usage = {
      input_tokens: overrideIn ?? cached.uncached,
      cache_creation_input_tokens: overrideIn === undefined ? cached.write : 0,
      cache_read_input_tokens: overrideIn === undefined ? cached.read : 0,
    };
    // Writes by lifetime: in `message_start`'s and a whole message's usage (SDK `Usage.cache_creation`), not in
    // `message_delta`'s (SDK `MessageDeltaUsage` has no such field).
    const cacheCreation = { cache_creation: { ephemeral_5m_input_tokens: overrideIn === undefined ? cached.write5m : 0, ephemeral_1h_input_tokens: overrideIn === undefined ? cached.write1h : 0 } };
    const start = { id: nextId('msg'), type: 'message', role: 'assistant', model, stop_sequence: null };
    const requestId = nextId('req');
    if (isMidStreamErrorReply(reply) || isStallReply(reply)) {
      // A stream that starts like any other, then breaks with an error event (often `overloaded_error`,
      // https://platform.claude.com/docs/en/api/errors) or goes silent for good.
      const sse = openSse(res, requestId);
      sse('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...usage, ...cacheCreation, output_tokens: 1 } } });
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      if (isStallReply(reply)) return void sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: reply.stallAfter } });
      await tick();
      sse('error', { type: 'error', error: { type: reply.errorType ?? 'api_error', message: reply.midStreamError } });
      return void res.end();
    }
    if (isRefusalReply(reply)) {
      // HTTP 200, no content, `stop_reason: "refusal"` with `stop_details` (https://platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5#refusals-fallback-and-billing).
      const stopDetails = { type: 'refusal', category: reply.refusal, explanation: reply.refusal ? `The request was declined (${reply.refusal}).` : null };
      usageLog.push({ model, inputTokens: usage.input_tokens, outputTokens: 0, cacheWriteTokens: usage.cache_creation_input_tokens, cacheReadTokens: usage.cache_read_input_tokens });
      const final = { ...usage, output_tokens: 0, output_tokens_details: null };
      if (!stream) return sendJson(res, 200, { ...start, content: [], stop_reason: 'refusal', stop_details: stopDetails, usage: { ...final, ...cacheCreation } }, { 'request-id': requestId });
      const sse = openSse(res, requestId);
      sse('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...usage, ...cacheCreation, output_tokens: 0 } } });
      sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'refusal', stop_sequence: null, stop_details: stopDetails }, usage: final });
      sse('message_stop', { type: 'message_stop' });
      return void res.end();
    }
    const asTool = tool !== undefined && (isJsonReply(reply) || stream);
    const full = isJsonReply(reply) ? JSON.stringify(reply.json) : reply.text;
    const visible = reply.outputTokens ?? Math.max(1, scaledTokens(full, ratio));
    const wantThinking = thinks ? (reply.thinkingTokens ?? Math.ceil(visible * (FAKE_THINKING_RATIO[effort ?? 'high'] ?? 2))) : 0;
    // `max_tokens` caps thinking and answer together: thinking can use it all and leave no text
    // (https://platform.claude.com/docs/en/build-with-claude/structured-outputs, "Invalid outputs").
    const thinkingTokens = Math.min(wantThinking, body.max_tokens);
    const capped = capOutput(full, visible, body.max_tokens - thinkingTokens);
    const { text, truncated } = thinkingTokens >= body.max_tokens && wantThinking > 0 ? { text: '', truncated: true } : capped;
    const outputTokens = thinkingTokens + (text === '' && truncated ? 0 : capped.tokens);
    const stopReason = truncated ? 'max_tokens' : asTool ? 'tool_use' : 'end_turn';
    usageLog.push({ model, inputTokens: usage.input_tokens, outputTokens, cacheWriteTokens: usage.cache_creation_input_tokens, cacheReadTokens: usage.cache_read_input_tokens, ...(thinkingTokens > 0 ? { thinkingTokens } : {}) });
    const details = thinkingTokens > 0 ? { thinking_tokens: thinkingTokens } : null;
    const toolBlock = { type: 'tool_use', id: nextId('toolu'), name: tool?.name };
    const signature = `sig_${requestId}`;
    if (!stream) {
      // A cut-off tool input cannot be parsed: the API then returns what it could, here `{}`.
      const answer = asTool ? [{ ...toolBlock, input: isJsonReply(reply) && !truncated ? reply.json : {} }] : text === '' && truncated ? [] : [{ type: 'text', text }];
      const content = thinkingTokens > 0 ? [{ type: 'thinking', thinking: '', signature }, ...answer] : answer;
      return sendJson(res, 200, { ...start, content, stop_reason: stopReason, usage: { ...usage, ...cacheCreation, output_tokens: outputTokens, output_tokens_details: details, service_tier: 'standard' } }, { 'request-id': requestId });
    }
    const sse = openSse(res, requestId);
    sse('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...usage, ...cacheCreation, output_tokens: 1 } } });
    sse('ping', { type: 'ping' });
    let index = 0;
    if (thinkingTokens > 0) {
      // Display `omitted` (the default): an empty thinking block with a signature (model-apis-2026-11.md notes §A).
      sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature } });
      sse('content_block_stop', { type: 'content_block_stop', index });
      index += 1;
      await tick();
    }
    if (!(text === '' && truncated && thinkingTokens > 0)) {
      sse('content_block_start', { type: 'content_block_start', index, content_block: asTool ? { ...toolBlock, input: {} } : { type: 'text', text: '' } });
      const deltas = asTool ? ['', ...chunksOf(text, 24)] : chunksOf(text, 24);
      for (const [i, piece] of deltas.entries()) {
        const delta = asTool ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece };
        sse('content_block_delta', { type: 'content_block_delta', index, delta });
        if (i === 1) sse('ping', { type: 'ping' });
        if (!(await streamPause(res, paceOf(reply)))) return;
      }
      sse('content_block_stop', { type: 'content_block_stop', index });
    }
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null, stop_details: null }, usage: { ...usage, output_tokens: outputTokens, output_tokens_details: details } });
    sse('message_stop', { type: 'message_stop' });
    res.end();
  }

  function countTokens(call: IncomingCall, res: http.ServerResponse): void {
    const body = admit(call, res);
    if (!body) return;
    // The same request schema as /v1/messages: a breakpoint the API would refuse is refused here too.
    const blocks = promptBlocksOf(body, options.tokenRatio ?? fakeClaudeModel(String(body.model)).tokenRatio);
    const ttlProblem = cacheControlProblem(blocks);
    if (ttlProblem) return sendError(res, 400, 'invalid_request_error', ttlProblem);
    sendJson(res, 200, { input_tokens: blocks.reduce((n, b) => n + b.tokens, 0) });
  }

  const http_ = await startFakeHttp(async (call, res) => {
    const route = `${call.method} ${call.path}`;
    if (route === 'POST /v1/messages') return messages(call, res);
    if (route === 'POST /v1/messages/count_tokens') return countTokens(call, res);
    sendError(res, 404, undefined, `${call.method} ${call.path} not found`);
  }, options.port ?? 0);
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
