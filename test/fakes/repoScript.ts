import { readFileSync } from 'node:fs';
import type { FakeReply, FakeRequest, Responder } from './fakeScript';

/**
 * A script for the hand-started fake Ollama on a repository of the user's choosing (a JSON file): deliverables
 * by schema name, each a list answered in order (the last one repeats). `FileEdits` distinguishes the
 * test-writing step (`FileEditsTests`) from code steps (`FileEdits`). Validation (`Verdict`) passes and review
 * (`ReviewReport`) approves unless the script says otherwise. Example:
 * `{ "FunctionalSpec": [{…}], "TechSpec": [{…}], "Plan": [{…}], "FileEditsTests": [{…}], "FileEdits": [{…}] }`.
 */
export type RepoScript = Record<string, unknown[]>;

const DEFAULTS: RepoScript = {
  Verdict: [{ pass: true, objections: [] }],
  ReviewReport: [{ decision: 'approve', summary: 'The change does what the spec asks and is tested.', findings: [] }],
};

/** A responder answering from `script` (see RepoScript); an unknown schema is a 400, as a model without it would fail. */
export function repoScriptResponder(script: RepoScript): Responder {
  const used: Record<string, number> = {};
  return (req: FakeRequest): FakeReply => {
    let name = req.schemaName ?? '(none)';
    if (name === 'FileEdits' && /test-writing step/i.test(req.system)) name = 'FileEditsTests';
    const answers = script[name] ?? DEFAULTS[name];
    if (answers === undefined || answers.length === 0) return { status: 400, message: `the script has no answer for ${name}` };
    const i = used[name] ?? 0;
    used[name] = i + 1;
    return { json: answers[Math.min(i, answers.length - 1)] };
  };
}

/** Reads a RepoScript file. @throws Error naming the file when it is not a JSON object of lists */
export function readRepoScript(file: string): RepoScript {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => !Array.isArray(v))) {
    throw new Error(`${file}: a script is a JSON object whose values are lists of deliverables`);
  }
  // Checked just above: an object whose every value is a list.
  return parsed as RepoScript;
}
