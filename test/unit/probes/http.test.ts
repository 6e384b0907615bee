import type { IncomingMessage, ServerResponse } from "node:http";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpProbe, type HttpSpec } from "../../../src/probes/http.js";
import { describeNetError } from "../../../src/util/net.js";
import { makeContext } from "../../helpers/context.js";
import { UNRESOLVABLE_HOST } from "../../helpers/unresolvable.js";
import {
  closedPort,
  ipv6Available,
  makeSelfSignedCert,
  startHttpServer,
  startHttpsServer,
  type Certificate,
  type Running,
} from "../../helpers/servers.js";
import { Ajv } from "ajv";
import { probeSchema } from "../../../src/probes/index.js";

const hasV6 = await ipv6Available();

/** What the test server saw of the last request to /echo. */
let lastRequest: { method?: string; headers: IncomingMessage["headers"]; body: string } = { headers: {}, body: "" };
/** Whether the server saw the client close the endless-body connection. */
let hugeClosed: Promise<void> = Promise.resolve();

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  switch (url.pathname) {
    case "/health":
      return json(res, 200, { status: "ok", data: { items: [{ name: "db", up: true }, { name: "cache", up: false }] }, "a.b": 1 });
    case "/down":
      res.writeHead(503, "Service Unavailable");
      return void res.end("database unreachable");
    case "/text":
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("version 1.2.3\nstatus: ok\n");
    case "/not-json":
      return void res.end("<html>oops</html>");
    case "/redirect":
      res.writeHead(302, { location: "/health" });
      return void res.end();
    case "/see-other":
      res.writeHead(303, { location: "/echo" });
      return void res.end();
    case "/temporary":
      res.writeHead(307, { location: "/echo" });
      return void res.end();
    case "/away":
      res.writeHead(302, { location: `http://127.0.0.1:${url.searchParams.get("port")}/gone` });
      return void res.end();
    case "/hardened":
      res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
      res.setHeader("X-Frame-Options", "DENY");
      res.setHeader("X-Items", "2");
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      return json(res, 200, { status: "ok", checks: { db: { latency_ms: 31 } }, items: [{ id: 1 }, { id: 2 }], tags: ["primary", "eu"], error: null });
    case "/cross":
      // Redirects wherever ?to= says, with the status ?code= says (default 302).
      res.writeHead(Number(url.searchParams.get("code") ?? 302), { location: url.searchParams.get("to") ?? "/" });
      return void res.end();
    case "/loop":
      res.writeHead(301, { location: `/loop?n=${Number(url.searchParams.get("n") ?? 0) + 1}` });
      return void res.end();
    case "/slow":
      // A slow server (not a sleeping test): answers after 150ms.
      setTimeout(() => json(res, 200, { status: "ok" }), 150);
      return;
    case "/hang":
      // Never answers: the probe must end at its timeout.
      return;
    case "/huge": {
      // An endless body: the probe must stop reading at its cap.
      res.writeHead(200, { "content-type": "text/plain" });
      hugeClosed = new Promise((resolve) => res.on("close", () => resolve()));
      const chunk = Buffer.alloc(64 * 1024, "y");
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      res.write("START ");
      return pump();
    }
    case "/chunked":
      // Chunked, in three writes the client reads as they come.
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":');
      setTimeout(() => {
        res.write('"o');
        res.end('k"}');
      }, 10);
      return;
    case "/hints":
      // An interim 103 before the final response.
      res.writeEarlyHints({ link: "</style.css>; rel=preload; as=style" });
      return void res.end("after hints");
    case "/echo": {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        lastRequest = { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() };
        json(res, 200, { method: req.method });
      });
      return;
    }
    default:
      res.writeHead(404);
      return void res.end("not found");
  }
}

let server: Running;
let cert: Certificate;
let https: Running;

beforeAll(async () => {
  server = await startHttpServer(handler);
  cert = makeSelfSignedCert();
  https = await startHttpsServer(handler, cert);
});
afterAll(async () => {
  await server.close();
  await https.close();
});

const probe = (spec: HttpSpec, ctx = makeContext()) => httpProbe.run(spec, ctx);

