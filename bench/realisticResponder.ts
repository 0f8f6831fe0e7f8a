import { countO200kTokens } from '../src/core/models/estimateTokens';
import { expectedOutputTokens } from '../src/core/models/expectedOutputTokens';
import type { Role } from '../src/core/pipeline/phaseId';
import { calculatorAnswer, validatedPhaseOf } from '../test/fakes/scriptedModel';
import type { FakeReply, FakeRequest, Responder } from '../test/fakes/fakeScript';

/** The deliverable each schema carries, for its expected size (src/core/models/expectedOutputTokens.ts). */
const ROLE_OF: Record<string, Role> = {
  FunctionalSpec: 'discovery', TechSpec: 'techSpec', Plan: 'planning', FileEdits: 'implementation', ReviewReport: 'review', Diagnosis: 'diagnosis', EpicSplit: 'split',
};

const PROSE = [
  'The change keeps the existing behaviour of every exported function and adds the new one beside it.',
  'Input checks follow the pattern the module already uses, so callers see the same errors for the same mistakes.',
  'Numbers that are not finite are refused with a TypeError naming the argument, as the existing add does.',
  'The tests exercise positive, negative and fractional inputs, and the error path for non-numbers.',
  'No other module imports the calculator internals, so the change cannot break a caller outside this file.',
  'Documentation comments describe the arguments, the return value and the error thrown, in the house style.',
  'The public surface grows by one name; nothing is renamed or removed, so the release is a minor version.',
  'Performance is not a concern here: each call is a constant-time arithmetic operation and an argument check.',
];

/** About `tokens` o200k tokens of varied technical prose (deterministic). */
function prose(tokens: number, seed: number): string {
  const out: string[] = [];
  let n = 0;
  for (let i = 0; n < tokens; i++) {
    const s = `${PROSE[(seed + i) % PROSE.length]} (${seed}.${i})`;
    out.push(s);
    n += countO200kTokens(s) + 1;
  }
  return out.join(' ');
}

/** `answer` grown by about `extra` tokens in the fields a real model writes at length, its shape kept valid. */
function pad(schema: string, answer: Record<string, unknown>, extra: number): Record<string, unknown> {
  const a = structuredClone(answer);
  const share = (k: number) => Math.max(1, Math.floor(extra / k));
  switch (schema) {
    case 'FunctionalSpec': {
      const criteria = (a.acceptanceCriteria as { id: string; text: string }[]);
      for (let i = 2; i <= 5; i++) criteria.push({ id: `AC-${i}`, text: prose(40, i) });
      a.summary = `${String(a.summary)} ${prose(share(4), 1)}`;
      a.userStories = [...(a.userStories as string[]), ...[0, 1, 2].map((i) => prose(share(6), 10 + i))];
      a.outOfScope = [...(a.outOfScope as string[]), prose(share(8), 20)];
      a.openQuestions = [prose(share(8), 21)];
      return a;
    }
    case 'TechSpec':
      a.overview = `${String(a.overview)} ${prose(share(3), 2)}`;
      a.dataFlow = prose(share(5), 3);
      a.risks = [...(a.risks as string[]), prose(share(6), 4), prose(share(6), 5)];
      a.testStrategy = `${String(a.testStrategy)} ${prose(share(6), 6)}`;
      a.coversCriteria = ['AC-1', 'AC-2', 'AC-3', 'AC-4', 'AC-5'];
      return a;
    case 'Plan': {
      const [t1] = a.tasks as Record<string, unknown>[];
      t1.description = `${String(t1.description)} ${prose(share(2), 7)}`;
      t1.criteria = ['AC-1', 'AC-2', 'AC-3'];
      const t2 = { ...t1, id: 'T2', title: 'Document the new function', description: prose(share(2), 8), files: ['README.md'], criteria: ['AC-4', 'AC-5'] };
      a.tasks = [t1, t2];
      return a;
    }
    case 'FileEdits': {
      // Code grows by a comment block (kept valid JavaScript); the explanation by prose.
      const comment = `/*\n${prose(share(2), 9)}\n*/\n`;
      a.edits = (a.edits as Record<string, unknown>[]).map((e) =>
        e.kind === 'write' ? { ...e, content: `${String(e.content)}${comment}` } : e.kind === 'replace' ? { ...e, replace: `${comment}${String(e.replace)}` } : e);
      a.explanation = `${String(a.explanation)} ${prose(share(2), 10)}`;
      return a;
    }
    case 'ReviewReport':
      a.summary = `${String(a.summary)} ${prose(share(2), 11)}`;
      a.findings = [{ severity: 'nit', message: prose(share(2), 12) }];
      return a;
    case 'Diagnosis':
      a.rootCause = `${String(a.rootCause)} ${prose(share(2), 13)}`;
      a.fix = `${String(a.fix)} ${prose(share(2), 14)}`;
      return a;
    default:
      return a;
  }
}

