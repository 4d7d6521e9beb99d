import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLINK_VERSION, FlinkVersion } from './config/version';
import { EXIT, UserError } from './errors';
import { CACHE, ROOT } from './images/paths';
import { runScenario } from './runner';
import { removeOurImages } from './runtime/docker';
import { ensureDockerEngine } from './runtime/engine';
import { installInterruptHandlers } from './runtime/interrupt';
import { findScenario } from '../scenarios';

/**
 * npm run bench [-- SCENARIO] [--warm-only] [--runs N]: phase timings (images, start, ready,
 * checks, teardown) of a scenario, cold (no images, no downloaded artefacts) then warm.
 */
async function main(argv: string[]): Promise<number> {
  const name = argv.find((a) => !a.startsWith('--')) ?? 'ssl-internal';
  const scenario = findScenario(name);
  if (!scenario) throw new UserError(`unknown scenario ${name}`, EXIT.usage);
  const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 2) || 2;
  const cold = !argv.includes('--warm-only');
  const version = new FlinkVersion(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION);
  await ensureDockerEngine();

  const rows: Array<{ kind: string; phases: Record<string, number>; total: number; verdict: string }> = [];
  const plan = [...(cold ? ['cold'] : []), ...Array.from({ length: runs }, (_, i) => `warm ${i + 1}`)];
  for (const kind of plan) {
    if (kind === 'cold') {
      await removeOurImages();
      rmSync(join(CACHE, 'artefacts'), { recursive: true, force: true });
    }
    const t0 = Date.now();
    const r = await runScenario({ scenario, version, resultsRoot: join(ROOT, 'results', 'bench') });
    rows.push({ kind, phases: r.phases, total: (Date.now() - t0) / 1000, verdict: r.error ? `error: ${r.error}` : `${r.passed} passed, ${r.failed} failed` });
  }

  const phases = ['images', 'start', 'ready', 'checks', 'teardown'];
  const lines = [
    `bench: ${name}, Flink ${version}, ${new Date().toISOString()}`,
    ['run', ...phases, 'total', 'verdict'].map((h, i) => (i === 0 ? h.padEnd(8) : i <= phases.length + 1 ? h.padStart(9) : `  ${h}`)).join(''),
    ...rows.map((r) => [r.kind.padEnd(8), ...phases.map((p) => `${(r.phases[p] ?? 0).toFixed(1)}s`.padStart(9)), `${r.total.toFixed(1)}s`.padStart(9), `  ${r.verdict}`].join('')),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  mkdirSync(join(ROOT, 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'results', 'bench.json'), JSON.stringify({ scenario: name, version: version.text, rows }, null, 2));
  return rows.every((r) => !r.verdict.startsWith('error')) ? EXIT.ok : EXIT.sandboxFailed;
}

installInterruptHandlers();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`error: ${e instanceof UserError ? e.message : (e as Error).stack}\n`);
    process.exit(e instanceof UserError ? e.exitCode : EXIT.sandboxFailed);
  },
);
