import { inlineCode, indentContinuation, joinSections } from './markdownText';
import type { ReviewReport } from './reviewReport';

const SEVERITY_ORDER = ['blocker', 'major', 'minor', 'nit'] as const;

/** A review as markdown for people: the decision, the summary, then findings, most severe first. */
export function renderReviewReport(report: ReviewReport): string {
  const findings = [...report.findings]
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
    .map((f) => `- **${f.severity}**${f.file ? ` ${inlineCode(f.file)}` : ''}: ${indentContinuation(f.message.trim(), '  ')}`);
  return joinSections([
    '# Review',
    `**Decision:** ${report.decision === 'approve' ? 'approve' : 'request changes'}`,
    report.summary.trim(),
    `## Findings\n\n${findings.length ? findings.join('\n') : '_None._'}`,
  ]);
}