describe("http probe: status", () => {
  it("passes on 2xx by default with the status line and latency", async () => {
    const out = await probe({ http: `${server.url}/health` });
    expect(out.result).toBe("pass");
    expect(out.message).toMatch(new RegExp(`^GET ${server.url}/health: 200 OK in \\d+(ms|\\.\\ds)$`));
    expect(out.observed).toMatchObject({ status: 200 });
    expect((out.observed as { latency_ms: number }).latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("fails on an unexpected status", async () => {
    const out = await probe({ http: `${server.url}/down`, status: 200 });
    expect(out).toMatchObject({ result: "fail", message: `GET ${server.url}/down: expected status 200, got 503`, observed: { status: 503 } });
    expect((await probe({ http: `${server.url}/down` })).message).toBe(`GET ${server.url}/down: expected status 2xx, got 503`);
  });

  it("accepts lists and patterns", async () => {
    expect((await probe({ http: `${server.url}/down`, status: [200, 503] })).result).toBe("pass");
    expect((await probe({ http: `${server.url}/down`, status: "5xx" })).result).toBe("pass");
    expect((await probe({ http: `${server.url}/missing`, status: ["2xx", "3xx"] })).message).toBe(
      `GET ${server.url}/missing: expected status 2xx or 3xx, got 404`,
    );
  });
});

describe("http probe: body assertions", () => {
  it("checks contains, not_contains and matches", async () => {
    expect(await probe({ http: `${server.url}/text`, contains: ["status: ok"], not_contains: "error", matches: "^version \\d+\\.\\d+" })).toMatchObject({
      result: "pass",
    });
    const out = await probe({ http: `${server.url}/text`, contains: "ready", not_contains: ["status"], matches: "^v9" });
    expect(out.message).toBe(`GET ${server.url}/text: body does not contain "ready"; body contains "status"; body does not match /^v9/`);
  });

  it("checks JSON paths by deep equality", async () => {
    const pass = await probe({
      http: `${server.url}/health`,
      json: { status: "ok", "$.data.items.0.name": "db", "data.items[1]": { name: "cache", up: false }, '["a.b"]': 1 },
    });
    expect(pass).toMatchObject({ result: "pass" });
    const fail = await probe({ http: `${server.url}/health`, json: { "data.items.1.up": true, "data.nope": 1 } });
    expect(fail.message).toBe(`GET ${server.url}/health: json data.items.1.up: expected true, got false; json data.nope is missing (expected 1)`);
  });

  it("compares JSON values with matchers", async () => {
    const pass = await probe({
      http: `${server.url}/hardened`,
      json: { status: "ok", "checks.db.latency_ms": { gt: 0, lt: 50 }, items: { length: { gte: 1 } }, tags: { contains: "primary" }, missing: { exists: false } },
    });
    expect(pass).toMatchObject({ result: "pass" });
    const fail = await probe({ http: `${server.url}/hardened`, json: { "checks.db.latency_ms": { lt: 10 }, items: { length: 3 }, error: { exists: false }, status: { matches: "^up$" } } });
    expect(fail.message).toBe(
      `GET ${server.url}/hardened: json checks.db.latency_ms: expected < 10, got 31; json items length: expected 3, got 2; json error is present (expected absent); json status does not match /^up$/ (got "ok")`,
    );
  });

  it("fails when the body is not JSON", async () => {
    const out = await probe({ http: `${server.url}/not-json`, json: { status: "ok" } });
    expect(out.message).toBe(`GET ${server.url}/not-json: body is not valid JSON`);
  });

  it("stops reading an endless body at the cap and says so only when an assertion needed more", async () => {
    const ctx = () => makeContext({ limits: { maxBodyBytes: 1024 * 1024, maxOutputBytes: 1024, maxFileBytes: 1024 } });
    const t0 = Date.now();
    const pass = await probe({ http: `${server.url}/huge`, contains: "START" }, ctx());
    expect(pass).toMatchObject({ result: "pass", message: expect.stringMatching(/: 200 OK in /) });
    await hugeClosed; // the server saw the probe hang up
    const fail = await probe({ http: `${server.url}/huge`, contains: "END" }, ctx());
    expect(fail).toMatchObject({ result: "fail", message: `GET ${server.url}/huge: body does not contain "END"; body truncated at 1 MiB` });
    await hugeClosed;
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("does not read the body when no assertion needs it", async () => {
    const out = await probe({ http: `${server.url}/huge` }, makeContext({ timeoutMs: 2000 }));
    expect(out.result).toBe("pass");
    await hugeClosed;
  });
});

describe("http probe: response headers", () => {
  it("checks response headers by name in any case, with the same matchers", async () => {
    const pass = await probe({
      http: `${server.url}/hardened`,
      response_headers: {
        "strict-transport-security": { matches: "max-age=\\d+" },
        "X-Frame-Options": "DENY",
        "Content-Type": { contains: "json" },
        "X-Items": { gte: 2 },
        Server: { exists: false },
        "Set-Cookie": "a=1, b=2",
      },
    });
    expect(pass).toMatchObject({ result: "pass" });
    const fail = await probe({ http: `${server.url}/hardened`, response_headers: { "X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": { exists: true }, "x-frame-options": { exists: false } } });
    expect(fail.message).toBe(
      `GET ${server.url}/hardened: header X-Frame-Options: expected "SAMEORIGIN", got "DENY"; header Content-Security-Policy is missing (expected present); header x-frame-options is present (expected absent)`,
    );
  });

  it("checks the headers of the final response after redirects, without reading the body", async () => {
    const out = await probe({ http: `${server.url}/cross?to=/hardened`, response_headers: { "X-Frame-Options": "DENY" } });
    expect(out).toMatchObject({ result: "pass", observed: { final_url: `${server.url}/hardened` } });
  });
});

describe("http probe: requests", () => {
  it("sends method, headers and a JSON body", async () => {
    const out = await probe({ http: `${server.url}/echo`, method: "post", headers: { "X-Token": "s3cret", "X-Count": 5 }, body: { a: [1, 2] } });
    expect(out.result).toBe("pass");
    expect(out.message).toMatch(/^POST /);
    expect(out.message).not.toContain("s3cret");
    expect(lastRequest).toMatchObject({ method: "POST", body: '{"a":[1,2]}' });
    expect(lastRequest.headers).toMatchObject({ "x-token": "s3cret", "x-count": "5", "content-type": "application/json", "content-length": "11" });
  });

  it("keeps a content-type the checklist set and sends string bodies as is", async () => {
    await probe({ http: `${server.url}/echo`, method: "PUT", headers: { "Content-Type": "text/csv" }, body: "a,b" });
    expect(lastRequest).toMatchObject({ method: "PUT", body: "a,b" });
    expect(lastRequest.headers["content-type"]).toBe("text/csv");
  });

  it("sends URL userinfo as basic auth and hides the password in messages", async () => {
    const url = server.url.replace("http://", "http://admin:pa55@");
    const out = await probe({ http: `${url}/echo` });
    expect(lastRequest.headers.authorization).toBe(`Basic ${Buffer.from("admin:pa55").toString("base64")}`);
    expect(out.message).not.toContain("pa55");
    expect(out.message).toContain("admin:***@");
    expect(httpProbe.target({ http: `${url}/echo` })).not.toContain("pa55");
  });
});

describe("http probe: redirects", () => {
  it("follows redirects and names the final URL", async () => {
    const out = await probe({ http: `${server.url}/redirect`, json: { status: "ok" } });
    expect(out.result).toBe("pass");
    expect(out.message).toBe(`GET ${server.url}/redirect: 200 OK in ${/in (\S+)/.exec(out.message)?.[1]} (1 redirect → ${server.url}/health)`);
    expect(out.observed).toMatchObject({ status: 200, final_url: `${server.url}/health` });
  });

  it("does not follow when told not to", async () => {
    const out = await probe({ http: `${server.url}/redirect`, follow_redirects: false });
    expect(out.message).toBe(`GET ${server.url}/redirect: expected status 2xx, got 302 (Location: /health)`);
    expect((await probe({ http: `${server.url}/redirect`, follow_redirects: false, status: 302 })).result).toBe("pass");
  });

  it("turns POST into GET on 303 and keeps it on 307", async () => {
    await probe({ http: `${server.url}/see-other`, method: "POST", body: "x=1" });
    expect(lastRequest).toMatchObject({ method: "GET", body: "" });
    await probe({ http: `${server.url}/temporary`, method: "POST", body: "x=1" });
    expect(lastRequest).toMatchObject({ method: "POST", body: "x=1" });
  });

  describe("across origins", () => {
    /** What a second origin saw: each request's method, headers and body. */
    const seen: { method?: string; headers: IncomingMessage["headers"]; body: string }[] = [];
    let other: Running;
    beforeAll(async () => {
      other = await startHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() });
          res.end("ok");
        });
      });
    });
    afterAll(() => other.close());

    const secrets = { Authorization: "Bearer t0ken", Cookie: "session=c00kie", "X-Api-Key": "k3y", "X-Tenant": "acme" };
    const cross = (to: string, code = 302) => `${server.url}/cross?code=${code}&to=${encodeURIComponent(to)}`;

    it("sends none of the checklist's headers (nor URL credentials) to another origin, and all of them within one", async () => {
      seen.length = 0;
      const withUser = cross(`${other.url}/landing`).replace("http://", "http://admin:pa55@");
      const out = await probe({ http: withUser, headers: secrets, contains: "ok" });
      expect(out.result).toBe("pass");
      expect(seen).toHaveLength(1);
      for (const h of ["authorization", "cookie", "x-api-key", "x-tenant"]) expect(seen[0]!.headers[h], h).toBeUndefined();
      expect(seen[0]!.headers["user-agent"]).toBe("readiness");

      await probe({ http: cross("/echo"), headers: secrets });
      expect(lastRequest.headers).toMatchObject({ authorization: "Bearer t0ken", cookie: "session=c00kie", "x-api-key": "k3y", "x-tenant": "acme" });
    });

    it.each([307, 308])("does not send a request body to another origin on a %i, and says so", async (code) => {
      seen.length = 0;
      const target = `${other.url}/upload`;
      const out = await probe({ http: cross(target, code), method: "POST", body: { secret: "s3cret-body" } });
      expect(out).toEqual({
        result: "fail",
        message: `POST ${cross(target, code)}: ${code} redirect to another origin (${target}) not followed: the request body is not sent across origins`,
      });
      expect(seen).toHaveLength(0);
      // Within the origin the body follows, as before.
      await probe({ http: cross("/echo", code), method: "POST", body: "x=1" });
      expect(lastRequest).toMatchObject({ method: "POST", body: "x=1" });
    });

    it("follows a 303 after POST to another origin as a GET without the body", async () => {
      seen.length = 0;
      expect((await probe({ http: cross(`${other.url}/done`, 303), method: "POST", body: "x=1", headers: { "X-Api-Key": "k3y" } })).result).toBe("pass");
      expect(seen).toEqual([expect.objectContaining({ method: "GET", body: "" })]);
      expect(seen[0]!.headers["x-api-key"]).toBeUndefined();
    });
  });

  it("names the redirect target when it is the one that fails", async () => {
    const port = await closedPort();
    const out = await probe({ http: `${server.url}/away?port=${port}` });
    expect(out).toEqual({
      result: "fail",
      message: `GET ${server.url}/away?port=${port}: connection refused (at http://127.0.0.1:${port}/gone, after 1 redirect)`,
    });
  });

  it("gives up after 10 redirects", async () => {
    const out = await probe({ http: `${server.url}/loop` });
    expect(out).toEqual({ result: "fail", message: `GET ${server.url}/loop: too many redirects (more than 10)` });
  });
});

