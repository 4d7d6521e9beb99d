import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
// Ryuk (testcontainers' reaper) needs an image from a registry; the harness labels everything
// and removes it itself instead.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
import { GenericContainer, StartedTestContainer, Wait } from 'testcontainers';
import { watchByPolling } from './poll';
import { docker, KEEP_LABEL, LABEL, OWNER_LABEL, RUN_LABEL } from './docker';
import { rootCause } from './logs';
import { ownerToken } from './owner';
import { freeSandboxPrefixes } from './subnets';

export interface FileSpec {
  content: string | Buffer;
  target: string;
  /** Octal mode; key material is 0600 (the image hands it to the service user). */
  mode: number;
}

export interface ServiceSpec {
  name: string;
  /** A tag, or the build that will yield it (a service starts as soon as its own image is there). */
  image: string | Promise<string>;
  aliases?: string[];
  /** A fixed address on the sandbox network (certificates with an IP SAN need one). */
  ipv4?: string;
  /** Share another container's network namespace (a sidecar): `container:<name>`. */
  shareNetworkOf?: string;
  /** Publish container ports on fixed host ports (workshop mode). */
  publish?: Array<{ container: number; host: number }>;
  command?: string[];
  env?: Record<string, string>;
  files?: FileSpec[];
  /** A log line that means "started"; a container that exits first fails the start at once. */
  readyLog?: RegExp;
  startupTimeoutMs?: number;
  /** Listening ports: a Kubernetes Service names them; Docker's network needs none. */
  ports?: number[];
  /** The container's own host name (Java daemons name themselves by it); default: Docker's id. */
  hostname?: string;
  /** Volumes of this run (sandbox.createVolume) mounted at these paths. */
  volumes?: Array<{ volume: string; target: string }>;
  /** /etc/hosts entries: names that must resolve the same way forward and backward (Kerberos). */
  extraHosts?: Array<{ host: string; ipAddress: string }>;
}

const teardowns = new Set<() => Promise<void>>();

let verbose = false;
/** --verbose: stream every container's log to stderr as it comes, prefixed with its name. */
export function setVerbose(on: boolean): void {
  verbose = on;
}

/**
 * testcontainers attaches a container with aliases to the default bridge and then connects it
 * to the named network; a sandbox container must live on the sandbox network only, with its
 * aliases (and, where asked, a fixed address) set at creation.
 */
class SandboxContainer extends GenericContainer {
  onNetwork(network: string, aliases: string[], ipv4?: string): this {
    this.networkMode = network;
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [network]: { Aliases: aliases, ...(ipv4 ? { IPAMConfig: { IPv4Address: ipv4 } } : {}) } },
    };
    return this;
  }
}

/** Runs every pending teardown (Ctrl-C, a failure, the end of a run). */
export async function runAllTeardowns(): Promise<void> {
  const all = [...teardowns];
  teardowns.clear();
  await Promise.allSettled(all.map((t) => t()));
}

/**
 * One run's world: a user-defined network and the containers on it, all labelled with the run
 * id. Teardown removes them by label, so it also works when a start was cut short.
 */
/** A run's id: sortable by time, unique enough to share an engine with other runs. */
export function newRunId(): string {
  return `fss-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(3).toString('hex')}`;
}

