/**
 * The tls probe against real TLS servers on 127.0.0.1 with certificates made by openssl in the test:
 * valid, expiring, expired, not yet valid, wrong host, self-signed, unknown CA, an intermediate that
 * expires first, TLS 1.2-only; and endpoints that are down, silent or not TLS at all.
 */
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { probeSchema } from "../../../src/probes/index.js";
import { parseTlsTarget, tlsProbe, type TlsSpec } from "../../../src/probes/tls.js";
import { makeContext } from "../../helpers/context.js";
import { closedPort } from "../../helpers/servers.js";
import { createPki, opensslVersion, startTlsServer, type KeyPair, type Pki, type TestCa, type TlsServer } from "../../helpers/tls.js";

const DAY_MS = 86_400_000;
let pki: Pki;
let ca: TestCa;
const servers: TlsServer[] = [];
const ports: Record<string, number> = {};

async function serve(name: string, pair: KeyPair, options: Parameters<typeof startTlsServer>[1] = {}): Promise<void> {
  const s = await startTlsServer(pair, options);
  servers.push(s);
  ports[name] = s.port;
}

beforeAll(async () => {
  if (!opensslVersion()) throw new Error("the openssl CLI is required by the tls probe tests (apt-get install openssl)");
  pki = createPki();
  ca = pki.createCa("Readiness Test CA");
  const san = "DNS:localhost,IP:127.0.0.1";
  // Validity ends an hour past a whole number of days, so "days left" is that number all test long.
  await serve("valid", ca.issue({ cn: "localhost", san, toDays: 90 + 1 / 24 }));
  await serve("tls12", ca.issue({ cn: "localhost", san, toDays: 90 }), { maxVersion: "TLSv1.2" });
  await serve("expiring", ca.issue({ cn: "localhost", san, toDays: 5 + 1 / 24 }));
  await serve("expired", ca.issue({ cn: "localhost", san, fromDays: -30, toDays: -3 - 1 / 24 }));
  await serve("future", ca.issue({ cn: "localhost", san, fromDays: 2, toDays: 60 }));
  await serve("wronghost", ca.issue({ cn: "other.example", san: "DNS:other.example" }));
  await serve("internal", ca.issue({ cn: "api.internal", san: "DNS:api.internal" }));
  await serve("self", pki.selfSigned("localhost", san, 30));
  const intermediate = ca.issueIntermediate({ cn: "Readiness Intermediate", toDays: 10 + 1 / 24 });
  await serve("chain", intermediate.issue({ cn: "localhost", san, toDays: 200 }));
  ports.refused = await closedPort("127.0.0.1");
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki?.cleanup();
});

const run = (spec: Partial<TlsSpec> & { tls: string }, ctx = makeContext({ cwd: pki.dir })) => tlsProbe.run(spec, ctx);
const at = (name: string, host = "127.0.0.1") => `${host}:${ports[name]}`;

