/**
 * Prompt variables whose value changes between calls that share everything before them: objections grow per
 * attempt, a validator reads a new deliverable per attempt, files and test output change as edits land. Every
 * prompt in prompts/ puts them last, after the ticket, earlier deliverables and the map.
 */
const VOLATILE = ['objections', 'earlierObjections', 'deliverable', 'files', 'failingOutput'];

/** Letters only, so no prompt encoding escapes it. */
const MARK = 'ShipwrightStablePrefixEndsHere';

/**
 * The length (characters) of the start of the rendered user message that stays the same across attempts of a
 * call — everything before the line holding the first volatile variable — or 0 when there is none. Found by
 * rendering once more with the volatile values replaced by a marker; the real text must start with the same
 * prefix, else 0 (the split is an optimisation and never changes what the model reads).
 */
export function stablePrefixChars(
  render: (prompt: string, vars: Record<string, string>) => { user: string },
  prompt: string,
  vars: Readonly<Record<string, string>>,
  user: string,
): number {
  const marked = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, VOLATILE.includes(k) ? MARK : v]));
  const probe = render(prompt, marked).user;
  const at = probe.indexOf(MARK);
  if (at <= 0) return 0;
  const lineStart = probe.lastIndexOf('\n', at - 1) + 1;
  return lineStart > 0 && user.startsWith(probe.slice(0, lineStart)) ? lineStart : 0;
}
