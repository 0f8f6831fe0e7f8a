/** The reason's first sentence, at most 160 characters: a notification is brief, the panel has the whole text. */
export function firstSentence(reason: string): string {
  // A `.` or `;` inside brackets or backticks (`(npm error EAI_AGAIN; \`npx ava\` exited 1 in 0.5 s)`) ends nothing.
  let depth = 0;
  let code = false;
  let end = reason.length;
  for (let i = 0; i < reason.length; i++) {
    const c = reason[i];
    if (c === '`') code = !code;
    else if (!code && c === '(') depth++;
    else if (!code && c === ')') depth = Math.max(0, depth - 1);
    else if (c === '\n' || (!code && depth === 0 && (c === '.' || c === ';') && /\s/.test(reason[i + 1] ?? ''))) {
      end = c === '\n' ? i : i + 1;
      break;
    }
  }
  const one = reason.slice(0, end);
  return one.length > 160 ? `${one.slice(0, 157)}…` : one;
}
