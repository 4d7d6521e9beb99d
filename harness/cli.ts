import { DEFAULT_FLINK_VERSION, FlinkVersion } from './config/version';
import { EXIT, UserError } from './errors';
import { runScenario } from './runner';
import { exitCode, summaryLine, tally } from './report/outcome';
import { removeOurImages } from './runtime/docker';
import { cleanupRuns } from './runtime/cleanup';
import { describeCleanup } from './runtime/cleanup-plan';
import { ensureDockerEngine } from './runtime/engine';
import { installInterruptHandlers, interrupted } from './runtime/interrupt';
import { runAllTeardowns, setVerbose } from './runtime/sandbox';
import { writeAggregate } from './report/files';
import { ROOT } from './images/paths';
import { progress } from './ui/progress';
import { join } from 'node:path';
import { nearest } from './ui/nearest';
import { findScenario, SCENARIOS } from '../scenarios';

const USAGE = `usage: npm run scenario -- <scenario> [--break FAULT] [--flink-version X.Y.Z] [--results DIR] [--verbose]
                                  [--keystore FILE.p12 --store-password PW] [--keep [--host-port N]] [--keep-cluster] [--no-preflight] [--strict]
       npm run scenario -- --all [--flink-version X.Y.Z,X.Y.Z] [--keep-cluster] [--strict]    (the whole catalogue; a matrix over versions)
       npm run scenario -- --cleanup [--run ID | --all-runs] [--images]    (what ended runs left; --run/--all-runs: also kept and running ones)
       npm run scenario -- --list | --help`;

const OPTIONS_WITH_VALUE = ['--break', '--flink-version', '--results', '--keystore', '--store-password', '--host-port', '--run'];
const FLAGS = ['--list', '--cleanup', '--images', '--help', '--keep', '--no-preflight', '--all', '--verbose', '--strict', '--all-runs', '--keep-cluster'];

