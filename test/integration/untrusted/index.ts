import { runMochaIn } from '../mochaInHost';

/** The in-host suite of an untrusted workspace (workspace trust on, the folder not trusted). */
export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
