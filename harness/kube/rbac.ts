/** RBAC objects as the scenarios grant them: accounts, namespaced Roles, bindings to an account. */
import { KubeObject } from './api';

export type RbacRule = { apiGroups: string[]; resources: string[]; verbs: string[] };

const RBAC = 'rbac.authorization.k8s.io';

/** The rules of the Flink Kubernetes operator's `flink` job Role (what native mode's JobManager needs). */
export const OPERATOR_FLINK_ROLE_RULES: RbacRule[] = [
  { apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/finalizers'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
];

type Meta = { name: string; namespace: string; labels?: Record<string, string> };

export const serviceAccount = (metadata: Meta): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata }) as KubeObject;

export const role = (metadata: Meta, rules: RbacRule[]): KubeObject => ({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata, rules }) as KubeObject;

/** Binds `roleRef` to the service account `account` (of the binding's namespace unless `accountNamespace`). */
export const roleBinding = (metadata: Meta, roleRef: { kind: 'Role' | 'ClusterRole'; name: string }, account: string, accountNamespace = metadata.namespace): KubeObject =>
  ({ apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata, roleRef: { apiGroup: RBAC, ...roleRef }, subjects: [{ kind: 'ServiceAccount', name: account, namespace: accountNamespace }] }) as KubeObject;

/**
 * Native mode's accounts as Confluent's advice splits them: the JobManager's (`jm`) bound to the
 * operator's `flink` rules (plus `extra`, a fault's widening), the TaskManagers' (`tm`) to nothing.
 */
export function nativeAccounts(namespace: string, jm: string, tm: string, extra: RbacRule[] = []): KubeObject[] {
  return [
    serviceAccount({ name: jm, namespace }),
    serviceAccount({ name: tm, namespace }),
    role({ name: 'flink', namespace }, [...OPERATOR_FLINK_ROLE_RULES, ...extra]),
    roleBinding({ name: 'flink', namespace }, { kind: 'Role', name: 'flink' }, jm),
  ];
}
