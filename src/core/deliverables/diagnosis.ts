import { z } from 'zod';

/** A hotfix's diagnosis: the root cause, and the failing test that reproduces it. */
export const Diagnosis = z.object({
  symptom: z.string().min(1).describe('What the user sees'),
  rootCause: z.string().min(1).describe('Why it happens, naming the code at fault'),
  suspectFiles: z.array(z.string().min(1)).min(1).describe('Repository-relative paths involved'),
  reproTest: z.object({
    path: z.string().min(1).describe('Repository-relative path of the test file to write'),
    description: z.string().min(1).describe('What the test checks; it must fail before the fix'),
  }),
  fix: z.string().min(1).describe('The smallest change that removes the root cause'),
  needFiles: z.array(z.string()).max(8).describe('Only when the code shown is not enough: repository paths (up to 8) to see before answering; you are then asked again with them. Empty otherwise').default([]),
  notReproduced: z.string().describe('Only when the code shows the reported behaviour cannot happen: the evidence (what you checked, which lines, what they do). Empty when the bug is real').default(''),
});
export type Diagnosis = z.infer<typeof Diagnosis>;
