import { OwnerState } from './owner';

/** What --cleanup knows of one run on the engine (from its containers' and network's labels). */
export interface RunState {
  runId: string;
  /** Whether the process that started the run still runs; 'none': the run carries no owner label (an older harness). */
  owner: OwnerState | 'none';
  /** The owner's pid, for the message. */
  ownerPid?: string;
  /** Started with --keep. */
  keep: boolean;
  /** At least one of its containers is running. */
  running: boolean;
}

export interface CleanupChoice {
  /** --run ID: this run only, whatever its state. */
  run?: string;
  /** --all-runs: every run of this project, live or not. */
  allRuns?: boolean;
}

export interface CleanupPlan {
  remove: string[];
  kept: Array<{ runId: string; why: string }>;
  /** --run named a run that has nothing on the engine. */
  missing?: string;
}

/**
 * Which runs --cleanup removes. By default only what ended without cleaning up (a crash, a
 * kill -9, an engine that went away): a --keep sandbox whose containers still run and a run
 * whose process is still there are kept, as is a run whose process cannot be checked (no /proc).
 * --run ID and --all-runs are the user saying so explicitly.
 */
export function planCleanup(runs: RunState[], choice: CleanupChoice = {}): CleanupPlan {
  if (choice.allRuns) return { remove: runs.map((r) => r.runId), kept: [] };
  if (choice.run) {
    const found = runs.some((r) => r.runId === choice.run);
    return found ? { remove: [choice.run], kept: [] } : { remove: [], kept: [], missing: choice.run };
  }
  const plan: CleanupPlan = { remove: [], kept: [] };
  for (const r of runs) {
    const why = keptBecause(r);
    if (why) plan.kept.push({ runId: r.runId, why });
    else plan.remove.push(r.runId);
  }
  return plan;
}

function keptBecause(r: RunState): string | undefined {
  if (r.keep && r.running) return 'a --keep sandbox, still running';
  if (r.owner === 'alive') return `in progress (process ${r.ownerPid})`;
  if (r.owner === 'unknown') return `its process ${r.ownerPid} may still run (no /proc on this system to tell)`;
  return undefined;
}

/** The lines --cleanup prints after removing: what went, what stayed and how to remove it. */
export function describeCleanup(plan: CleanupPlan, removed: { containers: number; networks: number; volumes: number }): string[] {
  if (plan.missing) return [`nothing of run ${plan.missing} on this engine (runs are named fss-YYYYMMDDhhmmss-xxxxxx)`];
  const lines = [`removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes of ${plan.remove.length} run(s)${plan.remove.length ? `: ${plan.remove.join(', ')}` : ''}`];
  for (const k of plan.kept) lines.push(`kept ${k.runId}: ${k.why}; remove it with: npm run scenario -- --cleanup --run ${k.runId}`);
  if (plan.kept.length > 1) lines.push('(npm run scenario -- --cleanup --all-runs removes every run of this project, kept or in progress)');
  return lines;
}
