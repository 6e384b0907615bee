/**
 * A forward HTTP proxy on 127.0.0.1 for tests of proxy support: plain requests in absolute form
 * (`GET http://host/path`) are forwarded, and `CONNECT host:port` opens a tunnel (for https://).
 * It records what it was asked for, so a test can tell a proxied request from a direct one.
 */
import { request as httpRequest, createServer, type IncomingMessage } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/** A listening proxy. */
export interface RunningProxy {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What it was asked, in order: `GET http://127.0.0.1:8080/health`, `CONNECT 127.0.0.1:8443`. */
  requests: string[];
  close(): Promise<void>;
}

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** `user:password` the proxy requires (Basic, in Proxy-Authorization); others get a 407. */
  auth?: string;
}

/** Starts the proxy on 127.0.0.1, port 0. */
export async function startProxy(options: ProxyOptions = {}): Promise<RunningProxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const allowed = (req: IncomingMessage): boolean =>
    options.auth === undefined || req.headers["proxy-authorization"] === `Basic ${Buffer.from(options.auth).toString("base64")}`;
  const server = createServer((req: IncomingMessage, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (!allowed(req)) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="test"' });
      return void res.end();
    }
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400);
      return void res.end("absolute-form request expected");
    }
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => {
      res.writeHead(502);
      res.end("bad gateway");
    });
    req.pipe(upstream);
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    client.on("error", () => undefined);
    if (!allowed(req)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
    const [host, port] = [req.url?.slice(0, req.url.lastIndexOf(":")) ?? "", Number(req.url?.slice(req.url.lastIndexOf(":") + 1))];
    const upstream = connect(port, host.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
