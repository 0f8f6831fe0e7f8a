import { encodeValue, sectionNames } from './encodeValue';
import { PromptError } from './promptError';

/** The line that separates a prompt file's system part from its user part. */
export const USER_SEPARATOR = '---user---';

/** A prompt file, checked and split. */
export interface PromptTemplate {
  name: string;
  /** Stable instructions, sent as the system prompt. Holds no variables, so providers can cache it. */
  system: string;
  /** The per-call context, with `{{variable}}` placeholders. */
  user: string;
  /** The schema name from the system part's `Deliverable: <SchemaName>` line. */
  deliverable: string;
  /** Variables the user part uses, in order of first use, each once. */
  variables: string[];
}

/** The rendered prompt: the system part and the user part. */
export interface RenderedPrompt {
  system: string;
  user: string;
}

// A placeholder is exactly `{{name}}`; anything else between `{{` and `}}` is refused, so typos cannot pass.
const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;
const DELIVERABLE_LINE = /^Deliverable: ([A-Za-z][A-Za-z0-9_]*)$/m;

/**
 * Checks and splits a prompt file: a system part, a line `---user---`, a user part. The system part holds a line
 * `Deliverable: <SchemaName>` (the fake model servers read it to tell the role) and no variables; every `{{` in
 * the file opens a well-formed `{{name}}`. Line ends are normalized to `\n`; both parts are trimmed.
 * @throws PromptError `malformedTemplate` naming the rule broken
 */
export function parsePromptTemplate(name: string, text: string): PromptTemplate {
  const fail = (message: string): never => {
    throw new PromptError('malformedTemplate', name, message);
  };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const separators = lines.flatMap((line, i) => (line.trim() === USER_SEPARATOR ? [i] : []));
  if (separators.length !== 1) fail(`needs exactly one line \`${USER_SEPARATOR}\` (found ${separators.length})`);
  const at = separators[0];
  const system = lines.slice(0, at).join('\n').trim();
  const user = lines.slice(at + 1).join('\n').trim();
  const deliverable = DELIVERABLE_LINE.exec(system)?.[1] ?? fail('the system part needs a line `Deliverable: <SchemaName>`');
  if (system.includes('{{')) fail('the system part must not use variables: it is cached and must not change between calls');
  const stray = user.replace(PLACEHOLDER, '').indexOf('{{');
  if (stray !== -1) fail(`malformed placeholder near ${JSON.stringify(user.replace(PLACEHOLDER, '').slice(stray, stray + 20))}`);
  const variables = [...new Set([...user.matchAll(PLACEHOLDER)].map((m) => m[1]))];
  return { name, system, user, deliverable, variables };
}

/**
 * Fills a template's placeholders in one pass. Values carry untrusted ticket text, repository files, test output
 * and model output, so each is encoded (encodeValue): a tag of the template's sections inside it cannot close its
 * section (`</ticket>` becomes `&lt;/ticket>`), and invisible or bidi characters are shown as `⟦U+202E⟧`. A
 * `{{x}}` or a `$&` inside a value stays literal text. Variables the template does not use are ignored.
 * @throws PromptError `missingVariable` naming every variable the template uses that `vars` lacks
 */
export function fillTemplate(template: PromptTemplate, vars: Readonly<Record<string, string>>): RenderedPrompt {
  const missing = template.variables.filter((v) => !Object.hasOwn(vars, v) || typeof vars[v] !== 'string');
  if (missing.length > 0) {
    throw new PromptError('missingVariable', template.name, `missing variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, missing);
  }
  // A replacer function, not a replacement string: its return value is never scanned for `$` patterns.
  const sections = sectionNames(template.user);
  const user = template.user.replace(PLACEHOLDER, (_match, variable: string) => encodeValue(vars[variable], sections));
  return { system: template.system, user };
}
