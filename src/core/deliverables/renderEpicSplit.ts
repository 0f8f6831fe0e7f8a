import type { EpicSplit } from './epicSplit';
import { blockQuote, bulletList, codeList, joinSections, oneLine } from './markdownText';

/**
 * An epic's split as markdown for people: one section per child ticket with its dependencies, its body (quoted,
 * so headings inside it stay inside the child) and its acceptance criteria.
 */
export function renderEpicSplit(split: EpicSplit): string {
  const children = split.children.map((c) =>
    [
      `## ${oneLine(c.key)}: ${oneLine(c.title)}`,
      `Depends on: ${codeList(c.dependsOn, 'nothing')}`,
      blockQuote(c.body),
      `### Acceptance criteria\n\n${bulletList(c.acceptanceCriteria)}`,
    ].join('\n\n'),
  );
  return joinSections(['# Epic split', ...children]);
}
