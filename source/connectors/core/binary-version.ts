import { execFile } from 'node:child_process';

/** The first line `<command> --version` prints, or undefined when the command is not on PATH or fails. */
export function binaryVersion(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { env, timeout: 5000 }, (error, stdout) => {
      if (error) resolve(undefined);
      else resolve(stdout.trim().split('\n')[0] || undefined);
    });
  });
}