describe("tls probe", () => {
  it("passes a trusted certificate with days left, subject, issuer and protocol", async () => {
    const r = await run({ tls: at("valid", "localhost"), ca: ca.certFile });
    expect(r.result).toBe("pass");
    expect(r.message).toMatch(
      new RegExp(`^localhost:${ports.valid}: certificate CN=localhost valid for 90 days \\(until \\d{4}-\\d\\d-\\d\\d\\), issuer CN=Readiness Test CA, TLSv1\\.3$`),
    );
    expect(r.observed).toMatchObject({ days_left: 90, protocol: "TLSv1.3", issuer: "CN=Readiness Test CA", subject: "CN=localhost", verified: true });
    const validTo = Date.parse((r.observed as { valid_to: string }).valid_to);
    expect(Math.abs(validTo - (Date.now() + 90 * DAY_MS + 3_600_000))).toBeLessThan(120_000);
  });

  it("checks an IP target against the certificate's IP addresses", async () => {
    expect(await run({ tls: at("valid"), ca: ca.certFile })).toMatchObject({ result: "pass" });
  });

  it("fails a certificate expiring within min_days (default 14), and passes it with a lower minimum", async () => {
    const r = await run({ tls: at("expiring", "localhost"), ca: ca.certFile });
    expect(r).toMatchObject({
      result: "fail",
      message: `localhost:${ports.expiring}: certificate CN=localhost expires in 5 days (min 14), issuer CN=Readiness Test CA, TLSv1.3`,
      observed: { days_left: 5 },
    });
    expect(await run({ tls: at("expiring"), ca: ca.certFile, min_days: 5 })).toMatchObject({ result: "pass" });
    expect(await run({ tls: at("expiring"), ca: ca.certFile, min_days: 6 })).toMatchObject({ result: "fail" });
  });

  it("judges expiry by the context's clock", async () => {
    const later = new Date(Date.now() + 80 * DAY_MS);
    const r = await run({ tls: at("valid"), ca: ca.certFile }, makeContext({ now: () => later }));
    expect(r).toMatchObject({ result: "fail", observed: { days_left: 10 } });
    expect(r.message).toContain("certificate CN=localhost expires in 10 days (min 14)");
  });

  it("fails an expired certificate, even with insecure", async () => {
    for (const insecure of [false, true]) {
      const r = await run({ tls: at("expired"), ca: ca.certFile, insecure });
      expect(r.result).toBe("fail");
      expect(r.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${ports.expired}: certificate CN=localhost expired 3 days ago \\(\\d{4}-\\d\\d-\\d\\d\\), issuer CN=Readiness Test CA, TLSv1\\.3`));
      expect(r.observed).toMatchObject({ days_left: -4 });
    }
  });

  it("fails a certificate that is not valid yet", async () => {
    const r = await run({ tls: at("future"), ca: ca.certFile });
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/: certificate CN=localhost not yet valid \(valid from \d{4}-\d\d-\d\d\), issuer /);
  });

  it("names a hostname mismatch, and servername fixes it (SNI and check)", async () => {
    const r = await run({ tls: at("wronghost", "localhost"), ca: ca.certFile });
    expect(r.result).toBe("fail");
    expect(r.message).toBe(
      `localhost:${ports.wronghost}: hostname mismatch: certificate is for DNS:other.example, not localhost, issuer CN=Readiness Test CA, TLSv1.3`,
    );
    expect(await run({ tls: at("internal"), ca: ca.certFile, servername: "api.internal" })).toMatchObject({ result: "pass" });
    const wrong = await run({ tls: at("internal"), ca: ca.certFile, servername: "api.example" });
    expect(wrong.message).toContain("hostname mismatch: certificate is for DNS:api.internal, not api.example");
  });

  it("names a self-signed certificate; insecure skips verification but reports it", async () => {
    const r = await run({ tls: at("self") });
    expect(r.result).toBe("fail");
    expect(r.message).toBe(`127.0.0.1:${ports.self}: certificate not trusted: self-signed certificate, issuer CN=localhost, TLSv1.3`);
    const insecure = await run({ tls: at("self"), insecure: true });
    expect(insecure).toMatchObject({ result: "pass", observed: { verified: false } });
    expect(insecure.message).toMatch(/valid for (29|30) days .*, issuer CN=localhost, TLSv1\.3 \(not verified: insecure\)$/);
  });

  it("names an unknown CA, and trusts it when given as ca", async () => {
    const r = await run({ tls: at("valid") });
    expect(r.message).toContain("certificate not trusted: unknown CA (unable to verify the first certificate)");
    expect(await run({ tls: at("valid"), ca: ca.certFile })).toMatchObject({ result: "pass" });
  });

  it("fails when an intermediate in the chain expires before min_days", async () => {
    const r = await run({ tls: at("chain"), ca: ca.certFile });
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^127\.0\.0\.1:\d+: chain certificate CN=Readiness Intermediate expires in 10 days \(min 14\), issuer CN=Readiness Intermediate, TLSv1\.3$/);
    expect(r.observed).toMatchObject({ chain_days_left: 10, verified: true });
    expect(await run({ tls: at("chain"), ca: ca.certFile, min_days: 10 })).toMatchObject({ result: "pass" });
  });

  it("checks min_version against the negotiated protocol", async () => {
    const r = await run({ tls: at("tls12"), ca: ca.certFile, min_version: "TLSv1.3" });
    expect(r).toMatchObject({ result: "fail", observed: { protocol: "TLSv1.2" } });
    expect(r.message).toMatch(/: protocol TLSv1\.2 < min TLSv1\.3, issuer CN=Readiness Test CA, TLSv1\.2$/);
    expect(await run({ tls: at("tls12"), ca: ca.certFile, min_version: "TLSv1.2" })).toMatchObject({ result: "pass" });
    expect(await run({ tls: at("valid"), ca: ca.certFile, min_version: "TLSv1.3" })).toMatchObject({ result: "pass" });
  });

  it("fails with the cause when nothing listens, when the port is not TLS, and on a missing ca file", async () => {
    expect(await run({ tls: at("refused") })).toEqual({ result: "fail", message: `127.0.0.1:${ports.refused}: connection refused` });
    // The servers read what they are sent (resume), or they would never see the client leave.
    const plain: Server = createServer((s) => s.resume().end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      const port = (plain.address() as { port: number }).port;
      const r = await run({ tls: `127.0.0.1:${port}` });
      expect(r.result).toBe("fail");
      expect(r.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}: TLS handshake failed`));
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
    expect(await run({ tls: at("valid"), ca: "no-such-ca.pem" })).toEqual({
      result: "fail",
      message: `127.0.0.1:${ports.valid}: cannot read ca file no-such-ca.pem: no such file`,
    });
  });

  it("gives up at the timeout on a server that never answers the handshake", async () => {
    const silent: Server = createServer((s) => s.resume());
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const started = performance.now();
      const r = await run({ tls: `127.0.0.1:${port}` }, makeContext({ timeoutMs: 300 }));
      expect(r).toEqual({ result: "fail", message: `127.0.0.1:${port}: timed out after 300ms` });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("tls probe validation", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(probeSchema("tls"));

  it("accepts the documented keys and rejects others", () => {
    expect(validate({ tls: "example.com:443", min_days: 30, min_version: "TLSv1.3", servername: "example.com", ca: "ca.pem", insecure: false })).toBe(true);
    expect(validate({ tls: "example.com:443", min_version: "TLSv1.1" })).toBe(false);
    expect(validate({ tls: "example.com:443", min_days: -1 })).toBe(false);
    expect(validate({ tls: "example.com:443", insecure: "yes" })).toBe(false);
  });

  it("checks the target is host:port", () => {
    expect(tlsProbe.check?.({ tls: "example.com:443" })).toEqual([]);
    expect(tlsProbe.check?.({ tls: "[::1]:8443" })).toEqual([]);
    expect(tlsProbe.check?.({ tls: "example.com:99999" })).toMatchObject([{ path: "/tls" }]);
    expect(tlsProbe.check?.({ tls: "https://example.com" })).toMatchObject([{ path: "/tls" }]);
    expect(tlsProbe.check?.({ tls: "example.com:99999" })).toEqual([{ path: "/tls", message: "port 99999 is out of range 1-65535" }]);
  });

  it("defaults the port to 443", () => {
    expect(parseTlsTarget("example.com")).toEqual({ host: "example.com", port: 443 });
    expect(parseTlsTarget("[::1]")).toEqual({ host: "::1", port: 443 });
    expect(parseTlsTarget("[::1]:8443")).toEqual({ host: "::1", port: 8443 });
    expect(parseTlsTarget("10.0.0.1:8443")).toEqual({ host: "10.0.0.1", port: 8443 });
  });
});
