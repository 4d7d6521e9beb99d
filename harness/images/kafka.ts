import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, UserError } from '../errors';
import { buildWithFiles, ensureImage } from './build';
import { contentHash } from './hash';
import { copyJars, mavenJars } from './maven';
import { FIXTURES } from './paths';

/** Builds an image from a fixture folder plus jars resolved by Maven. */
export async function imageWithJars(title: string, tag: string, fixture: string, jars: () => Promise<string>, into: string, buildArgs: Record<string, string>, leaveOut?: RegExp): Promise<string> {
  return ensureImage(title, tag, async () => {
    const from = await jars();
    await buildWithFiles({ tag, fixture, buildArgs, add: (ctx) => copyJars(from, join(ctx, into), leaveOut) });
  });
}

/** Kafka (KRaft broker and admin tools) from Maven Central jars; see fixtures/kafka. */
export async function ensureKafkaImage(baseTag: string): Promise<string> {
  const fixture = join(FIXTURES, 'kafka');
  const tag = `fss-kafka:${contentHash(fixture, baseTag)}`;
  const pom = readFileSync(join(fixture, 'pom.xml'), 'utf8');
  return imageWithJars('Kafka image', tag, fixture, () => mavenJars('Kafka jars', pom), 'libs', { BASE_IMAGE: baseTag });
}

/**
 * Flink's Kafka connector release for a Flink minor version (the connector is released
 * separately, one build per Flink minor). Only versions Maven Central serves are listed.
 */
export const KAFKA_CONNECTOR: Record<string, string> = {
  '1.19': '3.3.0-1.19',
  '1.20': '3.4.0-1.20',
  '2.0': '4.0.1-2.0',
  '2.1': '5.0.0-2.1',
  '2.2': '5.0.0-2.2',
  // No build for 2.3 is served yet; the 2.2 build is API-compatible enough to run our job on 2.3.0.
  '2.3': '5.0.0-2.2',
};

export function kafkaConnectorFor(flinkVersion: string): string {
  const minor = flinkVersion.split('.').slice(0, 2).join('.');
  const v = KAFKA_CONNECTOR[minor];
  if (!v) throw new UserError(`no Flink Kafka connector known for Flink ${flinkVersion} (known: ${Object.keys(KAFKA_CONNECTOR).join(', ')})`, EXIT.usage);
  return v;
}

const connectorPom = (v: string) => `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.github.flink-security-sandbox</groupId>
  <artifactId>flink-kafka-connector-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.flink</groupId><artifactId>flink-connector-kafka</artifactId><version>${v}</version></dependency>
  </dependencies>
</project>
`;

/** The sandbox's Flink image plus the matching Kafka connector and the topic-reading job. */
export async function ensureFlinkKafkaImage(flinkTag: string, flinkVersion: string): Promise<string> {
  const fixture = join(FIXTURES, 'flink-kafka');
  const connector = kafkaConnectorFor(flinkVersion);
  const tag = `fss-flink-kafka:${flinkVersion}-${contentHash(fixture, flinkTag, connector)}`;
  // Flink's lib already has SLF4J; a second API jar would only shadow it.
  return imageWithJars(`Flink ${flinkVersion} + Kafka connector ${connector} image`, tag, fixture, () => mavenJars(`Kafka connector ${connector}`, connectorPom(connector)), 'connector', { FLINK_IMAGE: flinkTag }, /^slf4j-api-/);
}
