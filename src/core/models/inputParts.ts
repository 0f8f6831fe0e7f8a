import { countO200kTokens } from './estimateTokens';

/**
 * How one call's input splits, in o200k tokens without margin (an estimate: the provider reports only the total).
 * - `fixed`: system prompt, template wording and the deliverable's JSON schema — the same for every call of a role;
 * - `ticket`: the ticket text;
 * - `deliverables`: earlier deliverables or their briefs, the task, the deliverable under validation;
 * - `code`: files, diffs and test output;
 * - `map`: the repository map;
 * - `objections`: earlier attempts' objections.
 */
export interface InputParts {
  fixed: number;
  ticket: number;
  deliverables: number;
  code: number;
  map: number;
  objections: number;
}

export const INPUT_PART_NAMES = ['fixed', 'ticket', 'deliverables', 'code', 'map', 'objections'] as const satisfies readonly (keyof InputParts)[];

/** The part each prompt variable (prompts/*.md `{{name}}`) belongs to; a variable not listed counts as fixed. */
const PART_OF_VAR: Record<string, keyof InputParts> = {
  ticket: 'ticket',
  repoMap: 'map',
  files: 'code', code: 'code', diff: 'code', failingOutput: 'code',
  objections: 'objections', earlierObjections: 'objections',
  functionalSpec: 'deliverables', techSpec: 'deliverables', spec: 'deliverables', previous: 'deliverables', deliverable: 'deliverables', task: 'deliverables',
};

/**
 * Splits a rendered call into {@link InputParts}: each variable's value is counted in its part, and the rest of
 * the rendered text (`system` + `user` minus the variables) plus the schema is `fixed`.
 */
export function inputParts(rendered: { system: string; user: string }, vars: Readonly<Record<string, string>>, schemaJson: string): InputParts {
  const parts: InputParts = { fixed: 0, ticket: 0, deliverables: 0, code: 0, map: 0, objections: 0 };
  let varTokens = 0;
  for (const [name, value] of Object.entries(vars)) {
    const part = PART_OF_VAR[name];
    if (part === undefined || part === 'fixed') continue;
    const n = countO200kTokens(value);
    parts[part] += n;
    varTokens += n;
  }
  parts.fixed = Math.max(0, countO200kTokens(rendered.system) + countO200kTokens(rendered.user) - varTokens) + countO200kTokens(schemaJson);
  return parts;
}

/** Sums the parts of the records that have them, per role in first-seen order, with a `total` row last. */
export function inputSplitByPhase(records: readonly { phase: string; inputParts?: InputParts }[]): Map<string, InputParts> {
  const out = new Map<string, InputParts>();
  const add = (key: string, p: InputParts) => {
    const t = out.get(key) ?? { fixed: 0, ticket: 0, deliverables: 0, code: 0, map: 0, objections: 0 };
    for (const n of INPUT_PART_NAMES) t[n] += p[n];
    out.set(key, t);
  };
  for (const r of records) if (r.inputParts) add(r.phase, r.inputParts);
  if (out.size > 0) for (const p of [...out.values()]) add('total', p);
  return out;
}
