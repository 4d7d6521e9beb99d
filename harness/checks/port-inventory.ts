import { NodeHandle } from '../runtime/node';
import { ClientIdentityPem, PlainProbeResult, TlsProbeResult } from '../probes/types';
import { ProbeStation } from '../runtime/probe-station';
import { CheckResult, verdict } from './model';

/** TCP ports in LISTEN state on non-loopback addresses, from /proc/net/tcp{,6} (no tools needed). */
export function listeningPorts(procNetTcp: string): number[] {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== '0A') continue;
    const [addr, port] = f[1].split(':');
    // 127.x.x.x in /proc's little-endian hex ends in 7F; ::1 is 0..01000000. Docker's DNS lives on 127.0.0.11.
    if (/^[0-9A-F]{6}7F$/.test(addr) || addr === '00000000000000000000000001000000') continue;
    ports.add(parseInt(port, 16));
  }
  return [...ports].sort((a, b) => a - b);
}

export interface InventoryNode {
  host: string;
  container: NodeHandle;
  /** Ports the scenario already checks or documents, with what they are. */
  known: Record<number, string>;
}

/**
 * inventory.no-unprotected-ports: every port a Flink process listens on is either one the
 * scenario checks by name, or (found by looking, not assumed) requires TLS and a client
 * certificate. Catches listeners the docs do not mention, such as the metric query service's
 * RPC endpoint on a random port.
 */
export async function portInventoryCheck(station: ProbeStation, nodes: InventoryNode[], own: ClientIdentityPem): Promise<CheckResult> {
  const found = await Promise.all(
    nodes.map(async (n) => {
      const r = await n.container.exec(['cat', '/proc/net/tcp', '/proc/net/tcp6']);
      return { node: n, ports: listeningPorts(r.stdout) };
    }),
  );
  const extras = found.flatMap(({ node, ports }) => ports.filter((p) => !(p in node.known)).map((port) => ({ host: node.host, port })));
  const results = await station.run(
    extras.flatMap((e) => [
      { kind: 'plain' as const, host: e.host, port: e.port },
      { kind: 'tls' as const, host: e.host, port: e.port },
      { kind: 'tls' as const, host: e.host, port: e.port, client: own },
    ]),
  );
  const notes: string[] = [];
  let ok = true;
  extras.forEach((e, i) => {
    const [plain, none, withOwn] = results.slice(i * 3, i * 3 + 3) as [PlainProbeResult, TlsProbeResult, TlsProbeResult];
    const protectedPort = !plain.looksLikeHttp && none.outcome === 'refused' && none.serverSpokeTls && withOwn.outcome === 'established';
    ok &&= protectedPort;
    notes.push(`${e.host}:${e.port} (not named in the config) ${protectedPort ? 'requires TLS + client cert' : `UNPROTECTED: no-cert TLS client ${none.outcome}, plaintext ${plain.bytes} bytes`}`);
  });
  const knownList = found.map(({ node, ports }) => `${node.host}: ${ports.map((p) => `${p}${node.known[p] ? ` ${node.known[p]}` : ''}`).join(', ')}`);
  return verdict(
    'inventory.no-unprotected-ports',
    'every listening port of every Flink process is a checked channel or requires mutual TLS',
    ok,
    `listening: ${knownList.join('; ')}${notes.length ? ` — ${notes.join('; ')}` : ' — no other listeners'}`,
    { found: found.map((f) => ({ host: f.node.host, ports: f.ports })) },
  );
}
