import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from './hash';
import { imageWithJars } from './kafka';
import { mavenJars } from './maven';
import { FIXTURES } from './paths';

/** The Hadoop release the YARN scenarios run (fixtures/hadoop/pom.xml pins it). */
export const HADOOP_VERSION = /<hadoop\.version>([^<]+)</.exec(readFileSync(join(FIXTURES, 'hadoop', 'pom.xml'), 'utf8'))?.[1] ?? '?';

/**
 * ResourceManager, NodeManagers and the YARN client in one image: the run's Flink image plus
 * Hadoop's jars from Maven Central (see fixtures/hadoop). Per Flink release, since the
 * NodeManagers' JDK and the client's Flink come from that image.
 */
export async function ensureHadoopImage(flinkTag: string, flinkVersion: string): Promise<string> {
  const fixture = join(FIXTURES, 'hadoop');
  const tag = `fss-hadoop:${HADOOP_VERSION}-flink${flinkVersion}-${contentHash(fixture, flinkTag)}`;
  const pom = readFileSync(join(fixture, 'pom.xml'), 'utf8');
  return imageWithJars(`Hadoop ${HADOOP_VERSION} image (Flink ${flinkVersion})`, tag, fixture, () => mavenJars(`Hadoop ${HADOOP_VERSION} jars`, pom), 'jars', { FLINK_IMAGE: flinkTag });
}
