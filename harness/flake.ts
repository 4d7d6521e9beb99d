import { readFileSync } from 'node:fs';
import { RunReport } from './report/types';

/**
 * node dist/harness/flake.js results/all-A/report.json results/all-B/report.json …
 * Compares the verdicts of several runs (--all reports, or one scenario's reports): every (scenario, version, check) whose status
 * differs between runs is listed; exit 1 when any does.
 */
const files = process.argv.slice(2);
if (files.length < 2) {
  process.stderr.write('usage: node dist/harness/flake.js REPORT.json REPORT.json [...]\n');
  process.exit(2);
}
const seen = new Map<string, string[]>();
files.forEach((f, i) => {
  const json = JSON.parse(readFileSync(f, 'utf8')) as { runs: RunReport[] } | RunReport;
  const runs = 'runs' in json ? json.runs : [json];
  for (const r of runs) {
    const key = (c: string) => `${r.scenario}@${r.flinkVersion} ${c}`;
    if (r.error) (seen.get(key('(run)')) ?? seen.set(key('(run)'), Array(files.length).fill('-')).get(key('(run)'))!)[i] = 'ERROR';
    for (const c of r.checks) {
      const k = key(c.id);
      if (!seen.has(k)) seen.set(k, Array(files.length).fill('-'));
      seen.get(k)![i] = c.status;
    }
  }
});
const differing = [...seen].filter(([, v]) => new Set(v).size > 1);
process.stdout.write(`${seen.size} verdicts compared over ${files.length} runs; ${differing.length} differed\n`);
for (const [k, v] of differing) process.stdout.write(`  ${k}: ${v.join(' / ')}\n`);
process.exit(differing.length ? 1 : 0);
