import type { Role } from '../pipeline/phaseId';
import { Diagnosis } from './diagnosis';
import { EpicSplit } from './epicSplit';
import { FileEdits } from './fileEdits';
import { FunctionalSpec } from './functionalSpec';
import { Plan } from './plan';
import { ReviewReport } from './reviewReport';
import { TechSpec } from './techSpec';
import { Verdict } from './verdict';

/**
 * The deliverable schema of each role, with the name models see (the Anthropic tool name, and the
 * `Deliverable:` line of the role's prompt).
 */
const SCHEMAS = {
  discovery: { schema: FunctionalSpec, schemaName: 'FunctionalSpec' },
  techSpec: { schema: TechSpec, schemaName: 'TechSpec' },
  planning: { schema: Plan, schemaName: 'Plan' },
  diagnosis: { schema: Diagnosis, schemaName: 'Diagnosis' },
  split: { schema: EpicSplit, schemaName: 'EpicSplit' },
  implementation: { schema: FileEdits, schemaName: 'FileEdits' },
  ciFix: { schema: FileEdits, schemaName: 'FileEdits' },
  review: { schema: ReviewReport, schemaName: 'ReviewReport' },
  validation: { schema: Verdict, schemaName: 'Verdict' },
} as const;

/** The schema and schema name of one role. */
export type SchemaFor<R extends Role> = (typeof SCHEMAS)[R];

/**
 * The deliverable schema a role answers with: discovery → FunctionalSpec, techSpec → TechSpec, planning → Plan,
 * diagnosis → Diagnosis, split → EpicSplit, implementation and ciFix → FileEdits, review → ReviewReport,
 * validation → Verdict.
 */
export function schemaFor<R extends Role>(role: R): SchemaFor<R> {
  return SCHEMAS[role];
}
