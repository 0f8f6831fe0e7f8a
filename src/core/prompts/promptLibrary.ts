// Prompt files are inlined at build time by esbuild's text loader (types/markdown.d.ts), so a packaged
// extension can never ship without them.
import ciFix from '../../../prompts/ciFix.md';
import diagnosis from '../../../prompts/diagnosis.md';
import discovery from '../../../prompts/discovery.md';
import implementationCode from '../../../prompts/implementationCode.md';
import implementationTests from '../../../prompts/implementationTests.md';
import planning from '../../../prompts/planning.md';
import review from '../../../prompts/review.md';
import split from '../../../prompts/split.md';
import techSpec from '../../../prompts/techSpec.md';
import validation from '../../../prompts/validation.md';
import { PromptError } from './promptError';
import { fillTemplate, parsePromptTemplate, type PromptTemplate, type RenderedPrompt } from './promptTemplate';

/** Every prompt file's text, by name (the file name without `.md`). */
const SOURCES = {
  discovery,
  techSpec,
  planning,
  diagnosis,
  split,
  implementationTests,
  implementationCode,
  ciFix,
  review,
  validation,
} satisfies Record<string, string>;

/** The name of a prompt file in prompts/, without `.md`. */
export type PromptName = keyof typeof SOURCES;

/** Every prompt name, in pipeline order. */
export const PROMPT_NAMES = Object.keys(SOURCES).filter(isPromptName);

const parsed = new Map<PromptName, PromptTemplate>();

function isPromptName(name: string): name is PromptName {
  return Object.hasOwn(SOURCES, name);
}

/**
 * The checked template of a prompt, parsed once and kept.
 * @throws PromptError `unknownPrompt` for a name with no file; `malformedTemplate` for a broken file
 */
export function promptTemplate(name: string): PromptTemplate {
  if (!isPromptName(name)) {
    throw new PromptError('unknownPrompt', name, `no such prompt; the prompts are ${PROMPT_NAMES.join(', ')}`);
  }
  let template = parsed.get(name);
  if (template === undefined) {
    template = parsePromptTemplate(name, SOURCES[name]);
    parsed.set(name, template);
  }
  return template;
}

/**
 * Renders a prompt: the stable system part as is, the user part with every `{{variable}}` replaced verbatim
 * (no recursive expansion: values carry untrusted text). Extra variables are ignored.
 *
 * Variables by prompt (see `promptTemplate(name).variables`): discovery: ticket, objections; techSpec: ticket,
 * functionalSpec, repoMap, objections; planning: ticket, functionalSpec, techSpec, repoMap, objections;
 * diagnosis: ticket, repoMap, files, objections; split: ticket, functionalSpec, techSpec, objections;
 * implementationTests and implementationCode: task, spec, files, failingOutput, objections; ciFix: spec, files,
 * failingOutput, objections; review: ticket, spec, diff, objections; validation: phase, previousName, previous,
 * deliverable, earlierObjections. Earlier deliverables are passed as markdown; `objections` is "none" on a first
 * attempt.
 * @throws PromptError `unknownPrompt`, `missingVariable` (naming each missing variable), `malformedTemplate`
 */
export function renderPrompt(name: string, vars: Readonly<Record<string, string>>): RenderedPrompt {
  return fillTemplate(promptTemplate(name), vars);
}
