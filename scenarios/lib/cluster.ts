import { JOBMANAGER_HOST, PORTS } from '../../harness/config/cluster';
import { Endpoint } from '../../harness/checks/tls-endpoint';
import { FlinkClusterSpec, taskManagerHost } from '../../harness/runtime/flink-cluster';
import { ScenarioContext } from '../types';

/** The internal endpoints the docs' internal SSL covers, as every internal scenario probes them. */
export const INTERNAL_ENDPOINTS: Endpoint[] = [
  { id: 'jm-rpc', label: 'JobManager Pekko RPC', host: JOBMANAGER_HOST, port: PORTS.jobmanagerRpc },
  { id: 'tm-rpc', label: 'TaskManager Pekko RPC', host: taskManagerHost(0), port: PORTS.taskmanagerRpc },
  { id: 'blob', label: 'Blob server', host: JOBMANAGER_HOST, port: PORTS.blob },
  { id: 'data', label: 'TaskManager data port', host: taskManagerHost(0), port: PORTS.taskmanagerData },
];

/**
 * The sandbox's standard cluster (one JobManager, two TaskManagers with two slots each) from
 * the run's context; a scenario adds its settings and files.
 */
export function clusterSpec(ctx: ScenarioContext, spec: Pick<FlinkClusterSpec, 'overlay' | 'files'> & Partial<FlinkClusterSpec>): FlinkClusterSpec {
  return {
    image: ctx.images.get('flink'),
    version: ctx.version,
    taskManagers: 2,
    slotsPerTaskManager: 2,
    skipPreflight: ctx.skipPreflight,
    // Workshop mode publishes the front door of the scenario's main cluster only.
    jobmanagerPublish: spec.containerPrefix ? undefined : ctx.publish,
    ...spec,
  };
}
