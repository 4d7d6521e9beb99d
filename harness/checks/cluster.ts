import { JOBMANAGER_HOST, PORTS } from '../config/cluster';
import { HttpProbeResult } from '../probes/types';
import { expectedSums, FlinkCluster, RestAccess } from '../runtime/flink-cluster';
import { ProbeStation } from '../runtime/probe-station';
import { CheckResult, verdict } from './model';

const JOB_N = 100_000;
const JOB_KEYS = 16;


/**
 * cluster.taskmanagers-registered: GET /overview counts them.
 * cluster.job-completes: the test job (parallel source, keyBy, sum) runs over all slots of
 * both TaskManagers; every sum must be right, and the REST API must show the keyed operator's
 * subtasks on both TaskManagers, so records crossed the data plane between them.
 */
export async function clusterChecks(cluster: FlinkCluster, station: ProbeStation, overview: HttpProbeResult, rest: RestAccess, clientConfDir?: string, cliEnv?: Record<string, string>): Promise<CheckResult[]> {
  const want = cluster.spec.taskManagers;
  const ov = overview.json as { taskmanagers?: number; 'slots-total'?: number } | undefined;
  const registered = verdict(
    'cluster.taskmanagers-registered',
    `${want} of ${want} TaskManagers registered`,
    ov?.taskmanagers === want,
    ov ? `GET /overview: ${ov.taskmanagers} of ${want} TaskManagers, ${ov['slots-total']} slots (after ${(overview.elapsedMs / 1000).toFixed(1)}s)` : `GET /overview failed: ${overview.error ?? overview.status}`,
  );

  const parallelism = want * cluster.spec.slotsPerTaskManager;
  let job: CheckResult;
  try {
    const run = await cluster.runCrossTmJob(JOB_N, JOB_KEYS, parallelism, clientConfDir, cliEnv);
    const expected = expectedSums(JOB_N, JOB_KEYS);
    const wrong = [...expected].filter(([k, v]) => run.sums.get(k) !== v).length;
    const hosts = run.jobId ? await subtaskHosts(station, run.jobId, rest) : { state: 'unknown', hosts: [] as string[] };
    const ok = run.exitCode === 0 && wrong === 0 && run.sums.size === JOB_KEYS && hosts.state === 'FINISHED' && hosts.hosts.length === want;
    const lastError = run.output.split('\n').filter((l) => /Exception|Caused by|ERROR/.test(l)).slice(-2).join(' | ');
    job = verdict(
      'cluster.job-completes',
      'a job whose records cross between the TaskManagers finishes with the right result',
      ok,
      ok
        ? `job ${run.jobId} ${hosts.state}: ${JOB_KEYS}/${JOB_KEYS} sums of 1..${JOB_N} right; keyed subtasks on ${hosts.hosts.join(', ')}`
        : `exit ${run.exitCode}, job ${run.jobId ?? 'not submitted'} ${hosts.state}, ${run.sums.size} sums (${wrong} wrong), subtasks on [${hosts.hosts.join(', ')}]${lastError ? `; ${lastError.slice(0, 400)}` : ''}`,
    );
  } catch (e) {
    job = verdict('cluster.job-completes', 'a job whose records cross between the TaskManagers finishes with the right result', false, (e as Error).message);
  }
  return [registered, job];
}

/** Which TaskManagers ran the keyed (reduce) operator's subtasks, from the REST API. */
async function subtaskHosts(station: ProbeStation, jobId: string, rest: RestAccess): Promise<{ state: string; hosts: string[] }> {
  const { scheme, port, ...opts } = rest;
  const base = `${scheme}://${JOBMANAGER_HOST}:${port ?? PORTS.rest}`;
  const job = await station.one<HttpProbeResult>({ kind: 'http', url: `${base}/jobs/${jobId}`, ...opts });
  const info = job.json as { state?: string; vertices?: Array<{ id: string; name: string }> } | undefined;
  const keyed = info?.vertices?.find((v) => /reduce|keyed/i.test(v.name)) ?? info?.vertices?.at(-1);
  if (!keyed) return { state: info?.state ?? `unknown (${job.error ?? job.status})`, hosts: [] };
  const tms = await station.one<HttpProbeResult>({ kind: 'http', url: `${base}/jobs/${jobId}/vertices/${keyed.id}/taskmanagers`, ...opts });
  const list = (tms.json as { taskmanagers?: Array<{ host?: string; 'taskmanager-id'?: string }> } | undefined)?.taskmanagers ?? [];
  const hosts = [...new Set(list.map((t) => (t['taskmanager-id'] ?? t.host ?? '?').replace(/:\d+-\w+$/, '')))].sort();
  return { state: info?.state ?? 'unknown', hosts };
}
