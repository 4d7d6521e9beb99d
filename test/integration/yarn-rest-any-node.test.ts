import { yarnRestAnyNode } from '../../scenarios/yarn-rest-any-node';
import { scenarioSuite } from '../helpers/scenario-suite';

// Real Hadoop YARN with node labels per run: four session clusters (two certificates, each with
// its JobManager on each NodeManager), checked with host name verification.
jest.setTimeout(15 * 60 * 1000);

scenarioSuite(yarnRestAnyNode, ['rest.names-verified-on-every-node', 'rest.wildcard-verified-on-every-node', 'doc.tools-verify-hostname', 'cli.hostname-verification']);
