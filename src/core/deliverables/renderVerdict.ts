import { bulletList, joinSections, oneLine } from './markdownText';
import type { Verdict } from './verdict';

/** A validator's verdict as markdown for people: pass or fail, then the objections. */
export function renderVerdict(verdict: Verdict): string {
  return joinSections([
    '# Validation',
    `**Result:** ${verdict.pass ? 'pass' : 'fail'}`,
    `## Objections\n\n${bulletList(verdict.objections.map((o) => (o.where ? `${oneLine(o.where)}: ${o.message}` : o.message)))}`,
  ]);
}
