import { rmSync } from 'node:fs';
import net from 'node:net';

/**
 * An engine this test owns: a unix socket that forwards every connection to the real engine's
 * socket. Closing it is what the harness sees when its engine dies (new connections refused,
 * open ones, log streams and execs included, cut), and no process of the machine is touched.
 */
export class EngineProxy {
  private server?: net.Server;
  private readonly open = new Set<net.Socket>();

  constructor(
    readonly path: string,
    private readonly target: string,
  ) {}

  get dockerHost(): string {
    return `unix://${this.path}`;
  }

  async start(): Promise<void> {
    // A stale socket file (from a close that did not unlink it) would make listen fail.
    rmSync(this.path, { force: true });
    const server = net.createServer((client) => {
      const engine = net.connect(this.target);
      for (const s of [client, engine]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => engine.destroy());
      engine.on('close', () => client.destroy());
      client.pipe(engine).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.path, () => resolve()));
    this.server = server;
  }

  /** Stops listening and cuts every open connection at once. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.open) s.destroy();
    this.open.clear();
    await closed;
    rmSync(this.path, { force: true });
  }
}
