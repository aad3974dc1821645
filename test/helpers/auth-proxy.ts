/**
 * A loopback HTTP CONNECT proxy that demands Basic credentials (407 until they are right), for tests of
 * `proxyAuthentication`. It tunnels only to the loopback address `route` gives for a target and records
 * every credential it was shown, decoded.
 */
import * as net from 'node:net';

export interface AuthProxy {
  port: number;
  /** Each `Proxy-Authorization` the proxy was shown, as `user:password` (`''` for a request without one). */
  readonly seen: readonly string[];
  /** Tunnels opened (CONNECTs with the right credentials). */
  readonly tunnels: number;
  /** Stops listening and drops every connection. Safe to call twice. */
  close(): Promise<void>;
}

export interface AuthProxyOptions {
  username: string;
  password: string;
  /** Where a CONNECT to `host:port` goes: a port on 127.0.0.1, or undefined to refuse it (403). */
  route(host: string, port: number): number | undefined;
}

/** Starts the proxy on 127.0.0.1 (a port the OS picks). */
export async function startAuthProxy(options: AuthProxyOptions): Promise<AuthProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  let tunnels = 0;
  const expected = `${options.username}:${options.password}`;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16_384) client.destroy();
        return;
      }
      client.off('data', onData);
      const rest = head.subarray(end + 4);
      const [requestLine = '', ...headers] = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method, target = ''] = requestLine.split(' ');
      const auth = headers.find((h) => /^proxy-authorization:/i.test(h));
      const basic = /^proxy-authorization:\s*basic\s+(\S+)/i.exec(auth ?? '');
      const given = basic?.[1] === undefined ? '' : Buffer.from(basic[1], 'base64').toString('utf8');
      seen.push(given);
      const reply = (status: string, extra = ''): void => {
        client.end(`HTTP/1.1 ${status}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      };
      if (method !== 'CONNECT') return reply('405 Method Not Allowed');
      if (given !== expected) return reply('407 Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="waweb-test"\r\n');
      const colon = target.lastIndexOf(':');
      const port = options.route(target.slice(0, colon), Number(target.slice(colon + 1)));
      if (port === undefined) return reply('403 Forbidden');
      const upstream = net.connect(port, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('connect', () => {
        tunnels++;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closed: Promise<void> | undefined;
  return {
    port,
    seen,
    get tunnels() {
      return tunnels;
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}
