import net from 'node:net';
import { EXIT, UserError } from '../errors';

/** Fails with a one-line message when a host port the harness wants to publish is taken. */
export async function ensurePortFree(port: number, what: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
  if (!free) throw new UserError(`port ${port} (for ${what}) is already in use on this machine: stop what uses it, or pass --host-port N`, EXIT.environment);
}
