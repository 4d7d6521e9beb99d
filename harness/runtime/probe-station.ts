import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHandle } from './node';
import { ROOT } from '../images/paths';
import { ProbeRequest, ProbeResult } from '../probes/types';
import { FileSpec, Sandbox } from './sandbox';

// Always the compiled modules (tests run the harness from TypeScript sources; setup compiles dist/).
const PROBE_DIR = join(ROOT, 'dist', 'harness', 'probes');

/** The compiled probe modules use only Node built-ins; they are copied in as they are. */
function probeModules() {
  return readdirSync(PROBE_DIR)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ content: readFileSync(join(PROBE_DIR, f)), target: `/probe/${f}`, mode: 0o644 }));
}

/**
 * A container on the sandbox network that runs the harness's probes, so services are reached
 * by their in-network names exactly as cluster members reach them.
 */
export class ProbeStation {
  private constructor(private readonly container: NodeHandle) {}

  /** `files`: what the docs' own commands need in the station (a keystore for openssl, say). */
  static async start(sandbox: Sandbox, image: string | Promise<string>, extra: FileSpec[] = []): Promise<ProbeStation> {
    const c = await sandbox.start({ name: 'probe', image, command: ['sh', '-c', 'echo probe-ready; exec sleep infinity'], files: [...probeModules(), ...extra], readyLog: /probe-ready/ });
    return new ProbeStation(c);
  }

  /** A station in a node another runtime started (a Kubernetes pod): the probe modules are copied in. */
  static async attach(node: NodeHandle): Promise<ProbeStation> {
    await node.copyContentToContainer(probeModules());
    return new ProbeStation(node);
  }

  private batches = 0;

  async run<T extends ProbeResult = ProbeResult>(reqs: ProbeRequest[]): Promise<T[]> {
    let arg = Buffer.from(JSON.stringify(reqs)).toString('base64');
    // Large batches (client keys in every request) exceed the argument limit: hand over a file.
    if (arg.length > 64_000) {
      const file = `/probe/batch-${++this.batches}.json`;
      await this.container.copyContentToContainer([{ content: JSON.stringify(reqs), target: file, mode: 0o600 }]);
      arg = `@${file}`;
    }
    const r = await this.container.exec(['node', '/probe/station-main.js', arg]);
    if (r.exitCode !== 0) throw new Error(`probe station failed (exit ${r.exitCode}): ${r.stderr || r.output}`);
    return JSON.parse(r.stdout) as T[];
  }

  async one<T extends ProbeResult = ProbeResult>(req: ProbeRequest): Promise<T> {
    return (await this.run<T>([req]))[0];
  }

  /** A shell command in the probe container (the docs' curl and openssl commands). */
  async sh(script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const r = await this.container.exec(['sh', '-c', script]);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }
}
