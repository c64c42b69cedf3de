import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A small TCP proxy for fault injection (tc netem does not work here, RELIABILITY.md). In `cut` mode
 * it destroys any connection once the client has sent more than `cutAfterBytes` through it — an
 * upload dropped mid-body — while small requests still pass.
 */
export class TcpProxy {
  mode: 'pass' | 'cut' = 'pass';
  cutAfterBytes = 1024 * 1024;
  cuts = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    // Assigned once the server listens; connections before that are refused.
    // eslint-disable-next-line prefer-const
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => {
      if (!proxy) {
        client.destroy();
        return;
      }
      const self = proxy;
      const upstream = connect(targetPort, targetHost);
      self.sockets.add(client).add(upstream);
      let sent = 0;
      client.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        if (self.mode === 'cut' && sent > self.cutAfterBytes) {
          self.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
      });
      upstream.pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
        self.sockets.delete(client);
        self.sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
