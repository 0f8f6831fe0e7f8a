import { createHash } from 'node:crypto';
import { countO200kTokens } from '../../src/core/models/estimateTokens';
import { isRecord } from './fakeHttp';

/**
 * One cacheable block of an Anthropic prompt, in the API's prefix order: tools, the structured-output schema, then
 * system, then messages. The schema counts as prompt and sits in the prefix: changing `output_config.format`
 * invalidates the cache (https://platform.claude.com/docs/en/build-with-claude/structured-outputs, "Feature compatibility").
 */
export interface PromptBlock {
  kind: 'tool' | 'format' | 'system' | 'message';
  /** Text a block stands for (tool: its JSON definition; non-text content: its JSON). */
  text: string;
  /** Tokens of `text` on the model's tokenizer: its o200k_base count × the model's `tokenRatio`, rounded up. */
  tokens: number;
  /** Carries `cache_control` (or is the last block under a top-level `cache_control`). */
  breakpoint: boolean;
  /** The breakpoint's `ttl` as sent (`5m` when absent: the default, SDK `CacheControlEphemeral.ttl`). */
  ttl?: unknown;
  /** The message object a `message` block belongs to. */
  message?: Record<string, unknown>;
  /** Where the block sits in the request as the API's messages name it (`tools.0`, `system.1`, `messages.0.content.4`). */
  path?: string;
}

/**
 * Splits a Messages request body into its prompt blocks (prefix order, as the API caches them). `tokenRatio`: the
 * model's tokens per o200k_base token (`FakeClaudeModel.tokenRatio`; 1.3 on the newer Claude tokenizer).
 */
export function promptBlocksOf(body: Record<string, unknown>, tokenRatio = 1): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  const add = (kind: PromptBlock['kind'], text: string, marked: unknown, message?: Record<string, unknown>, path?: string) =>
    blocks.push({ kind, text, tokens: scaledTokens(text, tokenRatio), breakpoint: isRecord(marked), ttl: isRecord(marked) ? (marked.ttl ?? '5m') : undefined, message, path });
  for (const [i, t] of (Array.isArray(body.tools) ? body.tools : []).entries()) {
    if (isRecord(t)) add('tool', JSON.stringify({ name: t.name, description: t.description, input_schema: t.input_schema }), t.cache_control, undefined, `tools.${i}`);
  }
  const output = isRecord(body.output_config) ? body.output_config : undefined;
  if (isRecord(output?.format)) add('format', JSON.stringify(output.format), undefined);
  if (typeof body.system === 'string') add('system', body.system, undefined);
  else if (Array.isArray(body.system)) {
    for (const [i, b] of body.system.entries()) if (isRecord(b)) add('system', String(b.text ?? ''), b.cache_control, undefined, `system.${i}`);
  }
  for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
    if (!isRecord(m)) continue;
    if (typeof m.content === 'string') add('message', m.content, undefined, m, `messages.${i}`);
    else if (Array.isArray(m.content)) {
      for (const [j, b] of m.content.entries()) {
        if (!isRecord(b)) continue;
        const { cache_control: marked, ...rest } = b;
        add('message', b.type === 'text' ? String(b.text ?? '') : JSON.stringify(rest), marked, m, `messages.${i}.content.${j}`);
      }
    }
  }
  // A top-level `cache_control` marks the last cacheable block (automatic caching).
  if (isRecord(body.cache_control) && blocks.length) Object.assign(blocks[blocks.length - 1], { breakpoint: true, ttl: body.cache_control.ttl ?? '5m' });
  return blocks;
}

/** `text`'s o200k_base count × `ratio`, rounded up (0 for empty text): a Claude tokenizer's count, as the fake has it. */
export function scaledTokens(text: string, ratio: number): number {
  return Math.ceil(countO200kTokens(text) * ratio);
}

