import { isRecord } from './fakeHttp';

/**
 * What one Claude model id accepts, as the fake Anthropic API enforces it. Kept apart from Shipwright's own
 * capability table on purpose: the fake must refuse what the real API refuses even when the product's table is
 * wrong. Sources per field are on {@link FAKE_CLAUDE_MODELS}.
 */
export interface FakeClaudeModel {
  /** `tool_choice` `tool`/`any` accepted. */
  forcedTool: boolean;
  /** `always`: thinking cannot be turned off; `default`: on unless disabled (where allowed); `off`: never thinks. */
  thinking: 'always' | 'default' | 'off';
  /** `thinking: {type:'disabled'}` accepted (Haiku 5.5: only at effort high or below). */
  canDisable: boolean | 'effortHighOrBelow';
  /** Takes `output_config.effort`, and its default. */
  defaultEffort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  /** Minimum cacheable prefix, tokens. */
  cacheMinimum: number;
  /** Largest `max_tokens`, tokens. */
  maxOutput: number;
  /**
   * Tokens this model's tokenizer gives per o200k_base token (the fake's stand-in for the earlier Claude tokenizer):
   * 1.3 for the models on the newer tokenizer, 1 for the earlier ones. Prompt, cache and output counts are scaled by it.
   */
  tokenRatio: number;
}

/**
 * Sources:
 * - forced tools: 400 `tool_choice: type "tool" and "any" are not supported for this model.` on Opus 5.5, Sonnet 5.5,
 *   Fable 5.1, Mythos 5.1 — https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5#forced-tool-use-is-not-supported ,
 *   https://platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5#forced-tool-use-is-not-supported ,
 *   https://platform.claude.com/docs/en/models/fable-5-1/whats-new-fable-5-1 ; Haiku 5.5 accepts them and skips
 *   thinking — https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide#configure-thinking
 * - thinking: Opus 5.5 always (disabled and enabled+budget_tokens are 400s), Sonnet 5.5 by default (disabled is a
 *   400; `between_tools` gives no thinking without tools), Haiku 5.5 adaptive by default, disabled allowed at effort
 *   ≤ high — https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5 ,
 *   https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide#thinking-runs-by-default ,
 *   https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide#configure-thinking
 * - default efforts and 128K max output: https://platform.claude.com/docs/en/models/haiku-5-5/overview ("How it compares")
 * - cache minimums (512 on the 5.5 models, Opus 5, Fable/Mythos 5 and 5.1; 1,024 Sonnet 5, Opus 4.8, Sonnet 4.6/4.5;
 *   2,048 Opus 4.7; 4,096 Opus 4.6/4.5, Haiku 4.5) — https://platform.claude.com/docs/en/build-with-claude/prompt-caching#cache-limitations
 * - tokenizer: "Claude Opus 4.7 and later Opus models, Claude Fable 5, Claude Mythos 5, Claude Mythos Preview, and
 *   Claude Sonnet 5 use a newer tokenizer. The same input text produces approximately 30 percent more tokens than on
 *   earlier models" — https://platform.claude.com/docs/en/build-with-claude/token-counting ; the 5.5 family and 5.1
 *   models too — https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide#recount-tokens
 *   (model-apis-2026-11.md row 15). The exact increase depends on the text; the fake uses 1.3 throughout.
 */
export const FAKE_CLAUDE_MODELS: Record<string, FakeClaudeModel> = {
  'claude-opus-5-5': { forcedTool: false, thinking: 'always', canDisable: false, defaultEffort: 'medium', cacheMinimum: 512, maxOutput: 128_000, tokenRatio: 1.3 },
  'claude-sonnet-5-5': { forcedTool: false, thinking: 'default', canDisable: false, defaultEffort: 'high', cacheMinimum: 512, maxOutput: 128_000, tokenRatio: 1.3 },
  'claude-haiku-5-5': { forcedTool: true, thinking: 'default', canDisable: 'effortHighOrBelow', defaultEffort: 'medium', cacheMinimum: 512, maxOutput: 128_000, tokenRatio: 1.3 },
  'claude-fable-5-1': { forcedTool: false, thinking: 'always', canDisable: false, defaultEffort: 'high', cacheMinimum: 512, maxOutput: 128_000, tokenRatio: 1.3 },
  'claude-mythos-5-1': { forcedTool: false, thinking: 'always', canDisable: false, defaultEffort: 'high', cacheMinimum: 512, maxOutput: 128_000, tokenRatio: 1.3 },
  'claude-opus-5': { forcedTool: true, thinking: 'default', canDisable: true, cacheMinimum: 512, maxOutput: 64_000, tokenRatio: 1.3 },
  'claude-sonnet-5': { forcedTool: true, thinking: 'default', canDisable: true, cacheMinimum: 1024, maxOutput: 64_000, tokenRatio: 1.3 },
  'claude-opus-4-7': { forcedTool: true, thinking: 'off', canDisable: true, cacheMinimum: 2048, maxOutput: 64_000, tokenRatio: 1.3 },
  'claude-opus-4-6': { forcedTool: true, thinking: 'off', canDisable: true, cacheMinimum: 4096, maxOutput: 64_000, tokenRatio: 1 },
  'claude-opus-4-5': { forcedTool: true, thinking: 'off', canDisable: true, cacheMinimum: 4096, maxOutput: 64_000, tokenRatio: 1 },
  'claude-haiku-4-5': { forcedTool: true, thinking: 'off', canDisable: true, cacheMinimum: 4096, maxOutput: 64_000, tokenRatio: 1 },
  'claude-sonnet-4-5': { forcedTool: true, thinking: 'off', canDisable: true, cacheMinimum: 1024, maxOutput: 64_000, tokenRatio: 1 },
};

