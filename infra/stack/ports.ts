import { createServer } from 'node:net';

/** Resolves when `port` on `host` can be bound (then releases it); rejects with the bind error. */
export function probePort(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when something already listens on `port`. */
export async function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    await probePort(port, host);
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
    throw err;
  }
}
