import type { PhaseId, Role } from '../pipeline/phaseId';
import { Diagnosis } from './diagnosis';
import { EpicSplit } from './epicSplit';
import { FileEdits } from './fileEdits';
import { FunctionalSpec } from './functionalSpec';
import { Plan } from './plan';
import { renderDiagnosis } from './renderDiagnosis';
import { renderEpicSplit } from './renderEpicSplit';
import { renderFileEdits } from './renderFileEdits';
import { renderFunctionalSpec } from './renderFunctionalSpec';
import { renderPlan } from './renderPlan';
import { renderReviewReport } from './renderReviewReport';
import { renderTechSpec } from './renderTechSpec';
import { renderVerdict } from './renderVerdict';
import { ReviewReport } from './reviewReport';
import { TechSpec } from './techSpec';
import { Verdict } from './verdict';

// Re-exported for callers that look for the schema mapping next to the renderer.
export { schemaFor } from './schemaFor';
export { jsonSchemaFor } from './jsonSchemaFor';

/**
 * A role's deliverable as markdown for people (the files the branch carries, the panel, prompts of later phases).
 * The value is parsed with the role's schema first, so a value of the wrong shape cannot render half a document.
 * @param role discovery → FunctionalSpec, techSpec → TechSpec, planning → Plan, diagnosis → Diagnosis,
 *   split → EpicSplit, implementation and ciFix → FileEdits, review → ReviewReport, validation → Verdict
 * @throws ZodError when `value` does not fit the role's schema
 */
export function renderDeliverable(role: PhaseId | Role, value: unknown): string {
  switch (role) {
    case 'discovery':
      return renderFunctionalSpec(FunctionalSpec.parse(value));
    case 'techSpec':
      return renderTechSpec(TechSpec.parse(value));
    case 'planning':
      return renderPlan(Plan.parse(value));
    case 'diagnosis':
      return renderDiagnosis(Diagnosis.parse(value));
    case 'split':
      return renderEpicSplit(EpicSplit.parse(value));
    case 'implementation':
    case 'ciFix':
      return renderFileEdits(FileEdits.parse(value));
    case 'review':
      return renderReviewReport(ReviewReport.parse(value));
    case 'validation':
      return renderVerdict(Verdict.parse(value));
  }
}

/**
 * The file name of a deliverable in `.shipwright/<ticket>/`: the 1-based position in the route, two digits or
 * more, then the role in kebab case: `deliverableFileName('techSpec', 2)` → `02-tech-spec.md`.
 * @throws RangeError when `index` is not a whole number ≥ 1
 */
export function deliverableFileName(role: PhaseId | Role, index: number): string {
  if (!Number.isInteger(index) || index < 1) throw new RangeError(`a deliverable index is a whole number from 1 (got ${index})`);
  const kebab = role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `${String(index).padStart(2, '0')}-${kebab}.md`;
}
