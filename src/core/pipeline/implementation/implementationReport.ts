/** What one step of implementation did, for the report. `run` is the test run after it (describeTestRun). */
export interface StepReport {
  step: string;
  title: string;
  explanation: string;
  written: string[];
  deleted: string[];
  attempts: number;
  modelKey: string;
  run: string;
}

/**
 * Implementation's (and ciFix's) deliverable. It carries the FileEdits fields (`explanation`, empty `edits`,
 * `needFiles`) so that renderDeliverable('implementation', …) — which parses FileEdits — accepts it; the edits
 * themselves live in the branch's commits, not in the run state.
 */
export interface ImplementationReport {
  explanation: string;
  edits: [];
  needFiles: [];
  testCommand: string;
  /** The run before the tests were written (`undefined` when the step was already done). */
  baseline?: string;
  /** The red run after the tests step, and an excerpt of its output. */
  red?: { run: string; excerpt: string };
  steps: StepReport[];
  /** The final run: green. */
  green: string;
}

/** Lines of the red run's output shown in the markdown (its end, where runners summarise). */
const EXCERPT_LINES = 30;

/** The last lines of a run's output, for the report. */
export function excerpt(output: string): string {
  return output.trimEnd().split('\n').slice(-EXCERPT_LINES).join('\n');
}

/** The report as markdown for people (committed as `.shipwright/<id>/NN-implementation.md`). */
export function renderImplementationReport(r: ImplementationReport, title = 'Implementation'): string {
  const out = [`# ${title}`, '', r.explanation, '', `Test command: \`${r.testCommand}\``];
  if (r.baseline !== undefined) out.push('', `Before the tests: ${r.baseline}`);
  if (r.red !== undefined) out.push('', '## Tests first (red)', '', r.red.run, '', '```text', r.red.excerpt.replace(/```/g, "'''"), '```');
  for (const s of r.steps) {
    out.push('', `## ${s.step}: ${s.title}`, '', s.explanation.trim(), '');
    if (s.written.length > 0) out.push(`Written: ${s.written.map((p) => `\`${p}\``).join(', ')}`);
    if (s.deleted.length > 0) out.push(`Deleted: ${s.deleted.map((p) => `\`${p}\``).join(', ')}`);
    out.push(`Attempts: ${s.attempts} (accepted on ${s.modelKey}) · then ${s.run}`);
  }
  out.push('', '## Result (green)', '', r.green, '');
  return out.join('\n');
}
