import { yarnTrackingProxy } from '../../scenarios/yarn-tracking-proxy';
import { scenarioSuite } from '../helpers/scenario-suite';

// Real Hadoop YARN per run: the ResourceManager's web proxy with a custom CA in its JDK's default
// truststore, two session clusters (certificates of the trusted CA and of another).
jest.setTimeout(15 * 60 * 1000);

scenarioSuite(yarnTrackingProxy, ['proxy.tracking-url', 'proxy.returns-flink-json', 'proxy.refuses-untrusted-ca']);
