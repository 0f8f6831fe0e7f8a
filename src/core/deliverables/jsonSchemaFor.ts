import { z } from 'zod';

/** A JSON Schema object, as sent to Ollama (`format`) and Anthropic (a tool's `input_schema`). */
export type JsonSchemaObject = Record<string, unknown>;

/**
 * The JSON Schema of a deliverable schema, for a model to answer with, via zod 4's `z.toJSONSchema`:
 * - `io: 'input'`: the model's answer is what zod parses, so fields with a default (e.g. `FileEdits.needFiles`)
 *   are optional for the model and filled in by the parse;
 * - draft 2020-12 (zod's default, and the draft Anthropic's tool `input_schema` follows), with `$schema` left
 *   out: neither API needs it;
 * - `reused: 'inline'` and `cycles: 'throw'`: no `$ref`/`$defs`, which Ollama's grammar conversion handles
 *   less reliably than plain nested objects;
 * - `unrepresentable: 'throw'`: a schema that cannot be said in JSON Schema (a transform, a date) is a bug here;
 * - no `description`s: the zod `.describe()` texts document the fields for readers of the code, while what the
 *   model reads about each field is the prompt's "Write it as follows" (prompts/, the only wording an Ollama model
 *   sees: its `format` is a sampling grammar). Sent in the schema too, every Anthropic call read them twice —
 *   about 90 tokens per spec or plan call on the bench's feature ticket.
 * @throws Error from zod when the schema has an unrepresentable part
 */
export function jsonSchemaFor(schema: z.ZodType): JsonSchemaObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    reused: 'inline',
    cycles: 'throw',
    unrepresentable: 'throw',
    override: (ctx) => {
      delete ctx.jsonSchema.description;
    },
  });
  return rest;
}