describe("http probe: connection failures and timeouts", () => {
  it("reports a refused connection", async () => {
    const port = await closedPort();
    const out = await probe({ http: `http://localhost:${port}/health` });
    expect(out).toEqual({ result: "fail", message: `GET http://localhost:${port}/health: connection refused` });
  });

  it("reports an unknown host", async () => {
    const out = await probe({ http: `http://${UNRESOLVABLE_HOST}/health` });
    expect(out).toEqual({ result: "fail", message: `GET http://${UNRESOLVABLE_HOST}/health: host not found` });
  });

  it("ends at the timeout when the server never answers", async () => {
    const t0 = Date.now();
    const out = await probe({ http: `${server.url}/hang` }, makeContext({ timeoutMs: 300 }));
    expect(out).toEqual({ result: "fail", message: `GET ${server.url}/hang: timed out after 300ms` });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("says aborted when the run is interrupted", async () => {
    const ac = new AbortController();
    const pending = probe({ http: `${server.url}/hang` }, makeContext({ signal: ac.signal, timeoutMs: 10_000 }));
    setTimeout(() => ac.abort(), 50);
    expect(await pending).toEqual({ result: "fail", message: `GET ${server.url}/hang: aborted` });
  });

  it("fails when latency exceeds max_latency", async () => {
    const ok = await probe({ http: `${server.url}/health`, max_latency: "5s" });
    expect(ok.result).toBe("pass");
    const slow = await probe({ http: `${server.url}/slow`, max_latency: "50ms" });
    expect(slow.result).toBe("fail");
    expect(slow.message).toMatch(new RegExp(`^GET ${server.url}/slow: latency \\d+(ms|\\.\\ds) exceeds max 50ms$`));
    expect((slow.observed as { latency_ms: number }).latency_ms).toBeGreaterThanOrEqual(150);
  });

  it("reports a server that closes without answering", async () => {
    const { startTcpServer } = await import("../../helpers/servers.js");
    const rude = await startTcpServer("127.0.0.1", (s) => s.end());
    try {
      const out = await probe({ http: `http://127.0.0.1:${rude.port}/` });
      expect(out).toEqual({ result: "fail", message: `GET http://127.0.0.1:${rude.port}/: server closed the connection without a response` });
    } finally {
      await rude.close();
    }
  });
});

describe("http probe: the wire", () => {
  /** A raw server that answers every connection with `reply` (once it has read the request head) and closes. */
  async function rawServer(reply: string | Buffer): Promise<{ url: string; close: () => Promise<void> }> {
    const { startTcpServer } = await import("../../helpers/servers.js");
    const tcp = await startTcpServer("127.0.0.1", (s) => {
      let seen = "";
      s.on("data", (d: Buffer) => {
        seen += d.toString("latin1");
        if (seen.includes("\r\n\r\n")) s.end(reply);
      });
      s.on("error", () => undefined);
    });
    return { url: `http://127.0.0.1:${tcp.port}`, close: () => tcp.close() };
  }

  it("reads chunked bodies, skips interim 103 responses, and asks HEAD for no body", async () => {
    expect(await probe({ http: `${server.url}/chunked`, json: { status: "ok" } })).toMatchObject({ result: "pass" });
    expect(await probe({ http: `${server.url}/hints`, contains: "after hints" })).toMatchObject({ result: "pass", message: expect.stringMatching(/: 200 OK in /) });
    expect(await probe({ http: `${server.url}/echo`, method: "HEAD" })).toMatchObject({ result: "pass" });
    expect(lastRequest.method).toBe("HEAD");
  });

  it("reads a body that runs to the close from a bare HTTP/1.0 server", async () => {
    const bare = await rawServer("HTTP/1.0 200 Fine\r\nX-Old: 1\r\n\r\nversion 2.0 up");
    try {
      expect(await probe({ http: `${bare.url}/`, contains: "version 2.0" })).toEqual({
        result: "pass",
        message: expect.stringMatching(new RegExp(`^GET ${bare.url}/: 200 Fine in `)),
        observed: expect.objectContaining({ status: 200 }),
      });
    } finally {
      await bare.close();
    }
  });

  it("names a response it cannot read, and one cut off in its body", async () => {
    for (const [reply, cause] of [
      ["SSH-2.0-OpenSSH_9.6\r\n\r\n", "invalid HTTP response (the server did not answer in HTTP/1.x)"],
      ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "invalid HTTP response (body length does not match Content-Length)"],
      ["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "connection closed while reading the body"],
      // Line ends must be CRLF (RFC 9112), as undici's parser (llhttp) requires.
      ["HTTP/1.0 200 Fine\nX-Old: 1\n\nversion 2.0 up", "invalid HTTP response (missing expected CR after response line)"],
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid HTTP response (invalid character in chunk size)"],
      // The response head is limited (64 KiB).
      [`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(70 * 1024)}\r\n\r\n`, "invalid HTTP response (response head too large)"],
      ["HTTP/1.1 200 OK\r\nContent-Le", "server closed the connection without a response"],
    ] as const) {
      const bad = await rawServer(reply);
      try {
        expect(await probe({ http: `${bad.url}/`, contains: "x" })).toEqual({ result: "fail", message: `GET ${bad.url}/: ${cause}` });
      } finally {
        await bad.close();
      }
    }
  });

  it("refuses a header value that would split the request, without echoing it", async () => {
    const out = await probe({ http: `${server.url}/echo`, headers: { authorization: "Bearer abc\r\nX-Injected: 1" } });
    expect(out.result).toBe("fail");
    expect(out.message).toBe(`GET ${server.url}/echo: request not sent: invalid authorization header`);
    expect(out.message).not.toContain("Bearer abc");
  });
});

describe("http probe: localhost on either address family", () => {
  it("reaches an IPv4-only server as localhost", async () => {
    expect((await probe({ http: `http://localhost:${server.port}/health` })).result).toBe("pass");
  });

  it.runIf(hasV6)("reaches an IPv6-only server as localhost and as [::1]", async () => {
    const v6 = await startHttpServer(handler, "::1");
    try {
      const out = await probe({ http: `http://localhost:${v6.port}/health`, json: { status: "ok" } });
      expect(out).toMatchObject({ result: "pass" });
      expect((await probe({ http: `${v6.url}/health` })).message).toMatch(/^GET http:\/\/\[::1\]:\d+\/health: 200 OK/);
    } finally {
      await v6.close();
    }
  });
});

describe("http probe: TLS", () => {
  it("rejects a self-signed certificate, naming it", async () => {
    const out = await probe({ http: `${https.url}/health` });
    expect(out).toEqual({
      result: "fail",
      message: `GET ${https.url}/health: TLS: self-signed certificate (set insecure: true to skip verification)`,
    });
  });

  it("accepts it with insecure: true, also as localhost", async () => {
    expect(await probe({ http: `${https.url}/health`, insecure: true, json: { status: "ok" } })).toMatchObject({ result: "pass" });
    expect((await probe({ http: `https://localhost:${https.port}/health`, insecure: true })).result).toBe("pass");
  });

  it("reports plain HTTP spoken to a TLS port and TLS spoken to a plain port", async () => {
    const plainToTls = await probe({ http: `http://127.0.0.1:${https.port}/health` });
    expect(plainToTls.result).toBe("fail");
    expect(plainToTls.message).toBe(`GET http://127.0.0.1:${https.port}/health: server closed the connection without a response`);
    const tlsToPlain = await probe({ http: `https://127.0.0.1:${server.port}/health` });
    expect(tlsToPlain.message).toBe(`GET https://127.0.0.1:${server.port}/health: TLS handshake failed (is this port plain HTTP?)`);
  });

  it("opens a new connection with a full handshake for every probe: no probe's latency is helped by another's", async () => {
    const { createServer } = await import("node:https");
    const resumed: boolean[] = [];
    const srv = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.end("ok"));
    srv.on("secureConnection", (s: import("node:tls").TLSSocket) => s.once("data", () => resumed.push(s.isSessionReused())));
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    try {
      const port = (srv.address() as import("node:net").AddressInfo).port;
      for (let i = 0; i < 3; i++) expect((await probe({ http: `https://127.0.0.1:${port}/`, insecure: true })).result).toBe("pass");
      expect(resumed).toEqual([false, false, false]);
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
    const before = server.connections;
    for (let i = 0; i < 3; i++) await probe({ http: `${server.url}/health` });
    expect(server.connections - before).toBe(3);
  });

  /** A real handshake trusting `c`, so verification gets past the self-signed check to the next error. */
  function handshakeError(c: Certificate, port: number, servername: string): Promise<unknown> {
    return new Promise((resolve) => {
      const s = tlsConnect({ host: "127.0.0.1", port, servername, ca: c.cert }, () => {
        s.destroy();
        resolve(undefined);
      });
      s.on("error", resolve);
    });
  }

  it("names a hostname mismatch", async () => {
    const err = await handshakeError(cert, https.port, "other.example");
    expect(describeNetError(err)).toMatch(/^TLS: hostname mismatch \(Host: other\.example\. is not in the cert's altnames: DNS:localhost/);
  });

  it("names an expired certificate", async () => {
    const old = makeSelfSignedCert({ expired: true });
    const srv = await startHttpsServer(handler, old);
    try {
      expect(describeNetError(await handshakeError(old, srv.port, "localhost"))).toBe("TLS: certificate has expired");
      const out = await probe({ http: `https://localhost:${srv.port}/health` });
      expect(out.result).toBe("fail");
      expect(out.message).toMatch(/: TLS: (certificate has expired|self-signed certificate)/);
    } finally {
      await srv.close();
    }
  });
});

describe("http probe: check and target", () => {
  it("flags assertions that check nothing and invalid input", () => {
    const issues = httpProbe.check!({
      http: "ftp://example.com",
      method: "GE T",
      headers: { "Bad Name": "x", "X-Ok": "s3cret\nvalue" },
      contains: [],
      matches: ["ok", "("],
      json: {},
    });
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath).toMatchObject({
      "/http": "unsupported scheme ftp: (expected http:// or https://)",
      "/method": 'invalid HTTP method "GE T"',
      "/headers/Bad Name": 'invalid header name "Bad Name"',
      "/headers/X-Ok": "header X-Ok contains a line break or NUL",
      "/contains": expect.stringMatching(/empty list/),
      "/matches/1": expect.stringMatching(/^invalid regular expression \/\(\//),
      "/json": expect.stringMatching(/checks nothing/),
    });
    expect(issues.every((i) => i.level === "error")).toBe(true);
    // Header values may be secrets: never echoed.
    expect(JSON.stringify(issues)).not.toContain("s3cret");
  });

  it("flags bad JSON paths and an unparseable URL, and accepts a good spec", () => {
    expect(httpProbe.check!({ http: "not a url", json: { "a..b": 1 } }).map((i) => i.path)).toEqual(["/http", "/json/a..b"]);
    expect(httpProbe.check!({ http: "https://example.com/health", status: [200, "3xx"], json: { "$.status": "ok" }, contains: "ok" })).toEqual([]);
  });

  it("flags matchers that cannot work, and response header names that cannot be", () => {
    const issues = httpProbe.check!({
      http: "https://example.com",
      json: { n: { gt: "5" }, items: { length: { gte: "1" } } },
      response_headers: { "Bad Name": "x", Server: { exists: false, matches: "a" }, "X-Frame-Options": { matches: "(" } },
    });
    expect(Object.fromEntries(issues.map((i) => [i.path, i.message]))).toEqual({
      "/json/n/gt": "gt takes a number",
      "/json/items/length/gte": "gte takes a number",
      "/response_headers/Bad Name": 'invalid header name "Bad Name"',
      "/response_headers/Server": "exists: false cannot be combined with tests of the value",
      "/response_headers/X-Frame-Options/matches": expect.stringMatching(/^invalid regular expression \/\(\//),
    });
    expect(httpProbe.check!({ http: "https://x", response_headers: {} })[0]?.message).toMatch(/^response_headers is empty/);
  });

  it("tolerates specs the schema has not vetted", () => {
    expect(() => httpProbe.check!({ http: 42, method: 7, headers: null, status: "x", json: [], response_headers: null } as unknown as HttpSpec)).not.toThrow();
  });
});

describe("http probe: schema", () => {
  // Compiled the way the checklist validator compiles it (union types allowed), plus ajv's strict checks.
  const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(probeSchema("http"));
  it.each([{ http: "http://x", status: 200, contains: "a", json: { "a.b": 1 }, headers: { A: 1 }, body: { a: 1 }, max_latency: "5ms", timeout: "1s" }, { http: "http://x", status: ["2xx", 301], method: "HEAD", insecure: true, follow_redirects: false }, { http: "https://x", ca: "ca.pem", cert: "c.pem", key: "k.pem", response_headers: { Server: { exists: false }, "X-A": "b" }, json: { n: { lt: 5 } } }])("accepts %j", (spec) => {
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
  });
  it.each([{ http: "http://x", status: "abc" }, { http: "http://x", status: 99 }, { http: "http://x", contains: [] }, { http: "http://x", timout: "1s" }, { http: "http://x", max_latency: "fast" }, { http: "http://x", ca: "" }, { http: "http://x", response_headers: "Server" }])("rejects %j", (spec) => {
    expect(validate(spec)).toBe(false);
  });
});
