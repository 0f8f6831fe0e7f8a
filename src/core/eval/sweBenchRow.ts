import { z } from 'zod';
import { MAX_TICKET_BYTES } from '../ticket/parseTicket';
import { slugFromTitle } from '../ticket/slugFromTitle';
import { TicketKind } from '../ticket/ticket';
import type { EvalInstance } from './evalInstance';

/**
 * A list of test ids as SWE-bench rows carry them: a JSON array, or a string holding a JSON-encoded array
 * (the published datasets, e.g. princeton-nlp/SWE-bench on Hugging Face, store `FAIL_TO_PASS` and
 * `PASS_TO_PASS` as strings such as `"[\"tests/test_x.py::test_y\"]"`).
 */
const TestList = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      return v; // left as a string: the schema below then says what was expected
    }
  },
  z.array(z.string(), { error: 'must be a list of test ids, or a JSON-encoded list' }),
);

/**
 * One row of a SWE-bench-style `.jsonl` file. The fields Shipwright uses are checked; every other field of the
 * dataset (`patch`, `hints_text`, `created_at`, `version`, `environment_setup_commit`…) is tolerated and ignored —
 * in particular the gold `patch` is never read. Optional Shipwright extensions: `kind` (default hotfix: SWE-bench
 * instances are issues with a failing test), `setup_command`, `test_command`, `check_command`.
 */
export const SweBenchRow = z.looseObject({
  instance_id: z.string().min(1),
  repo: z.string().min(1),
  base_commit: z.string(),
  problem_statement: z.string().min(1),
  test_patch: z.string(),
  FAIL_TO_PASS: TestList,
  PASS_TO_PASS: TestList.default([]),
  kind: TicketKind.default('hotfix'),
  setup_command: z.string().optional(),
  test_command: z.string().optional(),
  check_command: z.string().optional(),
});
export type SweBenchRow = z.infer<typeof SweBenchRow>;

/**
 * A SWE-bench row as an instance (not yet checked against {@link EvalInstance}): the problem statement becomes
 * the ticket's body, its first non-empty line (without `#`) the title.
 * @throws Error when the problem statement is larger than a ticket may be
 */
export function instanceFromSweBench(row: SweBenchRow): z.input<typeof EvalInstance> {
  if (Buffer.byteLength(row.problem_statement) > MAX_TICKET_BYTES) throw new Error(`problem_statement is larger than ${MAX_TICKET_BYTES} bytes`);
  const firstLine = row.problem_statement.split(/\r?\n/).map((l) => l.replace(/^#+\s*/, '').trim()).find((l) => l !== '') ?? row.instance_id;
  return {
    id: row.instance_id,
    repo: row.repo,
    baseCommit: row.base_commit,
    ticket: {
      id: slugFromTitle(row.instance_id),
      kind: row.kind,
      title: firstLine.slice(0, 200),
      body: row.problem_statement.replace(/\r\n?/g, '\n'),
      acceptanceCriteria: [],
      source: row.instance_id,
    },
    testPatch: row.test_patch,
    failToPass: row.FAIL_TO_PASS,
    passToPass: row.PASS_TO_PASS,
    setupCommand: row.setup_command,
    testCommand: row.test_command,
    checkCommand: row.check_command,
  };
}
