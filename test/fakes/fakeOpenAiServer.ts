import type * as http from 'node:http';
import { countO200kTokens } from '../../src/core/models/estimateTokens';
import { chunksOf, isRecord, parseObject, sendJson, startFakeHttp, streamPause, tick, type IncomingCall } from './fakeHttp';
import { fillStrictNulls, RESPONSE_FORMAT_NAME, strictViolation } from './fakeOpenAiStrictRules';
import {
  capOutput, defaultResponder, isCorruptLineReply, isHangReply, isJsonReply, isMidStreamErrorReply, isRefusalReply, isStallReply, isStatusReply, paceOf,
  type FakeMessage, type FakeModelServer, type FakeReply, type FakeRequest, type FakeUsage,
} from './fakeScript';

/** A model the fake serves, with what its real counterpart accepts. */
export interface FakeOpenAiModel {
  id: string;
  /** Context window, tokens: prompt + requested output above it is a 400 `context_length_exceeded`. */
  contextLength: number;
  /** Accepts `json_schema` with `strict: true` (and then checks the strict subset). Default true. */
  strict?: boolean;
  /** A reasoning model: refuses `max_tokens` (wants `max_completion_tokens`). Default false. */
  reasoning?: boolean;
}

/** A scripted reply, plus the usage details a real server reports: cached prompt tokens, reasoning tokens. */
export type FakeOpenAiReply = FakeReply & { cachedTokens?: number; reasoningTokens?: number };

export interface FakeOpenAiOptions {
  models?: FakeOpenAiModel[];
  respond?: (req: FakeRequest) => FakeOpenAiReply | Promise<FakeOpenAiReply>;
  /** When given, any other bearer key is a 401 `invalid_api_key`. Default: any key is accepted (as local servers do). */
  apiKey?: string;
  /** Port on 127.0.0.1; default 0 (ephemeral). */
  port?: number;
}

/** A running fake with OpenAI's responder type. */
export interface FakeOpenAiServer extends Omit<FakeModelServer, 'respond'> {
  /** Base URL with `/v1`, as the `openai` client's `baseURL` wants it. */
  readonly baseUrl: string;
  respond(fn: (req: FakeRequest) => FakeOpenAiReply | Promise<FakeOpenAiReply>): void;
}

const DEFAULT_MODELS: FakeOpenAiModel[] = [
  { id: 'gpt-5-mini', contextLength: 400_000, strict: true, reasoning: true },
  { id: 'qwen2.5-coder-7b-instruct', contextLength: 32_768, strict: false },
];

/**
 * The API's error bodies: `{"error":{"message","type","param","code"}}` (https://platform.openai.com/docs/guides/error-codes).
 * Texts as the API sends them: 404 "The model `x` does not exist or you do not have access to it." code
 * `model_not_found` (https://github.com/Aider-AI/aider/issues/2030); 429 `rate_limit_exceeded` type `requests`;
 * 401 `invalid_api_key`; 500 `server_error`.
 */