/** Cache lifetimes the API accepts, ms: `ttl` is `5m` (the default) or `1h` (SDK 1.11 `CacheControlEphemeral.ttl`). */
export const CACHE_TTL_MS: Readonly<Record<string, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/**
 * Why the API would refuse the request's breakpoints (400 `invalid_request_error`), or undefined:
 * - a `ttl` other than `5m` / `1h` (the API's enum, SDK 1.11 `CacheControlEphemeral.ttl: '5m' | '1h'`);
 * - a 1-hour breakpoint after a 5-minute one: "cache entries with a longer TTL must appear before shorter TTLs"
 *   (https://platform.claude.com/docs/en/build-with-claude/prompt-caching, "Mixing different TTLs"; restated at
 *   https://portkey.ai/docs/integrations/llms/anthropic/prompt-caching). The text is the API's own, path first, as
 *   users quote it from real 400s (https://github.com/cnighswonger/claude-code-cache-fix/issues/44,
 *   https://github.com/kristianvast/hermes-claude-auth/issues/31). The bad-`ttl` message's wording is the fake's own
 *   (no quoted source); its status and type are the API's.
 */
export function cacheControlProblem(blocks: readonly PromptBlock[]): string | undefined {
  const marked = blocks.filter((b) => b.breakpoint);
  const bad = marked.find((b) => typeof b.ttl !== 'string' || !(b.ttl in CACHE_TTL_MS));
  if (bad) return `cache_control.ttl: Input should be '5m' or '1h' (got ${JSON.stringify(bad.ttl)})`;
  const short = marked.findIndex((b) => b.ttl === '5m');
  const late = short >= 0 ? marked.slice(short).find((b) => b.ttl === '1h') : undefined;
  if (late) return `${late.path ?? 'cache_control'}.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: \`tools\`, \`system\`, \`messages\`.`;
  return undefined;
}

/** How a prompt's tokens split between uncached input, cache write (by lifetime) and cache read. */
export interface CacheSplit {
  uncached: number;
  write: number;
  read: number;
  /** `write` by the lifetime of the breakpoint that wrote it (the API's `usage.cache_creation`). */
  write5m: number;
  write1h: number;
}

/**
 * Prompt caching as the Anthropic docs describe it: the prefix up to a `cache_control` breakpoint is cached when
 * it has at least the model's minimum tokens. A call reads the longest breakpoint prefix still cached and writes
 * the rest up to its last breakpoint, each stretch with the lifetime of the breakpoint that ends it; a prefix below
 * the minimum is neither read nor written. An entry lives its `ttl` (5 minutes unless `1h`) from its last write or
 * read ("the cache is refreshed for no additional cost each time the cached content is used", prompt-caching docs);
 * `now` is the fake's clock (ms), so a test can let an entry expire.
 */
export class PromptCache {
  /** Entry key → the time it expires, ms. */
  private readonly entries = new Map<string, number>();
  constructor(
    private readonly minimumFor: (model: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Splits `blocks`' tokens for one call of `model` and records the cache entries the call writes. */
  use(model: string, blocks: PromptBlock[]): CacheSplit {
    const total = blocks.reduce((n, b) => n + b.tokens, 0);
    const min = this.minimumFor(model);
    const at = this.now();
    const hash = createHash('sha256').update(model);
    const eligible: { key: string; tokens: number; ttlMs: number }[] = [];
    let tokens = 0;
    for (const b of blocks) {
      hash.update(`\u0000${b.kind}\u0000${b.text}`);
      tokens += b.tokens;
      if (b.breakpoint && tokens >= min) eligible.push({ key: hash.copy().digest('hex'), tokens, ttlMs: CACHE_TTL_MS[String(b.ttl)] ?? CACHE_TTL_MS['5m'] });
    }
    const live = (key: string): boolean => (this.entries.get(key) ?? -Infinity) > at;
    const read = Math.max(0, ...eligible.filter((e) => live(e.key)).map((e) => e.tokens));
    let write5m = 0;
    let write1h = 0;
    let from = read;
    for (const e of eligible) {
      if (e.tokens <= from) continue;
      if (e.ttlMs === CACHE_TTL_MS['1h']) write1h += e.tokens - from;
      else write5m += e.tokens - from;
      from = e.tokens;
    }
    for (const e of eligible) this.entries.set(e.key, Math.max(this.entries.get(e.key) ?? 0, at + e.ttlMs));
    const write = write5m + write1h;
    return { uncached: total - read - write, write, read, write5m, write1h };
  }
}
