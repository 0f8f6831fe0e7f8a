import { runMochaIn } from '../mochaInHost';

/** The in-host suite (a trusted workspace): every `*.test.js` of this folder. */
export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