/**
 * The calculator's scripted model with deliverables of realistic size: each deliverable is padded to the
 * project's own `expectedOutputTokens` (FunctionalSpec 1,200 … FileEdits 3,000), with five acceptance criteria and
 * a two-task plan, as perf-2026-11.md §"Realistic size" did. `objectOnce`: one objection per validated phase (the
 * "one objection per phase" runs) — from the validator for discovery and techSpec; from the mechanical checks for
 * the first plan (its last task drops a criterion); for review, the first report requests changes with a blocker
 * and the validator objects to it. Verdicts stay small.
 */
export function realisticResponder(opts: { objectOnce?: boolean } = {}): Responder {
  const objected = new Set<string>();
  return (req: FakeRequest): FakeReply => {
    const name = req.schemaName ?? '';
    if (name === 'Verdict' && opts.objectOnce) {
      const phase = validatedPhaseOf(req) ?? '?';
      if (!objected.has(phase)) {
        objected.add(phase);
        return { json: { pass: false, objections: [{ message: `The ${phase} deliverable leaves the error message for non-numbers unstated; name it exactly as add() words it.`, where: 'acceptance criteria' }] } };
      }
    }
    const user = req.messages.map((m) => m.content).join('\n');
    // T2 (the padded plan's second task) documents the function: a write of the README, so it applies after T1.
    const reply: FakeReply = name === 'FileEdits' && /## T2:/.test(user) && !/test-writing step/i.test(req.system)
      ? { json: { explanation: 'document subtract', edits: [{ kind: 'write', path: 'README.md', content: '# Calculator\n\n`add(a, b)` and `subtract(a, b)`.\n' }], needFiles: [] } }
      : calculatorAnswer(req);
    const role = ROLE_OF[name];
    if (role === undefined || !('json' in reply)) return reply;
    const json = reply.json as Record<string, unknown>; // calculatorAnswer answers every deliverable schema with an object
    const extra = expectedOutputTokens[role] - countO200kTokens(JSON.stringify(json));
    const padded = extra > 0 ? pad(name, json, extra) : json;
    // Planning and an approving review are judged by their mechanical checks alone (config.modelValidation): their
    // one objection comes from a first answer that the checks refuse (a criterion no task plans) or that the
    // validator reads (a report asking for changes with a blocker, which the validator objects to above).
    if (opts.objectOnce && (name === 'Plan' || name === 'ReviewReport') && !objected.has(name)) {
      objected.add(name);
      if (name === 'Plan') {
        const tasks = padded.tasks as { criteria: string[] }[];
        tasks[tasks.length - 1].criteria = tasks[tasks.length - 1].criteria.slice(0, -1);
      } else {
        padded.decision = 'request-changes';
        padded.findings = [{ severity: 'blocker', file: 'src/calculator.js', message: (padded.findings as { message: string }[])[0]?.message ?? 'subtract does not check its arguments' }];
      }
    }
    return { json: padded };
  };
}