export class Sandbox {
  /** The network is named after the run. */
  readonly network: string;
  /** The network's /24 prefix, e.g. "172.29.14" (a user-chosen subnet, so fixed addresses work). */
  subnetPrefix = '';
  private readonly teardownFn = () => this.teardown();
  private tornDown = false;
  /** Every container's log as it streams, so it survives a container that testcontainers removed. */
  private readonly logs = new Map<string, string[]>();
  /** Starts in flight: teardown waits for them, or a container created a moment later would survive it. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    readonly runId: string,
    readonly logsDir: string,
    /** --keep: labelled so, from the first thing created, for --cleanup to leave it while it runs. */
    private readonly opts: { keep?: boolean } = {},
  ) {
    this.network = runId;
    teardowns.add(this.teardownFn);
  }

  /** On every container and on the network: the run, its owner process (in progress?), --keep. */
  labels(): Record<string, string> {
    return { [LABEL]: 'true', [RUN_LABEL]: this.runId, [OWNER_LABEL]: ownerToken(), ...(this.opts.keep ? { [KEEP_LABEL]: 'true' } : {}) };
  }

  /**
   * Work that creates something of this run (a network, a container): refused once torn down,
   * and waited for by teardown, or what it creates a moment later would survive the removal.
   */
  track<T>(work: () => Promise<T>): Promise<T> {
    return this.tracked(work);
  }

  private readonly extraTeardowns: (() => Promise<void>)[] = [];
  /** What another tool made for this run (a kind cluster): undone by that tool first at teardown. */
  onTeardown(fn: () => Promise<void>): void {
    this.extraTeardowns.push(fn);
  }

  private async tracked<T>(work: () => Promise<T>): Promise<T> {
    if (this.tornDown) throw new Error(`sandbox ${this.runId} is torn down`);
    const running = work();
    this.pending.add(running);
    try {
      return await running;
    } finally {
      this.pending.delete(running);
    }
  }

  /** Tracked like a start: a Ctrl-C while images build may come while the network is being made. */
  createNetwork(): Promise<void> {
    return this.tracked(() => this.makeNetwork());
  }

  private async makeNetwork(): Promise<void> {
    const used = (await docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...(await networkIds())], { reject: false })).stdout;
    const free = freeSandboxPrefixes(used);
    if (!free.length) throw new Error('no free /24 left in 172.29.0.0/16 for a sandbox network (other networks use it); run --cleanup');
    this.subnetPrefix = free[Math.floor(Math.random() * free.length)];
    await docker(['network', 'create', '--subnet', `${this.subnetPrefix}.0/24`, ...Object.entries(this.labels()).flatMap(([k, v]) => ['--label', `${k}=${v}`]), this.network]);
  }

  /** A named Docker volume with the run's labels (removed with the run), to share between containers. */
  createVolume(name: string): Promise<void> {
    return this.tracked(async () => {
      await docker(['volume', 'create', ...Object.entries(this.labels()).flatMap(([k, v]) => ['--label', `${k}=${v}`]), `${this.runId}-${name}`]);
    });
  }

  /** An address on the sandbox network; Docker hands out addresses from .2 upwards, so use high ones. */
  address(host: number): string {
    return `${this.subnetPrefix}.${host}`;
  }

  async start(spec: ServiceSpec): Promise<StartedTestContainer> {
    let c = new SandboxContainer(await spec.image)
      .withName(`${this.runId}-${spec.name}`)
      .withLabels(this.labels())
      .withEnvironment(spec.env ?? {})
      .withStartupTimeout(spec.startupTimeoutMs ?? 120_000);
    const buffer: string[] = [];
    this.logs.set(spec.name, buffer);
    c = c.withLogConsumer((stream) => {
      stream.on('data', (d: Buffer | string) => {
        buffer.push(d.toString());
        if (verbose) for (const line of d.toString().split('\n').filter(Boolean)) process.stderr.write(`  [${spec.name}] ${line}\n`);
      });
      stream.on('error', () => undefined);
    });
    c = spec.shareNetworkOf ? c.withNetworkMode(spec.shareNetworkOf) : c.onNetwork(this.network, spec.aliases ?? [spec.name], spec.ipv4);
    if (spec.publish?.length) c = c.withExposedPorts(...spec.publish);
    if (spec.hostname) c = c.withHostname(spec.hostname);
    if (spec.extraHosts?.length) c = c.withExtraHosts(spec.extraHosts);
    if (spec.volumes?.length) c = c.withBindMounts(spec.volumes.map((v) => ({ source: `${this.runId}-${v.volume}`, target: v.target, mode: 'rw' as const })));
    if (spec.command) c = c.withCommand(spec.command);
    if (spec.files?.length) c = c.withCopyContentToContainer(spec.files.map((f) => ({ content: f.content, target: f.target, mode: f.mode })));
    // Readiness is the harness's own business (ports, REST); here only "the process came up".
    c = c.withWaitStrategy(spec.readyLog ? Wait.forLogMessage(spec.readyLog) : Wait.forLogMessage(/.*/));
    // Not a start failure: the run is over (track() would refuse it too, inside the wrapping below).
    if (this.tornDown) throw new Error(`sandbox ${this.runId} is torn down`);
    try {
      return await this.track(() => c.start());
    } catch (e) {
      const cause = rootCause(buffer.join(''));
      throw new Error(`${spec.name} did not start${cause ? `: ${cause}` : `: ${(e as Error).message.split('\n')[0]}`}`);
    }
  }

  logOf(name: string): string {
    return (this.logs.get(name) ?? []).join('');
  }

  /** Container logs, kept for the report (also of containers that are gone). */
  async saveLogs(): Promise<Record<string, string>> {
    mkdirSync(this.logsDir, { recursive: true });
    const saved: Record<string, string> = {};
    for (const [name, chunks] of this.logs) {
      const p = join(this.logsDir, `${name}.log`);
      writeFileSync(p, chunks.join(''));
      saved[name] = p;
    }
    return saved;
  }

  /**
   * Rejects as soon as one of the named containers is no longer running, with the reason from
   * its log; races a readiness wait so a process that dies does not cost the whole timeout.
   */
  watchExits(names: string[]): { exited: Promise<never>; stop: () => void } {
    return watchByPolling(async () => {
      for (const n of names) {
        const r = await docker(['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', `${this.runId}-${n}`], { reject: false });
        const [running, code] = r.stdout.trim().split(' ');
        if (running !== 'true') {
          const cause = rootCause(this.logOf(n));
          return new Error(`${n} exited (code ${code ?? '?'}) before the cluster was ready${cause ? `: ${cause}` : ''}`);
        }
      }
      return undefined;
    });
  }

  /** Removes some of this run's containers now (the rest stays up). */
  async remove(names: string[]): Promise<void> {
    await docker(['rm', '-f', '-v', ...names.map((n) => `${this.runId}-${n}`)], { reject: false });
  }

  /** Leaves the sandbox running when the process ends (--keep); Ctrl-C no longer removes it. */
  keep(): void {
    teardowns.delete(this.teardownFn);
  }

  /** Removes this run's containers and network, whatever state they are in. Idempotent. */
  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    teardowns.delete(this.teardownFn);
    const settle = new Promise((r) => setTimeout(r, 20_000).unref());
    await Promise.race([Promise.allSettled([...this.pending]), settle]);
    await Promise.allSettled(this.extraTeardowns.map((f) => f()));
    await removeByLabel(`${RUN_LABEL}=${this.runId}`);
  }
}

async function networkIds(): Promise<string[]> {
  return (await docker(['network', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
}

/** Removes containers, then networks and volumes carrying the label (value optional). */
export async function removeByLabel(label: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const ids = async (kind: string) =>
    (await docker([kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '-q', '--filter', `label=${label}`], { reject: false })).stdout
      .split('\n')
      .filter(Boolean);
  const containers = await ids('container');
  if (containers.length) await docker(['rm', '-f', '-v', ...containers], { reject: false });
  const networks = await ids('network');
  if (networks.length) await docker(['network', 'rm', ...networks], { reject: false });
  const volumes = await ids('volume');
  if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes], { reject: false });
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}
