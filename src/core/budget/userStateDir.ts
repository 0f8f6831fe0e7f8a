import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where Shipwright keeps what belongs to the user rather than to a repository (the spend store):
 * `SHIPWRIGHT_STATE_DIR` when set (tests, or a person who wants it elsewhere); otherwise the platform's state
 * folder — `$XDG_STATE_HOME/shipwright` or `~/.local/state/shipwright` on Linux (XDG Base Directory
 * specification: "state data that should persist between (application) restarts"),
 * `~/Library/Application Support/shipwright` on macOS, `%LOCALAPPDATA%\shipwright` on Windows.
 */
export function userStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SHIPWRIGHT_STATE_DIR) return path.resolve(env.SHIPWRIGHT_STATE_DIR);
  const home = env.HOME || homedir();
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'shipwright');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'shipwright');
  return path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'shipwright');
}
