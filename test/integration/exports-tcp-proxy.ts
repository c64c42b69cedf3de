import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A small TCP proxy for fault injection (tc netem does not work here, docs/GUARANTEES.md). In `cut` mode
 * it destroys any connection once the client has sent more than `cutAfterBytes` through it — an
 * upload dropped mid-body — while small requests still pass. `bytesPerSecond` throttles uploads.
 */
export class TcpProxy {
  mode: 'pass' | 'cut' = 'pass';
  cutAfterBytes = 1024 * 1024;
  /** In `pass` mode, caps each connection's client → server rate (bytes/s); null = no cap. */
  bytesPerSecond: number | null = null;
  /** While true nothing more goes from clients to the server: a request body in flight cannot complete. */
  held = false;
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
      let holding: NodeJS.Timeout | undefined;
      const onData = (chunk: Buffer): void => {
        if (self.held) {
          client.pause();
          holding = setInterval(() => {
            if (self.held) return;
            clearInterval(holding);
            client.resume();
            onData(chunk);
          }, 20);
          return;
        }
        sent += chunk.length;
        if (self.mode === 'cut' && sent > self.cutAfterBytes) {
          self.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
        if (self.bytesPerSecond !== null) {
          // Slow uploads down so a test can act mid-upload, whatever the machine's speed.
          client.pause();
          const resume = (): void => {
            if (self.held) holding = setTimeout(resume, 20);
            else client.resume();
          };
          holding = setTimeout(resume, (chunk.length / self.bytesPerSecond) * 1000);
        }
      };
      client.on('data', onData);
      upstream.pipe(client);
      const close = () => {
        clearTimeout(holding);
        clearInterval(holding);
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
