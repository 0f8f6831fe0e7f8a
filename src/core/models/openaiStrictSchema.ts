import { toStrictJsonSchema } from 'openai/lib/transform';
import type { JSONSchema } from 'openai/lib/jsonschema';

/** JSON Schema as a plain JSON object. */
type Schema = Record<string, unknown>;

/**
 * Keywords OpenAI's strict Structured Outputs does not accept. Supported are, besides the structure: `pattern`
 * and `format` on strings, `minimum`/`maximum`/`multipleOf` on numbers, `minItems`/`maxItems` on arrays; string
 * lengths are not (https://platform.openai.com/docs/guides/structured-outputs#supported-properties). They move
 * into the `description`, so the model still reads them; zod stays the real check.
 */
const MOVED_TO_DESCRIPTION = ['minLength', 'maxLength'] as const;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The strict form of a deliverable's JSON schema for `response_format.json_schema` with `strict: true`:
 * every property required (an optional one becomes `anyOf: [its schema, {type:'null'}]`, the API's way to say
 * optional: https://platform.openai.com/docs/guides/structured-outputs#all-fields-must-be-required), `oneOf` as
 * `anyOf`, string lengths moved into the description, then the installed `openai` SDK's own `toStrictJsonSchema`
 * (which sets `additionalProperties: false` on every object and checks the rest).
 * @throws Error from the SDK when the schema cannot be made strict (e.g. a root that is not an object)
 */
export function toOpenAiStrictSchema(schema: Schema): Schema {
  const { $schema: _metadata, ...rest } = structuredClone(schema);
  // The SDK's JSONSchema type is the Draft 7 shape this plain object already is.
  return toStrictJsonSchema(loosen(rest) as JSONSchema) as Schema;
}

function loosen(node: Schema): Schema {
  const out: Schema = { ...node };
  for (const k of MOVED_TO_DESCRIPTION) {
    if (k in out) {
      out.description = [out.description, `${k}: ${String(out[k])}`].filter(Boolean).join('; ');
      delete out[k];
    }
  }
  if (Array.isArray(out.oneOf)) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  for (const key of ['anyOf', 'allOf'] as const) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map((s) => (isSchema(s) ? loosen(s) : s));
  }
  if (isSchema(out.items)) out.items = loosen(out.items);
  for (const key of ['$defs', 'definitions'] as const) {
    const defs = out[key];
    if (isSchema(defs)) out[key] = Object.fromEntries(Object.entries(defs).map(([n, s]) => [n, isSchema(s) ? loosen(s) : s]));
  }
  const props = out.properties;
  if (isSchema(props)) {
    const required = new Set(Array.isArray(out.required) ? out.required.filter((r): r is string => typeof r === 'string') : []);
    out.properties = Object.fromEntries(
      Object.entries(props).map(([name, s]) => {
        if (!isSchema(s)) return [name, s];
        const inner = loosen(s);
        return [name, required.has(name) || allowsNull(inner) ? inner : { anyOf: [inner, { type: 'null' }] }];
      }),
    );
    out.required = Object.keys(props);
  }
  return out;
}

function allowsNull(s: Schema): boolean {
  if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'))) return true;
  return Array.isArray(s.anyOf) && s.anyOf.some((b) => isSchema(b) && allowsNull(b));
}

/**
 * Undoes what strictness added to an answer: a `null` for a property the original schema does not require is
 * dropped (the model had to write every key; `null` was its way to leave one out). Walks `value` along the
 * original `schema`'s properties, items and union branches; anything the schema does not describe is kept.
 */
export function dropStrictNulls(value: unknown, schema: Schema): unknown {
  if (Array.isArray(value)) return isSchema(schema.items) ? value.map((v) => dropStrictNulls(v, schema.items as Schema)) : value; // checked just before
  if (!isSchema(value)) return value;
  const branches = [...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])].filter(isSchema);
  if (!isSchema(schema.properties) && branches.length) {
    // The branch whose `const`/`enum` discriminators match, else the first object branch.
    const pick = branches.find((b) => isSchema(b.properties) && Object.entries(b.properties).every(([k, p]) => !isSchema(p) || p.const === undefined || p.const === value[k])) ?? branches[0];
    return dropStrictNulls(value, pick);
  }
  const props = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null && k in props && !required.has(k)) continue;
    const sub = props[k];
    out[k] = isSchema(sub) ? dropStrictNulls(v, sub) : v;
  }
  return out;
}
