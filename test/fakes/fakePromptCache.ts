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
  /** o200k_base token count of `text`. */
  tokens: number;
  /** Carries `cache_control` (or is the last block under a top-level `cache_control`). */
  breakpoint: boolean;
  /** The message object a `message` block belongs to. */
  message?: Record<string, unknown>;
}

/** Splits a Messages request body into its prompt blocks (prefix order, as the API caches them). */
export function promptBlocksOf(body: Record<string, unknown>): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  const add = (kind: PromptBlock['kind'], text: string, marked: unknown, message?: Record<string, unknown>) =>
    blocks.push({ kind, text, tokens: countO200kTokens(text), breakpoint: isRecord(marked), message });
  for (const t of Array.isArray(body.tools) ? body.tools.filter(isRecord) : []) {
    add('tool', JSON.stringify({ name: t.name, description: t.description, input_schema: t.input_schema }), t.cache_control);
  }
  const output = isRecord(body.output_config) ? body.output_config : undefined;
  if (isRecord(output?.format)) add('format', JSON.stringify(output.format), undefined);
  if (typeof body.system === 'string') add('system', body.system, undefined);
  else if (Array.isArray(body.system)) for (const b of body.system.filter(isRecord)) add('system', String(b.text ?? ''), b.cache_control);
  for (const m of Array.isArray(body.messages) ? body.messages.filter(isRecord) : []) {
    if (typeof m.content === 'string') add('message', m.content, undefined, m);
    else if (Array.isArray(m.content)) {
      for (const b of m.content.filter(isRecord)) {
        const { cache_control: marked, ...rest } = b;
        add('message', b.type === 'text' ? String(b.text ?? '') : JSON.stringify(rest), marked, m);
      }
    }
  }
  // A top-level `cache_control` marks the last cacheable block (automatic caching).
  if (isRecord(body.cache_control) && blocks.length) blocks[blocks.length - 1].breakpoint = true;
  return blocks;
}

/** How a prompt's tokens split between uncached input, cache write and cache read. */
export interface CacheSplit {
  uncached: number;
  write: number;
  read: number;
}

/**
 * Prompt caching as the Anthropic docs describe it: the prefix up to a `cache_control` breakpoint is cached when
 * it has at least the model's minimum tokens. A call reads the longest breakpoint prefix already cached and
 * writes the rest up to its last breakpoint; a prefix below the minimum is neither read nor written. Entries
 * live for the fake's lifetime (the real 5-minute TTL is longer than any test).
 */
export class PromptCache {
  private readonly entries = new Set<string>();
  constructor(private readonly minimumFor: (model: string) => number) {}

  /** Splits `blocks`' tokens for one call of `model` and records the cache entries the call writes. */
  use(model: string, blocks: PromptBlock[]): CacheSplit {
    const total = blocks.reduce((n, b) => n + b.tokens, 0);
    const min = this.minimumFor(model);
    const hash = createHash('sha256').update(model);
    const eligible: { key: string; tokens: number }[] = [];
    let tokens = 0;
    for (const b of blocks) {
      hash.update(`\u0000${b.kind}\u0000${b.text}`);
      tokens += b.tokens;
      if (b.breakpoint && tokens >= min) eligible.push({ key: hash.copy().digest('hex'), tokens });
    }
    const read = Math.max(0, ...eligible.filter((e) => this.entries.has(e.key)).map((e) => e.tokens));
    const last = eligible[eligible.length - 1];
    const write = last && !this.entries.has(last.key) ? last.tokens - read : 0;
    for (const e of eligible) this.entries.add(e.key);
    return { uncached: total - read - write, write, read };
  }
}
