import { hung, why } from '../../harness/checks/flink-cli';
import { CheckResult, verdict } from '../../harness/checks/model';
import { CliRun } from '../../harness/runtime/flink-cluster';
import { causes } from '../../harness/runtime/logs';

/** `flink run` arguments (after `run`) of the image's topic-reading job (Flink's Kafka connector, SASL_PLAINTEXT/GSSAPI). */
export const kafkaReadJobArgs = (bootstrap: string, topic: string) => ['-p', '2', '/opt/fss-kafka-job/kafka-read-job.jar', bootstrap, topic];

/**
 * flink.job-reads-kerberized-topic: the job (no JAAS of its own: Flink's Kerberos login) read the
 * topic through the Kerberos listener; every record the harness wrote must come back, and nothing
 * else. On failure the evidence is Flink's own error. Any runtime: only the CLI's run is judged.
 */
export function judgeTopicRead(r: CliRun, expected: string[], bootstrap: string, topic: string): CheckResult {
  const got = [...r.output.matchAll(/^FSS_RECORD (.*)$/gm)].map((x) => x[1]);
  const same = got.length === expected.length && [...got].sort().join() === [...expected].sort().join();
  const ok = r.exitCode === 0 && same;
  return verdict(
    'flink.job-reads-kerberized-topic',
    `a Flink job logs in with its keytab and reads all ${expected.length} records of ${topic}`,
    ok,
    ok ? `${got.length}/${expected.length} records, the same ones, via ${bootstrap} (SASL_PLAINTEXT, GSSAPI)` : `exit ${r.exitCode}${hung(r)}, ${got.length}/${expected.length} records: ${causes(r.output, /Login|Krb|Kerberos|SASL|Sasl|GSS|Authentication/) || why(r.output)}`,
  );
}
