import { existsSync } from 'node:fs';
import { clusterStateDir } from '../../harness/kube/session';
import { runCli } from '../helpers/cli';
import { leftoversOf, runIdOf } from '../helpers/run';

jest.setTimeout(10 * 60 * 1000);

// A Kubernetes run interrupted while kind is half-way (nodes made, kubeadm starting the control
// plane): the nodes, the network and the cluster's state folder go. The fault runs on a cluster
// of its own (no NetworkPolicy enforcer), so a kept cluster of the suite is not reused here.
test('Ctrl-C during `kind create cluster` deletes the half-made cluster, its network and its state', async () => {
  const r = await runCli(['k8s-network-policy', '--break', 'enforcer-absent'], { interruptWhen: /Starting control-plane/, signal: 'SIGINT' });
  const cluster = /▸ kind cluster (fss-\d{14}-[0-9a-f]{6}) /.exec(r.stderr)?.[1];
  expect({ cluster: Boolean(cluster), tail: cluster ? '' : r.stderr.slice(-1500) }).toEqual({ cluster: true, tail: '' });
  expect(r.code).toBe(130);
  expect(await leftoversOf(cluster as string)).toEqual({ containers: 0, networks: 0 });
  expect(await leftoversOf(runIdOf(r.stderr))).toEqual({ containers: 0, networks: 0 });
  expect(existsSync(clusterStateDir(cluster as string))).toBe(false);
});
