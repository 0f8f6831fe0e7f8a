/**
 * The scripting API both fake model servers share (fakeOllamaServer, fakeAnthropicServer). A test gives a
 * {@link Responder}; each model call (Ollama `POST /api/chat`, Anthropic `POST /v1/messages`) becomes a
 * {@link FakeRequest}, and the responder's {@link FakeReply} is rendered the way the real API would send it.
 */

/** One conversation message as the model saw it: text content only (content blocks joined by `\n`). */
export interface FakeMessage {
  role: string;
  content: string;
}

/** A model call as the fake received it. */
export interface FakeRequest {
  provider: 'ollama' | 'anthropic' | 'openai';
  model: string;
  /** System prompt text: Ollama `system` messages joined by `\n`; Anthropic `system` (string or text blocks joined). */
  system: string;
  /**
   * Non-system messages the model saw. For Ollama, after the silent drop of the oldest messages past
   * `num_ctx` (see `droppedMessages`); the full list is in `raw`.
   */
  messages: FakeMessage[];
  /** Anthropic: the forced tool's name. Ollama: `<Name>` from a line `Deliverable: <Name>` in the system prompt. */
  schemaName?: string;
  /** Ollama `format` (`"json"` or a JSON schema); Anthropic: the forced tool's `input_schema`. */
  format?: unknown;
  /** Ollama `options.num_ctx` as sent (undefined when the client did not send it). */
  numCtx?: number;
  /** Ollama only: how many of the oldest non-system messages were dropped to fit the context. */
  droppedMessages?: number;
  /** Whether the client asked for a stream. */
  stream: boolean;
  /** The parsed JSON body. */
  raw: unknown;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
}

/**
 * What the fake answers.
 * - `json`: the structured answer. Ollama: `message.content` is its JSON text. Anthropic: the forced tool's
 *   `input` (streamed as `input_json_delta`), or a text block of its JSON text when no tool is given.
 * - `text`: raw model text (e.g. garbage). Ollama: `message.content`. Anthropic, streaming with a tool: the tool
 *   input's `partial_json` as is (so an invalid-JSON tool input can be produced); otherwise a text block.
 * - token overrides replace the fake's own counts (prompt: see each fake; output: o200k count of the reply text).
 * - `status`: an HTTP error in the API's own error shape (`retryAfterSeconds` → `retry-after` header).
 * - `hang`: never sends a byte (the client's own timeout/abort must end the call).
 * - `midStreamError`: a 200 whose stream breaks with an error (Ollama `{"error"}` line, Anthropic `event: error`);
 *   a non-streaming request gets HTTP 500 with that message.
 * - `stallAfter`: a 200 stream that sends this partial content, then goes silent without ending (a stalled
 *   model); a non-streaming request hangs like `hang`.
 * - `thinkingTokens`: thinking the model does before its answer (Anthropic: thinking blocks, counted in
 *   `output_tokens` and against `max_tokens`, reported in `output_tokens_details.thinking_tokens`; Ollama thinking
 *   models: `message.thinking`, counted in `eval_count`). Default: the fake's own figure for thinking models.
 * - `errorCode`: Anthropic `error.details.error_code` (e.g. `enforced_spend_limit_reached` on a 429).
 * - `refusal`: Anthropic only: HTTP 200, `stop_reason: "refusal"` with `stop_details.category`, no answer.
 * - `paceMs`: a streamed answer sends one piece (24 characters) every `paceMs` ms, as a model generating at that
 *   speed: real servers write each piece as it is generated (Ollama: "a stream of JSON objects",
 *   https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion; Anthropic: server-sent
 *   events, https://docs.anthropic.com/en/api/messages-streaming; OpenAI: "data-only server-sent events",
 *   https://platform.openai.com/docs/api-reference/chat-streaming). Default: as fast as the event loop turns.
 * - `corruptLineIn`: this JSON answer streamed with one line broken (not JSON): Ollama, its second NDJSON content
 *   line, then a normal end — ollama-js skips such a line with a warning, so the answer arrives shorter; Anthropic,
 *   a `data:` line cut in half.
 */
