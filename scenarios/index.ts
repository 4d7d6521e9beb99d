import { k8sKerberosNative } from './k8s-kerberos-native';
import { k8sNetworkPolicy } from './k8s-network-policy';
import { k8sRbac } from './k8s-rbac';
import { k8sRbacNative } from './k8s-rbac-native';
import { k8sRestProxy } from './k8s-rest-proxy';
import { k8sSslInternal } from './k8s-ssl-internal';
import { k8sWildcardCerts } from './k8s-wildcard-certs';
import { kerberosKafka } from './kerberos-kafka';
import { restProxy } from './rest-proxy';
import { restProxyMtls } from './rest-proxy-mtls';
import { sslCiphers } from './ssl-ciphers';
import { sslInternal } from './ssl-internal';
import { sslInternalPinned } from './ssl-internal-pinned';
import { sslRestCa } from './ssl-rest-ca';
import { sslRestMutual } from './ssl-rest-mutual';
import { sslRestSelfSigned } from './ssl-rest-selfsigned';
import { Scenario } from './types';
import { yarnKerberosKeytab } from './yarn-kerberos-keytab';
import { yarnKinit } from './yarn-kinit';
import { yarnRestAnyNode } from './yarn-rest-any-node';
import { yarnSslShipFiles } from './yarn-ssl-ship-files';
import { yarnTrackingProxy } from './yarn-tracking-proxy';

/** The catalogue: one entry per documented setup. */
// Scenarios differ in their material type.
export const SCENARIOS: Scenario<any>[] = [sslInternal, sslInternalPinned, sslRestSelfSigned, sslRestCa, sslRestMutual, sslCiphers, restProxy, restProxyMtls, kerberosKafka, k8sSslInternal, k8sNetworkPolicy, k8sRestProxy, k8sRbac, k8sRbacNative, k8sWildcardCerts, k8sKerberosNative, yarnSslShipFiles, yarnRestAnyNode, yarnTrackingProxy, yarnKerberosKeytab, yarnKinit];

// Scenarios differ in their material type.
export function findScenario(name: string): Scenario<any> | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
