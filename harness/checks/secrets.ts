import { statSync } from 'node:fs';
import { NodeHandle } from '../runtime/node';
import { CheckResult, verdict } from './model';

/** "600 flink /path" lines from stat: which of them are readable by group or others? */
export function exposedFiles(statLines: string): string[] {
  return statLines
    .split('\n')
    .filter(Boolean)
    .filter((l) => {
      const [mode] = l.split(' ');
      return (parseInt(mode, 8) & 0o077) !== 0;
    });
}

/**
 * secrets.not-world-readable: key material and the config file that holds its passwords are
 * owner-only inside every Flink container (owned by the flink user) and in the host's copy.
 * A precondition, not a claim about Flink: the harness itself set these modes (no Flink fault
 * can turn it red); what Flink does with the secrets is checked in secret-exposure.ts.
 */
export async function secretsCheck(nodes: Array<{ host: string; container: NodeHandle }>, paths: string[], hostFiles: string[]): Promise<CheckResult> {
  const seen: string[] = [];
  const bad: string[] = [];
  for (const n of nodes) {
    const r = await n.container.exec(['stat', '-c', '%a %U %n', ...paths]);
    if (r.exitCode !== 0) bad.push(`${n.host}: stat failed: ${r.output.trim()}`);
    for (const l of exposedFiles(r.stdout)) bad.push(`${n.host}: ${l}`);
    if (r.stdout.split('\n').some((l) => l && !l.split(' ')[1]?.startsWith('flink'))) bad.push(`${n.host}: not owned by flink: ${r.stdout.trim()}`);
    seen.push(`${n.host}: ${r.stdout.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' ')).join(', ')}`);
  }
  for (const f of hostFiles) {
    const mode = (statSync(f).mode & 0o777).toString(8);
    const line = `${mode} host ${f}`;
    if (exposedFiles(line).length) bad.push(line);
  }
  return verdict(
    'secrets.not-world-readable',
    "precondition: keystores and the config holding their passwords are owner-only (the harness's own setup)",
    bad.length === 0,
    `modes the harness set: ${bad.length ? `exposed: ${bad.join('; ')}` : `${paths.join(', ')} → ${seen.join('; ')}; host copies ${hostFiles.length} × 600`}`,
  );
}
