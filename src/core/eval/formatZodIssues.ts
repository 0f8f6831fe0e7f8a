import type { z } from 'zod';

/** A zod error on one line for people: `path: message; path: message` (the path is left out at the root). */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`).join('; ');
}
