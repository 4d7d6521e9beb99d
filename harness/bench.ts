import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLINK_VERSION, FlinkVersion } from './config/version';
import { EXIT, UserError } from './errors';
import { CACHE, ROOT } from './images/paths';
import { runScenario } from './runner';
import { summaryLine } from './report/outcome';
import { removeOurImages } from './runtime/docker';
import { ensureDockerEngine } from './runtime/engine';
import { installInterruptHandlers } from './runtime/interrupt';
import { findScenario, SCENARIOS } from '../scenarios';

/**
 * npm run bench [-- SCENARIO | --all] [--warm-only] [--runs N]: phase timings (images, start,
 * ready, checks, teardown) per scenario, cold (no images, no downloaded artefacts or jars) then
 * warm; with --all every scenario of the catalogue in turn, plus the whole suite's time per pass.
 */
async function main(argv: string[]): Promise<number> {
  const all = argv.includes('--all');
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const name = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs') ?? 'ssl-internal';
  const scenarios = all ? SCENARIOS : [findScenario(name) ?? fail(name)];
  const runs = Number(value('--runs') ?? (all ? 1 : 2)) || 1;
  const cold = !argv.includes('--warm-only');
  const version = new FlinkVersion(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION);
  await ensureDockerEngine();

  const rows: Array<{ kind: string; scenario: string; phases: Record<string, number>; total: number; verdict: string }> = [];
  const passes: Array<{ kind: string; total: number }> = [];
  const plan = [...(cold ? ['cold'] : []), ...Array.from({ length: runs }, (_, i) => `warm ${i + 1}`)];
  for (const kind of plan) {
    if (kind === 'cold') {
      await removeOurImages();
      for (const d of ['artefacts', 'maven']) rmSync(join(CACHE, d), { recursive: true, force: true });
    }
    const p0 = Date.now();
    for (const scenario of scenarios) {
      const t0 = Date.now();
      const r = await runScenario({ scenario, version, resultsRoot: join(ROOT, 'results', 'bench') });
      rows.push({ kind, scenario: scenario.name, phases: r.phases, total: (Date.now() - t0) / 1000, verdict: r.error ? `error: ${r.error}` : summaryLine(r) });
    }
    passes.push({ kind, total: (Date.now() - p0) / 1000 });
  }

  const phases = ['images', 'cluster', 'start', 'ready', 'checks', 'teardown'];
  const width = Math.max(...scenarios.map((s) => s.name.length)) + 2;
  const lines = [
    `bench: ${all ? 'the whole catalogue' : name}, Flink ${version}, ${new Date().toISOString()}`,
    ['run'.padEnd(8), 'scenario'.padEnd(width), ...[...phases, 'total'].map((h) => h.padStart(9)), '  verdict'].join(''),
    ...rows.map((r) => [r.kind.padEnd(8), r.scenario.padEnd(width), ...phases.map((p) => `${(r.phases[p] ?? 0).toFixed(1)}s`.padStart(9)), `${r.total.toFixed(1)}s`.padStart(9), `  ${r.verdict}`].join('')),
    ...(all ? passes.map((p) => `${p.kind}: whole catalogue (${scenarios.length} scenarios) ${p.total.toFixed(1)}s`) : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  mkdirSync(join(ROOT, 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'results', 'bench.json'), JSON.stringify({ scenarios: scenarios.map((s) => s.name), version: version.text, rows, passes }, null, 2));
  return rows.every((r) => !r.verdict.startsWith('error')) ? EXIT.ok : EXIT.sandboxFailed;
}

function fail(name: string): never {
  throw new UserError(`unknown scenario ${name}`, EXIT.usage);
}

installInterruptHandlers();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`error: ${e instanceof UserError ? e.message : (e as Error).stack}\n`);
    process.exit(e instanceof UserError ? e.exitCode : EXIT.sandboxFailed);
  },
);
