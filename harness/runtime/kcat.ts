import { NodeHandle } from './node';
import { KAFKA_HOST, KAFKA_PORTS, KAFKA_SERVICE } from '../config/kafka';
import { principal } from '../config/kerberos';
import { shellQuote } from '../config/shell';

/** How kcat authenticates: not at all, with a principal's keytab (GSSAPI), or SCRAM over TLS. */
export type KcatAuth =
  | { kind: 'none' }
  | { kind: 'kerberos'; principal: string; keytab: string; krb5Conf?: string; broker?: string }
  | { kind: 'scram'; user: string; password: string; caFile: string; mechanism: string };

export interface KcatRun {
  exitCode: number;
  output: string;
  /** What kcat and librdkafka said went wrong, without their log prefixes. */
  errors: string[];
}

let ccaches = 0;

function options(auth: KcatAuth): { args: string[]; env: Record<string, string> } {
  if (auth.kind === 'none') return { args: ['-b', `${KAFKA_HOST}:${KAFKA_PORTS.kerberos}`, '-X', 'security.protocol=PLAINTEXT'], env: {} };
  if (auth.kind === 'scram') {
    return {
      args: ['-b', `${KAFKA_HOST}:${KAFKA_PORTS.scram}`, '-X', 'security.protocol=SASL_SSL', '-X', `sasl.mechanisms=${auth.mechanism}`, '-X', `sasl.username=${auth.user}`, '-X', `sasl.password=${auth.password}`, '-X', `ssl.ca.location=${auth.caFile}`],
      env: {},
    };
  }
  // Each run gets its own credential cache: a ticket left by an earlier (good) principal must
  // never stand in for one whose login fails.
  const env: Record<string, string> = { KRB5CCNAME: `FILE:/tmp/krb5cc-${process.pid}-${++ccaches}` };
  if (auth.krb5Conf) env.KRB5_CONFIG = auth.krb5Conf;
  return {
    args: [
      '-b', `${auth.broker ?? KAFKA_HOST}:${KAFKA_PORTS.kerberos}`, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=GSSAPI',
      '-X', `sasl.kerberos.service.name=${KAFKA_SERVICE}`, '-X', `sasl.kerberos.principal=${principal(auth.principal)}`, '-X', `sasl.kerberos.keytab=${auth.keytab}`,
    ],
    env,
  };
}

/** librdkafka's log prefix ("%3|<time>|FAIL|rdkafka#producer-1| [thrd:…]: <broker>: ") and repeat counter. */
const LOG_PREFIX = /^%\d\|[\d.]+\|\w+\|[^|]*\|\s*\[thrd:[^\]]*\]:\s*(\S+:\s*)?/;
const REPEATS = /\s*\(after \d+ms in state \w+(?:, \d+ identical error\(s\) suppressed)?\)/;

export function kcatErrors(output: string): string[] {
  const lines = output.split('\n').filter((l) => /error|fail/i.test(l));
  return [...new Set(lines.map((l) => l.replace(LOG_PREFIX, '').replace(/^% /, '').replace(REPEATS, '').trim()))].filter(Boolean);
}

/** The command line for workshop hand-outs (an attendee's shell keeps the default credential cache). */
export function kcatCommand(auth: KcatAuth, args: string[]): string {
  return `kcat ${[...options(auth).args, ...args].map((a) => (/[\s*'"]/.test(a) ? `'${a}'` : a)).join(' ')}`;
}

/**
 * Runs kcat in the client station: -L (metadata), -P (produce `input` lines) or -C (consume to
 * the end). Bounded by a timeout: librdkafka retries a refused broker until its own timeouts.
 */
export async function kcat(station: NodeHandle, auth: KcatAuth, args: string[], input?: string[]): Promise<KcatRun> {
  const o = options(auth);
  const cmd = ['timeout', '25', 'kcat', ...o.args, ...args];
  const quoted = cmd.map(shellQuote).join(' ');
  const script = input ? `printf '%s\\n' ${input.map(shellQuote).join(' ')} | ${quoted}` : quoted;
  const r = await station.exec(['sh', '-c', `${script} 2>&1`], { env: o.env });
  return { exitCode: r.exitCode, output: r.output, errors: kcatErrors(r.output) };
}
