import { FlinkConfig } from './flink-config';

/** Fixed ports, so probes know where each channel listens (the official image's choices). */
export const PORTS = {
  rest: 8081,
  jobmanagerRpc: 6123,
  blob: 6124,
  queryableState: 6125,
  taskmanagerRpc: 6122,
  taskmanagerData: 6121,
} as const;

export const JOBMANAGER_HOST = 'jobmanager';

/** Session-cluster basics for one node; TaskManagers advertise their in-network hostname. */
export function clusterBase(node: { role: 'jobmanager' | 'taskmanager'; host: string; slots: number }): FlinkConfig {
  const conf: FlinkConfig = {
    'jobmanager.rpc.address': JOBMANAGER_HOST,
    'jobmanager.rpc.port': PORTS.jobmanagerRpc,
    'jobmanager.bind-host': '0.0.0.0',
    'jobmanager.memory.process.size': '1024m',
    'rest.address': JOBMANAGER_HOST,
    'rest.bind-address': '0.0.0.0',
    'rest.port': PORTS.rest,
    'blob.server.port': PORTS.blob,
    'query.server.port': PORTS.queryableState,
    'taskmanager.bind-host': '0.0.0.0',
    'taskmanager.rpc.port': PORTS.taskmanagerRpc,
    'taskmanager.data.port': PORTS.taskmanagerData,
    'taskmanager.numberOfTaskSlots': node.slots,
    'taskmanager.memory.process.size': '1280m',
    'parallelism.default': 1,
    // Fail fast instead of retrying for minutes when a channel is misconfigured.
    'restart-strategy.type': 'none',
    // TaskManagers start together with the JobManager; retry a refused first registration after
    // 1s rather than the default 10s.
    // A bare number: milliseconds to 1.19's Long option and to the Duration option that replaced it.
    'cluster.registration.error-delay': 1000,
  };
  if (node.role === 'taskmanager') conf['taskmanager.host'] = node.host;
  return conf;
}
