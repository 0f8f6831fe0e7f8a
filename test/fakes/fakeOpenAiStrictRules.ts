/**
 * What OpenAI's strict Structured Outputs refuses in a `response_format.json_schema.schema`, with the API's own
 * 400 messages. Each rule cites where its behaviour is documented or reported.
 */

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Keywords strict mode rejects. Supported are `pattern`/`format` on strings, numeric bounds, `minItems`/`maxItems`;
 * string lengths, `oneOf`, `allOf`, `not`, conditionals and `patternProperties` are not
 * (https://platform.openai.com/docs/guides/structured-outputs#supported-properties and #some-type-specific-keywords-are-not-yet-supported;
 * the installed SDK's `lib/transform.ts` refuses the same list before sending).
 */
const UNSUPPORTED = ['minLength', 'maxLength', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', 'patternProperties', 'uniqueItems', 'propertyNames'];

/** The `name` rule of `json_schema` (API reference: "a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64"). */
export const RESPONSE_FORMAT_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The first strict-mode violation in `schema`, as the API words it, or undefined when it is acceptable.
 * Message shapes: "Invalid schema for response_format 'X': In context=('properties', 'a'), 'additionalProperties'
 * is required to be supplied and to be false." (reported in https://github.com/dottxt-ai/outlines/issues/844 ,
 * https://github.com/moeru-ai/xsai/issues/202) and "... 'required' is required to be supplied and to be an array
 * including every key in properties. Missing 'roles'." (https://github.com/vercel/ai/issues/6484).
 */
export function strictViolation(name: string, schema: unknown): string | undefined {
  const prefix = `Invalid schema for response_format '${name}':`;
  if (!isSchema(schema) || schema.type !== 'object') return `${prefix} schema must be a JSON Schema of 'type: "object"', got 'type: "${isSchema(schema) ? String(schema.type) : typeof schema}"'.`;
  const found = walk(schema, []);
  return found ? `${prefix} ${found}` : undefined;
}

function walk(node: Schema, path: string[]): string | undefined {
  const context = `In context=(${path.map((p) => `'${p}'`).join(', ')}${path.length === 1 ? ',' : ''})`;
  for (const k of UNSUPPORTED) if (k in node) return `${context}, '${k}' is not permitted.`;
  if (isSchema(node.properties)) {
    if (node.additionalProperties !== false) return `${context}, 'additionalProperties' is required to be supplied and to be false.`;
    const required = Array.isArray(node.required) ? node.required : [];
    const missing = Object.keys(node.properties).find((k) => !required.includes(k));
    if (missing !== undefined) return `${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    for (const [k, v] of Object.entries(node.properties)) {
      const r = isSchema(v) ? walk(v, [...path, 'properties', k]) : undefined;
      if (r) return r;
    }
  } else if (node.type === 'object' && node.additionalProperties !== false) {
    return `${context}, 'additionalProperties' is required to be supplied and to be false.`;
  }
  if (isSchema(node.items)) {
    const r = walk(node.items, [...path, 'items']);
    if (r) return r;
  }
  if (Array.isArray(node.anyOf)) {
    for (const [i, b] of node.anyOf.entries()) {
      const r = isSchema(b) ? walk(b, [...path, 'anyOf', String(i)]) : undefined;
      if (r) return r;
    }
  }
  for (const defs of [node.$defs, node.definitions]) {
    if (!isSchema(defs)) continue;
    for (const [k, v] of Object.entries(defs)) {
      const r = isSchema(v) ? walk(v, [...path, '$defs', k]) : undefined;
      if (r) return r;
    }
  }
  return undefined;
}

/**
 * What a strict model writes for an answer that leaves optional fields out: every property is required in strict
 * mode, so the model writes `null` where the schema allows it (the documented way to express optional:
 * https://platform.openai.com/docs/guides/structured-outputs#all-fields-must-be-required).
 */
export function fillStrictNulls(value: unknown, schema: Schema): unknown {
  if (Array.isArray(value)) return isSchema(schema.items) ? value.map((v) => fillStrictNulls(v, schema.items as Schema)) : value; // checked just before
  if (!isSchema(value)) return value;
  if (!isSchema(schema.properties) && Array.isArray(schema.anyOf)) {
    const branch = schema.anyOf.filter(isSchema).find((b) => isSchema(b.properties) && Object.entries(b.properties).every(([k, p]) => !isSchema(p) || p.const === undefined || p.const === value[k]));
    return branch ? fillStrictNulls(value, branch) : value;
  }
  if (!isSchema(schema.properties)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [k, p] of Object.entries(schema.properties)) {
    if (!isSchema(p)) continue;
    if (!(k in out)) {
      if (allowsNull(p)) out[k] = null;
    } else out[k] = fillStrictNulls(out[k], p.anyOf && Array.isArray(p.anyOf) ? (p.anyOf.find((b) => isSchema(b) && b.type !== 'null') as Schema | undefined) ?? p : p); // anyOf members are schemas here
  }
  return out;
}

function allowsNull(s: Schema): boolean {
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return true;
  return Array.isArray(s.anyOf) && s.anyOf.some((b) => isSchema(b) && allowsNull(b));
}
