import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { RUN_LABEL } from '../../harness/runtime/docker';

/** The run id the harness announces on stderr when a run starts ("run fss-… · results/…"). */
export function runIdOf(stderr: string): string {
  const id = /\brun (fss-\d{14}-[0-9a-f]{6}) · /.exec(stderr)?.[1];
  if (!id) throw new Error(`no run id announced on stderr:\n${stderr.slice(0, 2000)}`);
  return id;
}

const ids = async (args: string[]) => (await execa('docker', args)).stdout.split('\n').filter(Boolean);

/** What one run has on the engine: only containers and networks carrying its run label count. */
export async function leftoversOf(runId: string): Promise<{ containers: number; networks: number }> {
  const filter = ['--filter', `label=${RUN_LABEL}=${runId}`];
  return { containers: (await ids(['ps', '-aq', ...filter])).length, networks: (await ids(['network', 'ls', '-q', ...filter])).length };
}

/** The report a run wrote, found through the "report: <dir>" line it prints. */
export function reportOf(stdout: string): { passed: number; failed: number; checks: Array<{ status: string }> } {
  const dir = /^report: (.+)$/m.exec(stdout)?.[1];
  if (!dir) throw new Error(`no "report: <dir>" line on stdout:\n${stdout.slice(-2000)}`);
  return JSON.parse(readFileSync(join(dir.trim(), 'report.json'), 'utf8'));
}
