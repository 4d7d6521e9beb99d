import { restProxy } from '../../scenarios/rest-proxy';
import { restProxyMtls } from '../../scenarios/rest-proxy-mtls';
import { scenarioSuite } from '../helpers/scenario-suite';

jest.setTimeout(15 * 60 * 1000);

const checks = [
  'proxy.denies-anonymous',
  'proxy.denies-bad-credentials',
  'proxy.allows-valid-credentials',
  'proxy.no-direct-access',
  'proxy.tls',
  'proxy.no-plain-http',
  'proxy.job-through-proxy',
  'proxy.refuses-job-without-credentials',
  'cli.through-proxy',
  'cli.refused-by-proxy',
];
scenarioSuite(restProxy, checks);
scenarioSuite(restProxyMtls, checks);
