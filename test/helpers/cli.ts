import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'harness', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled CLI; once stderr matches `interruptWhen` it sends a signal, or calls
 * `onMatch` instead (something else happens to the run, e.g. the engine stops).
 */
export function runCli(args: string[], opts: { env?: Record<string, string>; interruptWhen?: RegExp; signal?: NodeJS.Signals; onMatch?: () => void } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CI: 'true', ...opts.env } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (opts.interruptWhen && !sent && opts.interruptWhen.test(stderr)) {
        sent = true;
        if (opts.onMatch) opts.onMatch();
        else child.kill(opts.signal ?? 'SIGINT');
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
