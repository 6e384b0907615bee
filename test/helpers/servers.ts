/**
 * Real servers on loopback for probe tests: HTTP, HTTPS (self-signed certificates made by the openssl
 * CLI), raw TCP listeners, and closed ports. Every helper resolves once the server is listening, so
 * tests never sleep; `close()` ends open connections too, so no test waits for keep-alive sockets.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A listening server and how to reach it. */
export interface Running {
  host: string;
  port: number;
  /** `http://127.0.0.1:PORT` (or `https://`, or `[::1]`), without a trailing slash. */
  url: string;
  /** Sockets accepted so far (tcp servers count them; http servers too). */
  connections: number;
  close(): Promise<void>;
}

/** Loopback hosts the helpers listen on. */
export type LoopbackHost = "127.0.0.1" | "::1";

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return sockets;
}

async function listen(server: Server, host: LoopbackHost, scheme: string): Promise<Running> {
  const sockets = track(server);
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0, ipv6Only: host === "::1" }, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const h = host === "::1" ? "[::1]" : host;
  return {
    host,
    port,
    url: `${scheme}://${h}:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts an HTTP server on `host`, port 0. */
export function startHttpServer(handler: RequestListener, host: LoopbackHost = "127.0.0.1"): Promise<Running> {
  const server: HttpServer = createHttpServer(handler);
  return listen(server, host, "http");
}

/** A key and a self-signed certificate, PEM. */
export interface Certificate {
  key: string;
  cert: string;
}

/** Options of {@link makeSelfSignedCert}. */
export interface CertOptions {
  /** subjectAltName extension (default: localhost, 127.0.0.1 and ::1). */
  subjectAltName?: string;
  /** Make a certificate that expired in 2020 (signed with `openssl ca`, which can backdate). */
  expired?: boolean;
}

/** Makes a key and a self-signed certificate with the openssl CLI, in a temp dir removed afterwards. */
export function makeSelfSignedCert(options: CertOptions = {}): Certificate {
  const san = `subjectAltName=${options.subjectAltName ?? "DNS:localhost,IP:127.0.0.1,IP:::1"}`;
  const dir = mkdtempSync(join(tmpdir(), "readiness-cert-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const openssl = (...args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", "/CN=localhost", "-addext", san];
  try {
    if (options.expired) {
      // `req -x509` cannot backdate; `ca -selfsign` takes explicit start and end dates.
      writeFileSync(join(dir, "index.txt"), "");
      writeFileSync(join(dir, "serial"), "01\n");
      writeFileSync(
        join(dir, "ca.cnf"),
        "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\n",
      );
      openssl("req", "-new", ...newKey, "-out", "req.csr");
      openssl("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", key, "-in", "req.csr", "-out", cert,
        "-startdate", "20200101000000Z", "-enddate", "20200102000000Z");
    } else {
      openssl("req", "-x509", ...newKey, "-days", "2", "-out", cert);
    }
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts an HTTPS server with `cert` on `host`, port 0. */
export function startHttpsServer(handler: RequestListener, cert: Certificate, host: LoopbackHost = "127.0.0.1"): Promise<Running> {
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, handler);
  return listen(server, host, "https");
}

/**
 * Starts a raw TCP server on `host`, port 0. `onSocket` decides what to do with each connection;
 * by default the connection is held open and never answered (a server that hangs).
 */
export function startTcpServer(host: LoopbackHost = "127.0.0.1", onSocket: (s: Socket) => void = () => undefined): Promise<Running> {
  const server = createNetServer((s) => {
    s.on("error", () => undefined);
    onSocket(s);
  });
  return listen(server, host, "tcp");
}

/** A port that was just listening on `host` and is now closed: connecting to it is refused. */
export async function closedPort(host: LoopbackHost = "127.0.0.1"): Promise<number> {
  const s = await startTcpServer(host);
  await s.close();
  return s.port;
}

/** Whether this machine can listen on ::1 (containers without IPv6 cannot). */
export async function ipv6Available(): Promise<boolean> {
  try {
    const s = await startTcpServer("::1");
    await s.close();
    return true;
  } catch {
    return false;
  }
}
