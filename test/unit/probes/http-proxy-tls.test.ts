/**
 * The http probe through a real forward proxy (HTTP_PROXY / HTTPS_PROXY / NO_PROXY, as curl reads
 * them) and with TLS material of its own (`ca`, and `cert` + `key` for a server that requires a
 * client certificate), against real servers on loopback and certificates made by openssl.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { httpProbe, type HttpSpec } from "../../../src/probes/http.js";
import { makeContext } from "../../helpers/context.js";
import { startProxy, type RunningProxy } from "../../helpers/proxy.js";
import { closedPort, makeSelfSignedCert, startHttpServer, startHttpsServer, type Running } from "../../helpers/servers.js";
import { createPki, type Pki, type TestCa } from "../../helpers/tls.js";

const PROXY_VARS = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"];
const saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
function setProxyEnv(vars: Record<string, string>): void {
  for (const k of PROXY_VARS) delete process.env[k];
  Object.assign(process.env, vars);
}
afterEach(() => {
  for (const k of PROXY_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const ok = (_req: unknown, res: { end(s: string): void }) => res.end("hello from the target");

describe("http probe: proxies from the environment", () => {
  let proxy: RunningProxy;
  let plain: Running;
  let tls: Running;
  beforeAll(async () => {
    proxy = await startProxy();
    plain = await startHttpServer(ok);
    tls = await startHttpsServer(ok, makeSelfSignedCert());
  });
  afterAll(async () => {
    await proxy.close();
    await plain.close();
    await tls.close();
  });

  it("sends http:// through HTTP_PROXY in absolute form", async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    proxy.requests.length = 0;
    const out = await httpProbe.run({ http: `${plain.url}/health`, contains: "from the target" }, makeContext());
    expect(out.result).toBe("pass");
    expect(proxy.requests).toEqual([`GET ${plain.url}/health`]);
  });

  it("tunnels https:// through HTTPS_PROXY with CONNECT, verifying the target's certificate as usual", async () => {
    setProxyEnv({ HTTPS_PROXY: proxy.url });
    proxy.requests.length = 0;
    expect((await httpProbe.run({ http: `${tls.url}/health`, insecure: true, contains: "from the target" }, makeContext())).result).toBe("pass");
    expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${tls.port}`]);
    const verified = await httpProbe.run({ http: `${tls.url}/health` }, makeContext());
    expect(verified.message).toMatch(/TLS: self-signed certificate/);
  });

  it("reads the lowercase names too", async () => {
    setProxyEnv({ http_proxy: proxy.url });
    proxy.requests.length = 0;
    expect((await httpProbe.run({ http: `${plain.url}/lower` }, makeContext())).result).toBe("pass");
    expect(proxy.requests).toEqual([`GET ${plain.url}/lower`]);
  });

  it("goes direct to a host NO_PROXY names, and through the proxy to the others", async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: "example.invalid,127.0.0.1" });
    proxy.requests.length = 0;
    expect((await httpProbe.run({ http: `${plain.url}/direct` }, makeContext())).result).toBe("pass");
    expect(proxy.requests).toEqual([]);
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: "example.invalid" });
    expect((await httpProbe.run({ http: `${plain.url}/proxied` }, makeContext())).result).toBe("pass");
    expect(proxy.requests).toEqual([`GET ${plain.url}/proxied`]);
  });

  it("sends the proxy URL's credentials, and names a proxy that wants them", async () => {
    const guarded = await startProxy({ auth: "probe:s3cret" });
    try {
      const withAuth = guarded.url.replace("http://", "http://probe:s3cret@");
      setProxyEnv({ HTTP_PROXY: withAuth, HTTPS_PROXY: withAuth });
      expect((await httpProbe.run({ http: `${plain.url}/a` }, makeContext())).result).toBe("pass");
      expect((await httpProbe.run({ http: `${tls.url}/a`, insecure: true }, makeContext())).result).toBe("pass");
      setProxyEnv({ HTTP_PROXY: guarded.url, HTTPS_PROXY: guarded.url });
      expect(await httpProbe.run({ http: `${plain.url}/b` }, makeContext())).toEqual({ result: "fail", message: `GET ${plain.url}/b: the proxy requires authentication (407)` });
      expect(await httpProbe.run({ http: `${tls.url}/b`, insecure: true }, makeContext())).toEqual({ result: "fail", message: `GET ${tls.url}/b: the proxy refused the tunnel (407)` });
    } finally {
      await guarded.close();
    }
  });

  it("fails with the cause when the proxy is down, never reaching the target directly", async () => {
    setProxyEnv({ HTTP_PROXY: `http://127.0.0.1:${await closedPort()}` });
    const before = plain.connections;
    const out = await httpProbe.run({ http: `${plain.url}/health` }, makeContext());
    expect(out).toEqual({ result: "fail", message: `GET ${plain.url}/health: connection refused` });
    expect(plain.connections).toBe(before);
  });
});

describe("http probe: ca, cert and key", () => {
  let pki: Pki;
  let ca: TestCa;
  /** The checklist's directory: the PEM files are given relative to it. */
  let dir: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    pki = createPki();
    ca = pki.createCa("Readiness Test Internal CA");
    const serverPair = ca.issue({ cn: "localhost", san: "DNS:localhost,IP:127.0.0.1" });
    const client = ca.issue({ cn: "probe-client", purpose: "client" });
    const stranger = pki.createCa("Someone Else").issue({ cn: "intruder", purpose: "client" });
    dir = join(pki.dir, "checklist");
    mkdirSync(join(dir, "certs"), { recursive: true });
    writeFileSync(join(dir, "certs", "internal-ca.pem"), ca.cert);
    writeFileSync(join(dir, "certs", "client.pem"), client.cert);
    writeFileSync(join(dir, "certs", "client.key"), client.key);
    writeFileSync(join(dir, "certs", "stranger.pem"), stranger.cert);
    writeFileSync(join(dir, "certs", "stranger.key"), stranger.key);
    // A server that requires a client certificate issued by the internal CA.
    server = createHttpsServer({ key: serverPair.key, cert: serverPair.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as import("node:tls").TLSSocket).getPeerCertificate();
      res.end(`hello ${String(peer.subject?.CN ?? "nobody")}`);
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    pki.cleanup();
  });

  const run = (spec: Omit<HttpSpec, "http">) => httpProbe.run({ http: `https://localhost:${port}/`, ...spec }, makeContext({ cwd: dir }));

  it("presents the client certificate and trusts the internal CA: mutual TLS", async () => {
    const out = await run({ ca: "certs/internal-ca.pem", cert: "certs/client.pem", key: "certs/client.key", contains: "hello probe-client" });
    expect(out).toMatchObject({ result: "pass" });
  });

  it("fails without the CA (the server's certificate is not trusted), naming why", async () => {
    const out = await run({ cert: "certs/client.pem", key: "certs/client.key" });
    expect(out.result).toBe("fail");
    expect(out.message).toMatch(/: TLS: (self-signed certificate in the chain|certificate issuer is not trusted|unable to verify the certificate)/);
  });

  it("fails without a client certificate, or with one the server does not trust", async () => {
    for (const spec of [{ ca: "certs/internal-ca.pem" }, { ca: "certs/internal-ca.pem", cert: "certs/stranger.pem", key: "certs/stranger.key" }]) {
      const out = await run(spec);
      expect(out.result, JSON.stringify(spec)).toBe("fail");
      // Under TLS 1.3 the server refuses after the handshake: the connection closes before a response.
      expect(out.message).toMatch(/^GET https:\/\/localhost:\d+\/: (server closed the connection without a response|connection reset by peer|TLS: .*)$/);
    }
  });

  it("names a PEM file it cannot read", async () => {
    expect(await run({ ca: "certs/nope.pem" })).toEqual({ result: "fail", message: `GET https://localhost:${port}/: ca: cannot read certs/nope.pem (no such file)` });
    expect(await run({ ca: "certs/internal-ca.pem", cert: "certs", key: "certs/client.key" })).toEqual({ result: "fail", message: `GET https://localhost:${port}/: cert: cannot read certs (is a directory)` });
  });

  it("names a key that does not belong to the certificate, and a file that is not what its key says", async () => {
    expect(await run({ ca: "certs/internal-ca.pem", cert: "certs/client.pem", key: "certs/stranger.key" })).toEqual({
      result: "fail",
      message: `GET https://localhost:${port}/: key certs/stranger.key does not belong to cert certs/client.pem`,
    });
    expect((await run({ ca: "certs/client.key" })).message).toBe(`GET https://localhost:${port}/: ca: certs/client.key is not a certificate in PEM format`);
    expect((await run({ cert: "certs/client.key", key: "certs/client.key" })).message).toBe(`GET https://localhost:${port}/: cert: certs/client.key is not a certificate in PEM format`);
    expect((await run({ cert: "certs/client.pem", key: "certs/client.pem" })).message).toBe(`GET https://localhost:${port}/: key: certs/client.pem is not a private key in PEM format`);
  });

  it("asks for cert and key together", () => {
    expect(httpProbe.check!({ http: "https://x", cert: "c.pem" })).toEqual([{ path: "/cert", level: "error", message: "cert and key go together: a client certificate needs its key" }]);
    expect(httpProbe.check!({ http: "https://x", key: "k.pem" })).toEqual([{ path: "/key", level: "error", message: "cert and key go together: a client certificate needs its key" }]);
    expect(httpProbe.check!({ http: "https://x", ca: "ca.pem", cert: "c.pem", key: "k.pem" })).toEqual([]);
  });
});
