import type { FileEdit, FileEdits } from './fileEdits';
import { bulletList, codeBlock, inlineCode, joinSections } from './markdownText';

/** Proposed edits as markdown for people: the explanation, each edit with its content, and files asked for. */
export function renderFileEdits(edits: FileEdits): string {
  return joinSections([
    '# Edits',
    edits.explanation.trim(),
    ...edits.edits.map(renderEdit),
    edits.needFiles.length ? `## Files asked for\n\n${bulletList(edits.needFiles.map(inlineCode))}` : '',
  ]);
}

function renderEdit(edit: FileEdit): string {
  const language = languageOf(edit.path);
  switch (edit.kind) {
    case 'write':
      return `## Write ${inlineCode(edit.path)}\n\n${codeBlock(edit.content, language)}`;
    case 'replace':
      return `## Replace in ${inlineCode(edit.path)}\n\nSearch:\n\n${codeBlock(edit.search, language)}\n\nReplace with:\n\n${codeBlock(edit.replace, language)}`;
    case 'delete':
      return `## Delete ${inlineCode(edit.path)}`;
  }
}

/** The file extension as a code-fence language tag (`js`, `ts`, `py`…), or none when it is not a plain word. */
function languageOf(path: string): string {
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(path)?.[1];
  return ext === undefined ? '' : ext.toLowerCase();
}