/** A model id the table does not list: an older model that accepts everything, with a 1,024-token cache minimum. */
export const UNKNOWN_CLAUDE_MODEL: FakeClaudeModel = { forcedTool: true, thinking: 'off', canDisable: true, cacheMinimum: 1024, maxOutput: 64_000, tokenRatio: 1 };

export const fakeClaudeModel = (id: string): FakeClaudeModel => FAKE_CLAUDE_MODELS[id] ?? UNKNOWN_CLAUDE_MODEL;

const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'];

/**
 * The 400 message the real API gives for a request this model refuses, or undefined when it is accepted:
 * forced tools, thinking settings, effort values, `output_config.format` schemas outside the strict subset.
 * Used by both `/v1/messages` and `/v1/messages/count_tokens` (the same checks run there — model-apis-2026-11.md row 1).
 */
export function refusalOf(body: Record<string, unknown>): string | undefined {
  const model = fakeClaudeModel(String(body.model));
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  if (choice && (choice.type === 'tool' || choice.type === 'any') && !model.forcedTool) {
    // Exact text: https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5#forced-tool-use-is-not-supported
    return 'tool_choice: type "tool" and "any" are not supported for this model.';
  }
  const output = isRecord(body.output_config) ? body.output_config : undefined;
  const effort = output?.effort;
  if (effort !== undefined && effort !== null) {
    if (typeof effort !== 'string' || !EFFORTS.includes(effort)) return `output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'`;
    if (!model.defaultEffort) return 'output_config.effort: effort is not supported for this model.';
  }
  const thinking = isRecord(body.thinking) ? body.thinking : undefined;
  if (thinking?.type === 'disabled') {
    const level = typeof effort === 'string' ? effort : model.defaultEffort;
    const allowed = model.canDisable === true || (model.canDisable === 'effortHighOrBelow' && ['low', 'medium', 'high'].includes(level ?? 'medium'));
    // https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5 ; …/haiku-5-5/migration-guide#configure-thinking
    if (!allowed) return `thinking.type: "disabled" is not supported for this model${model.canDisable === 'effortHighOrBelow' ? ' at effort above high' : ''}.`;
  }
  if (thinking?.type === 'enabled' && model.thinking === 'always') {
    return 'thinking.type: "enabled" is not supported for this model; use "adaptive" with output_config.effort.';
  }
  const format = isRecord(output?.format) ? output.format : undefined;
  if (format) {
    if (format.type !== 'json_schema' || !isRecord(format.schema)) return `output_config.format: Input should be a valid json_schema format`;
    if (choice && (choice.type === 'tool' || choice.type === 'any')) return 'output_config.format cannot be combined with a forced tool_choice.';
    return schemaRefusal(format.schema, 'output_config.format.schema');
  }
  return undefined;
}

/** Keywords outside the structured-outputs subset, by the type they belong to. */
const UNSUPPORTED: Record<string, string[]> = {
  string: ['minLength', 'maxLength'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  array: ['maxItems', 'uniqueItems', 'contains'],
  object: ['minProperties', 'maxProperties', 'patternProperties', 'propertyNames'],
};

/**
 * The strict JSON-schema subset of structured outputs (https://platform.claude.com/docs/en/build-with-claude/structured-outputs,
 * "JSON Schema limitations"): `additionalProperties: false` on every object, no numeric/length bounds, `minItems`
 * only 0 or 1, no `oneOf` (use `anyOf`), at most 24 optional properties and 16 union-typed ones per request.
 * Message shapes follow reported 400s: `output_config.format.schema: For 'integer' type, property 'minimum' is not
 * supported` (https://github.com/agentjido/req_llm/issues/302), `For 'array' type, 'minItems' values other than 0 or 1
 * are not supported` (https://github.com/ghostlobster/memorize-everything/issues/93); a missing
 * `additionalProperties: false` is a 400 too (https://github.com/veryfront/veryfront-code/issues/3918).
 */
export function schemaRefusal(root: Record<string, unknown>, where: string): string | undefined {
  let optional = 0;
  let unions = 0;
  const walk = (s: unknown): string | undefined => {
    if (!isRecord(s)) return undefined;
    if ('oneOf' in s) return `${where}: 'oneOf' is not supported; use 'anyOf'`;
    const type = typeof s.type === 'string' ? s.type : undefined;
    for (const kw of (type && UNSUPPORTED[type]) ?? []) if (kw in s) return `${where}: For '${type}' type, property '${kw}' is not supported`;
    if (type === 'array' && typeof s.minItems === 'number' && s.minItems > 1) return `${where}: For 'array' type, 'minItems' values other than 0 or 1 are not supported`;
    if (type === 'object') {
      if (s.additionalProperties !== false) return `${where}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
      const props = isRecord(s.properties) ? s.properties : {};
      const required = Array.isArray(s.required) ? s.required : [];
      optional += Object.keys(props).filter((k) => !required.includes(k)).length;
      for (const p of Object.values(props)) {
        if (isRecord(p) && (Array.isArray(p.anyOf) || Array.isArray(p.type))) unions += 1;
        const bad = walk(p);
        if (bad) return bad;
      }
    }
    for (const child of [s.items, ...(Array.isArray(s.anyOf) ? s.anyOf : []), ...(Array.isArray(s.allOf) ? s.allOf : []), ...Object.values(isRecord(s.$defs) ? s.$defs : {})]) {
      const bad = walk(child);
      if (bad) return bad;
    }
    return undefined;
  };
  const bad = walk(root);
  if (bad) return bad;
  // "Schema complexity limits": 24 optional parameters, 16 union-typed parameters per request.
  if (optional > 24 || unions > 16) return 'Schema is too complex for compilation';
  return undefined;
}