function apiError(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}
const SCRIPTED: Record<number, [message: string, type: string, code: string | null]> = {
  400: ['Invalid request.', 'invalid_request_error', null],
  401: ['Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
  429: ['Rate limit reached for requests. Please try again in 1s.', 'requests', 'rate_limit_exceeded'],
  500: ['The server had an error while processing your request. Sorry about that!', 'server_error', null],
  503: ['The engine is currently overloaded, please try again later.', 'server_error', null],
};

/**
 * Starts a fake OpenAI Chat Completions API on 127.0.0.1: `GET /v1/models`, `POST /v1/chat/completions` (JSON or
 * SSE). It refuses what OpenAI refuses: an unknown model (404), a strict schema outside the strict subset (400, see
 * fakeOpenAiStrictRules.ts), `max_tokens` on a reasoning model (400 `unsupported_parameter`: "Unsupported parameter:
 * 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."), `stream_options` without
 * `stream` (400), a prompt plus output over the context (400 `context_length_exceeded`). Usage: `prompt_tokens` =
 * o200k count of the messages (cached tokens inside it, in `prompt_tokens_details.cached_tokens`),
 * `completion_tokens` = the reply's count plus scripted reasoning tokens
 * (https://platform.openai.com/docs/api-reference/chat/object). A stream carries usage only in a last chunk with
 * `choices: []`, and only when `stream_options.include_usage` is true
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options); it ends with
 * `data: [DONE]`. A mid-stream error is a `data: {"error":…}` event, which the client throws as an APIError.
 */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const models = options.models ?? DEFAULT_MODELS;
  let responder: NonNullable<FakeOpenAiOptions['respond']> = options.respond ?? defaultResponder;
  const requests: FakeRequest[] = [];
  const usageLog: FakeUsage[] = [];
  let serial = 0;

  async function completions(call: IncomingCall, res: http.ServerResponse): Promise<void> {
    const body = parseObject(call.body);
    if (!body) return sendJson(res, 400, apiError('We could not parse the JSON body of your request.', 'invalid_request_error', null));
    const model = models.find((m) => m.id === body.model);
    const messages: FakeMessage[] = Array.isArray(body.messages) ? body.messages.filter(isRecord).map((m) => ({ role: String(m.role), content: typeof m.content === 'string' ? m.content : '' })) : [];
    const format = isRecord(body.response_format) ? body.response_format : undefined;
    const jsonSchema = format && isRecord(format.json_schema) ? format.json_schema : undefined;
    const stream = body.stream === true;
    const req: FakeRequest = {
      provider: 'openai', model: String(body.model), system: messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content).join('\n'),
      messages: messages.filter((m) => m.role !== 'system' && m.role !== 'developer'), schemaName: typeof jsonSchema?.name === 'string' ? jsonSchema.name : undefined,
      format: jsonSchema?.schema, stream, raw: body, headers: call.headers,
    };
    requests.push(req);
    if (!model) return sendJson(res, 404, apiError(`The model \`${String(body.model)}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'));
    if (body.stream_options !== undefined && body.stream_options !== null && !stream) {
      return sendJson(res, 400, apiError("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'invalid_request_error', null, 'stream_options'));
    }
    if (!model.reasoning && body.reasoning_effort !== undefined && body.reasoning_effort !== null) {
      return sendJson(res, 400, apiError("Unsupported parameter: 'reasoning_effort' is not supported with this model.", 'invalid_request_error', 'unsupported_parameter', 'reasoning_effort'));
    }
    if (model.reasoning && body.max_tokens !== undefined) {
      return sendJson(res, 400, apiError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'invalid_request_error', 'unsupported_parameter', 'max_tokens'));
    }
    const strict = jsonSchema?.strict === true;
    if (jsonSchema) {
      const name = String(jsonSchema.name ?? '');
      if (!RESPONSE_FORMAT_NAME.test(name)) return sendJson(res, 400, apiError(`Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, 'invalid_request_error', 'invalid_value', 'response_format.json_schema.name'));
      if (strict && (model.strict ?? true)) {
        const why = strictViolation(name, jsonSchema.schema);
        if (why) return sendJson(res, 400, apiError(why, 'invalid_request_error', null, 'response_format'));
      }
    }
    const limit = typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
    const promptTokens = messages.reduce((n, m) => n + countO200kTokens(m.content), 0);
    if (promptTokens + (limit ?? 0) > model.contextLength) {
      // https://github.com/mckaywrigley/chatbot-ui/issues/102 (the API's wording and code)
      return sendJson(res, 400, apiError(`This model's maximum context length is ${model.contextLength} tokens. However, you requested ${promptTokens + (limit ?? 0)} tokens (${promptTokens} in the messages, ${limit ?? 0} in the completion). Please reduce the length of the messages or completion.`, 'invalid_request_error', 'context_length_exceeded', 'messages'));
    }

    const reply = await responder(req);
    const { cachedTokens, reasoningTokens } = reply; // read before the type guards narrow `reply`
    if (isHangReply(reply)) return;
    if (isStatusReply(reply)) {
      const [m, type, code] = SCRIPTED[reply.status] ?? SCRIPTED[reply.status >= 500 ? 500 : 400];
      const headers: Record<string, string> = reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {};
      return sendJson(res, reply.status, apiError(reply.message ?? m, reply.errorType ?? type, code), headers);
    }
    const id = `chatcmpl-fake${String(++serial).padStart(6, '0')}`;
    const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: model.id, system_fingerprint: 'fp_fake' };
    const sse = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    if (isStallReply(reply)) {
      if (!stream) return;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: reply.stallAfter }, finish_reason: null }] });
      return;
    }
    if (isMidStreamErrorReply(reply)) {
      if (!stream) return sendJson(res, 500, apiError(reply.midStreamError, 'server_error', null));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '{"' }, finish_reason: null }] });
      await tick();
      sse({ error: { message: reply.midStreamError, type: 'server_error', param: null, code: null } });
      return void res.end();
    }
    if (isCorruptLineReply(reply)) throw new Error('corruptLineIn is a reply of the Ollama fake');
    if (isRefusalReply(reply)) {
      // A declined structured answer is `refusal` text and no content; OpenAI gives no category
      // (https://platform.openai.com/docs/guides/structured-outputs#refusals).
      const words = "I'm sorry, but I can't assist with that request.";
      const usage = { prompt_tokens: promptTokens, completion_tokens: countO200kTokens(words), total_tokens: promptTokens + countO200kTokens(words) };
      if (!stream) return sendJson(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: words }, finish_reason: 'stop', logprobs: null }], usage });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, refusal: '' }, finish_reason: null }] });
      for (const piece of chunksOf(words, 24)) sse({ ...base, choices: [{ index: 0, delta: { refusal: piece }, finish_reason: null }] });
      sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      if (isRecord(body.stream_options) && body.stream_options.include_usage === true) sse({ ...base, choices: [], usage });
      return void res.end('data: [DONE]\n\n');
    }
    const answer = isJsonReply(reply) ? JSON.stringify(strict && isRecord(jsonSchema?.schema) ? fillStrictNulls(reply.json, jsonSchema.schema) : reply.json) : reply.text;
    const reasoning = reasoningTokens ?? 0;
    const { text, tokens, truncated } = capOutput(answer, reply.outputTokens ?? countO200kTokens(answer), limit === undefined ? undefined : limit - reasoning);
    const prompt = reply.inputTokens ?? promptTokens;
    const cached = Math.min(cachedTokens ?? 0, prompt);
    usageLog.push({ model: model.id, inputTokens: prompt - cached, outputTokens: tokens + reasoning, cacheWriteTokens: 0, cacheReadTokens: cached });
    const usage = {
      prompt_tokens: prompt, completion_tokens: tokens + reasoning, total_tokens: prompt + tokens + reasoning,
      prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const finish = truncated ? 'length' : 'stop';
    if (!stream) {
      return sendJson(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: finish, logprobs: null }], usage });
    }
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null }], ...(includeUsage ? { usage: null } : {}) });
    for (const piece of chunksOf(text, 24)) {
      sse({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }], ...(includeUsage ? { usage: null } : {}) });
      if (!(await streamPause(res, paceOf(reply)))) return;
    }
    sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) });
    if (includeUsage) sse({ ...base, choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  const server = await startFakeHttp(async (call, res) => {
    if (options.apiKey !== undefined && call.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, apiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    }
    const route = `${call.method} ${call.path}`;
    if (route === 'GET /v1/models') return sendJson(res, 200, { object: 'list', data: models.map((m) => ({ id: m.id, object: 'model', created: 1_760_000_000, owned_by: 'fake' })) });
    if (route === 'POST /v1/chat/completions') return completions(call, res);
    sendJson(res, 404, apiError(`Invalid URL (${call.method} ${call.path})`, 'invalid_request_error', null));
  }, options.port ?? 0);
  return {
    url: server.url, baseUrl: `${server.url}/v1`, requests, usageLog, httpLog: server.httpLog,
    respond: (fn) => void (responder = fn),
    close: () => server.close(),
  };
}
