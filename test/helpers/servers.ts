/**
 * Real servers on loopback for probe tests: HTTP, HTTPS (self-signed certificates made by the openssl
 * CLI), raw TCP listeners, and closed ports. Every helper resolves once the server is listening, so
 * tests never sleep; `close()` ends open connections too, so no test waits for keep-alive sockets.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

/** Makes a self-signed certificate for `localhost` and 127.0.0.1 (or the given subjectAltName) with openssl. */
export function makeSelfSignedCert(subjectAltName = "DNS:localhost,IP:127.0.0.1,IP:::1"): Certificate {
  const dir = mkdtempSync(join(tmpdir(), "readiness-cert-"));
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", `subjectAltName=${subjectAltName}`,
        "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
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