interface Args {
  scenario?: string;
  fault?: string;
  version: string;
  results?: string;
  keystore?: string;
  storePassword?: string;
  hostPort?: number;
  list: boolean;
  keep: boolean;
  /** Kubernetes scenarios: leave the kind cluster for the next run (which reuses it). */
  keepCluster: boolean;
  images: boolean;
  all: boolean;
  verbose: boolean;
  /** Known deviations (and declared ones that now pass) count as failures. */
  strict: boolean;
  noPreflight: boolean;
  cleanup: boolean;
  /** --cleanup --run ID: that run only, kept or in progress. */
  run?: string;
  /** --cleanup --all-runs: every run of this project, kept or in progress. */
  allRuns: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { version: DEFAULT_FLINK_VERSION, list: false, keep: false, keepCluster: false, images: false, all: false, verbose: false, strict: false, noPreflight: false, cleanup: false, allRuns: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue; // npm's separator, when passed through
    const [name, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (name.startsWith('-')) {
      if (FLAGS.includes(name)) {
        if (name === '--no-preflight') a.noPreflight = true;
        else if (name === '--all-runs') a.allRuns = true;
        else if (name === '--keep-cluster') a.keepCluster = true;
        else a[name.slice(2) as 'list' | 'keep' | 'images' | 'cleanup' | 'help' | 'all' | 'verbose' | 'strict'] = true;
        continue;
      }
      if (!OPTIONS_WITH_VALUE.includes(name)) {
        throw new UserError(`unknown option ${name}; did you mean ${nearest(name, [...OPTIONS_WITH_VALUE, ...FLAGS])}?`, EXIT.usage);
      }
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UserError(`${name} needs a value`, EXIT.usage);
      if (name === '--break') a.fault = value;
      if (name === '--flink-version') a.version = value;
      if (name === '--results') a.results = value;
      if (name === '--keystore') a.keystore = value;
      if (name === '--store-password') a.storePassword = value;
      if (name === '--run') {
        if (!/^fss-\d{14}-[0-9a-f]{6}$/.test(value)) throw new UserError(`--run needs a run id (fss-YYYYMMDDhhmmss-xxxxxx, as a run prints it), not "${value}"`, EXIT.usage);
        a.run = value;
      }
      if (name === '--host-port') {
        a.hostPort = Number(value);
        if (!Number.isInteger(a.hostPort) || a.hostPort < 1 || a.hostPort > 65535) throw new UserError(`--host-port needs a port number (1-65535), not "${value}"`, EXIT.usage);
      }
      continue;
    }
    if (a.scenario) throw new UserError(`one scenario at a time (got ${a.scenario} and ${arg})`, EXIT.usage);
    a.scenario = arg;
  }
  if ((a.run || a.allRuns) && !a.cleanup) throw new UserError(`${a.run ? '--run' : '--all-runs'} goes with --cleanup`, EXIT.usage);
  if (a.run && a.allRuns) throw new UserError('--run ID or --all-runs, not both', EXIT.usage);
  return a;
}

function catalogue(): string {
  const w = Math.max(...SCENARIOS.map((s) => s.name.length));
  return SCENARIOS.map((s) => {
    const faults = Object.keys(s.faults);
    return `${s.name.padEnd(w)}  ${s.description}\n${' '.repeat(w)}  doc: ${s.docSection}\n${' '.repeat(w)}  faults: ${faults.join(', ') || 'none'}`;
  }).join('\n');
}

/**
 * --keystore/--store-password replace a scenario's one internal keystore: refused, before
 * anything starts, where there is none to replace (and with --all).
 */
function checkKeystoreInput(args: Args, scenario?: (typeof SCENARIOS)[number]): void {
  if (args.keystore === undefined && args.storePassword === undefined) return;
  if (!scenario?.takesKeystore) {
    const takers = SCENARIOS.filter((s) => s.takesKeystore).map((s) => s.name).join(', ');
    throw new UserError(`--keystore replaces a scenario's one internal keystore; ${scenario ? `${scenario.name} has none to replace` : 'not with --all'} (scenarios that take it: ${takers})`, EXIT.usage);
  }
  if (args.keystore === undefined) throw new UserError('--store-password goes with --keystore', EXIT.usage);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n\nscenarios:\n${catalogue()}\n`);
    return EXIT.ok;
  }
  if (args.list) {
    process.stdout.write(`${catalogue()}\n`);
    return EXIT.ok;
  }
  if (args.cleanup) {
    await ensureDockerEngine();
    // Only runs of this project (run label), and of those only what ended without cleaning up,
    // unless the user names the run (--run) or asks for all (--all-runs).
    const { plan, removed } = await cleanupRuns({ run: args.run, allRuns: args.allRuns });
    process.stdout.write(`${describeCleanup(plan, removed).join('\n')}\n`);
    if (args.images) {
      // Every image of ours (all versions and hashes); the next run rebuilds what it needs.
      process.stdout.write(`removed ${await removeOurImages()} images (any a container still uses stays)\n`);
    }
    return EXIT.ok;
  }
  setVerbose(args.verbose);
  let versions: FlinkVersion[];
  try {
    versions = args.version.split(',').map((v) => FlinkVersion.release(v));
  } catch (e) {
    throw new UserError((e as Error).message, EXIT.usage);
  }
  if (args.all) {
    if (args.scenario || args.fault || args.keep) throw new UserError('--all runs the whole catalogue as documented: no scenario, --break or --keep with it', EXIT.usage);
    checkKeystoreInput(args);
    const reports = [];
    for (const version of versions) {
      for (const scenario of SCENARIOS) {
        progress.info(`── ${scenario.name} · Flink ${version}`);
        reports.push(await runScenario({ scenario, version, resultsRoot: args.results, skipPreflight: args.noPreflight, keepCluster: args.keepCluster }));
        if (interrupted()) return EXIT.interrupted;
      }
    }
    const dir = join(args.results ?? join(ROOT, 'results'), `all-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`);
    process.stdout.write(`${writeAggregate(dir, reports)}\n${summaryLine(tally(reports.flatMap((r) => r.checks)))}${reports.some((r) => r.error) ? `; ${reports.filter((r) => r.error).length} sandbox(es) did not come up` : ''}\n`);
    return exitCode(reports, { strict: args.strict });
  }
  if (!args.scenario) throw new UserError(`no scenario given\n${USAGE}`, EXIT.usage);
  const scenario = findScenario(args.scenario);
  if (!scenario) {
    throw new UserError(`unknown scenario "${args.scenario}"; did you mean ${nearest(args.scenario, SCENARIOS.map((s) => s.name))}? (npm run scenario -- --list)`, EXIT.usage);
  }
  if (args.fault && !scenario.faults[args.fault]) {
    const known = Object.keys(scenario.faults);
    throw new UserError(`${scenario.name} has no fault "${args.fault}"; did you mean ${nearest(args.fault, known) ?? '(none)'}? known: ${known.join(', ')}`, EXIT.usage);
  }
  checkKeystoreInput(args, scenario);
  if (versions.length > 1) throw new UserError('several --flink-version values need --all', EXIT.usage);
  const version = versions[0];
  const report = await runScenario({
    scenario,
    fault: args.fault,
    version,
    resultsRoot: args.results,
    inputs: { keystore: args.keystore, storePassword: args.storePassword },
    print: true,
    keep: args.keep,
    keepCluster: args.keepCluster,
    hostPort: args.hostPort,
    skipPreflight: args.noPreflight,
  });
  return exitCode([report], { strict: args.strict });
}

installInterruptHandlers();

main(process.argv.slice(2)).then(
  async (code) => {
    if (interrupted()) return;
    // What outlives a single run (the Kubernetes cluster of --all) goes now, unless kept.
    await runAllTeardowns();
    process.exit(code);
  },
  async (e) => {
    if (interrupted()) return;
    await runAllTeardowns();
    if (e instanceof UserError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`error: ${(e as Error).stack ?? e}\n`);
    process.exit(EXIT.sandboxFailed);
  },
);