export type FakeReply =
  | { json: unknown; inputTokens?: number; outputTokens?: number; thinkingTokens?: number; paceMs?: number }
  | { text: string; inputTokens?: number; outputTokens?: number; thinkingTokens?: number; paceMs?: number }
  | { status: number; errorType?: string; message?: string; retryAfterSeconds?: number; errorCode?: string }
  | { hang: true }
  | { midStreamError: string; errorType?: string }
  | { stallAfter: string }
  | { refusal: 'cyber' | 'bio' | 'frontier_llm' | 'reasoning_extraction' | 'general_harms' | null }
  | { corruptLineIn: unknown };

/** Decides the reply to one model call; may be async. */
export type Responder = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

/** Usage exactly as a fake reported it for one completed call (tokens); cache fields are 0 for Ollama. */
export interface FakeUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  /** Thinking inside outputTokens, when the fake reported it (Anthropic `output_tokens_details.thinking_tokens`). */
  thinkingTokens?: number;
}

/** One HTTP request of any kind the fake received (model calls, `/api/show`, `count_tokens`…). */
export interface FakeHttpHit {
  method: string;
  path: string;
  /** The HTTP status answered, once the response finished (a hung call has none). */
  status?: number;
}

/** A running fake model server. */
export interface FakeModelServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash, no `/v1`). */
  readonly url: string;
  /** Model calls received, in order (including ones answered with an error). */
  readonly requests: FakeRequest[];
  /** Usage of each call answered successfully, in order (a mid-stream error or hang records none). */
  readonly usageLog: FakeUsage[];
  /** Every HTTP request received, in order. */
  readonly httpLog: FakeHttpHit[];
  /** Replaces the responder for the calls that follow. */
  respond(fn: Responder): void;
  /** Stops listening and destroys open connections (hung calls included). */
  close(): Promise<void>;
}

/** The reply's `paceMs`, when it has one. */
export const paceOf = (r: FakeReply): number | undefined => ('paceMs' in r ? r.paceMs : undefined);

/** Type guards over {@link FakeReply}. */
export const isJsonReply = (r: FakeReply): r is Extract<FakeReply, { json: unknown }> => 'json' in r;
export const isTextReply = (r: FakeReply): r is Extract<FakeReply, { text: string }> => 'text' in r;
export const isStatusReply = (r: FakeReply): r is Extract<FakeReply, { status: number }> => 'status' in r;
export const isHangReply = (r: FakeReply): r is { hang: true } => 'hang' in r;
export const isMidStreamErrorReply = (r: FakeReply): r is { midStreamError: string; errorType?: string } => 'midStreamError' in r;
export const isStallReply = (r: FakeReply): r is { stallAfter: string } => 'stallAfter' in r;
export const isRefusalReply = (r: FakeReply): r is Extract<FakeReply, { refusal: unknown }> => 'refusal' in r;
export const isCorruptLineReply = (r: FakeReply): r is { corruptLineIn: unknown } => 'corruptLineIn' in r;

/**
 * A responder that answers the n-th call with the n-th reply, repeating the last one afterwards.
 * e.g. `inSequence({ status: 429, retryAfterSeconds: 1 }, { json: { ok: true } })`.
 */
export function inSequence(...replies: FakeReply[]): Responder {
  if (replies.length === 0) throw new Error('inSequence needs at least one reply');
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)];
}

/** The default responder of both fakes: an empty JSON object (`{}`). */
export const defaultResponder: Responder = () => ({ json: {} });

/**
 * The reply text a model with an output limit would produce: when `tokens` exceeds `limit`, the text is cut
 * proportionally and `truncated` is set (Ollama `done_reason: "length"`, Anthropic `stop_reason: "max_tokens"`).
 */
export function capOutput(text: string, tokens: number, limit: unknown): { text: string; tokens: number; truncated: boolean } {
  if (typeof limit !== 'number' || limit < 0 || tokens <= limit) return { text, tokens, truncated: false };
  return { text: text.slice(0, Math.floor((text.length * limit) / tokens)), tokens: limit, truncated: true };
}

/** Reads `Deliverable: <Name>` from a system prompt (the Ollama stand-in for Anthropic's tool name). */
export function deliverableNameIn(system: string): string | undefined {
  return /^\s*Deliverable:\s*(\S+)\s*$/m.exec(system)?.[1];
}
