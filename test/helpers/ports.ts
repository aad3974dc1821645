import * as net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it; nothing listens there now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

export interface BlackHole {
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Stops listening and drops every connection. Safe to call twice. */
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that accepts connections and never says a word: a database that hangs. */
export function blackHole(): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  let closing: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        get accepted() {
          return accepted;
        },
        close: () =>
          (closing ??= new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          })),
      });
    });
  });
}
