/**
 * The dns probe: system lookups of localhost (hosts file), and typed queries answered by a small
 * authoritative DNS responder this test serves over UDP on 127.0.0.1 (the probe's `server` key).
 */
import { createSocket, type Socket } from "node:dgram";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dnsProbe, type DnsSpec } from "../../../src/probes/dns.js";
import { probeSchema } from "../../../src/probes/index.js";
import { makeContext } from "../../helpers/context.js";
import { UNRESOLVABLE_HOST } from "../../helpers/unresolvable.js";

// ---------------------------------------------------------------------------------------------
// A tiny DNS responder (RFC 1035 wire format): enough for A, AAAA, CNAME, TXT, MX, NS, SRV.
// ---------------------------------------------------------------------------------------------

const TYPE = { A: 1, NS: 2, CNAME: 5, MX: 15, TXT: 16, AAAA: 28, SRV: 33 } as const;
type RecordType = keyof typeof TYPE;
type Rdata = string | string[] | { priority: number; exchange: string } | { priority: number; weight: number; port: number; target: string };

/** Zone: name → type → records. Names not here get NXDOMAIN; `fail.test` SERVFAIL; `silent.test` no answer. */
const ZONE: Record<string, Partial<Record<RecordType, Rdata[]>>> = {
  "api.test": { A: ["192.0.2.10", "192.0.2.11"], AAAA: ["2001:db8::10"] },
  "www.test": { CNAME: ["api.test"] },
  "mail.test": { MX: [{ priority: 10, exchange: "mx1.mail.test" }, { priority: 20, exchange: "mx2.mail.test" }] },
  "txt.test": { TXT: [["v=spf1 ", "include:_spf.example.com ~all"], ["google-site-verification=abc123"]] },
  "_sip._tcp.test": { SRV: [{ priority: 10, weight: 5, port: 5060, target: "sip.test" }] },
  "zone.test": { NS: ["ns1.zone.test", "ns2.zone.test"] },
};

function encodeName(name: string): Buffer {
  const parts = name.split(".").filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function rdata(type: RecordType, r: Rdata): Buffer {
  switch (type) {
    case "A":
      return Buffer.from((r as string).split(".").map(Number));
    case "AAAA": {
      const [head = "", tail = ""] = (r as string).split("::");
      const h = head ? head.split(":") : [];
      const t = tail ? tail.split(":") : [];
      const groups = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
      return Buffer.concat(groups.map((g) => u16(Number.parseInt(g, 16))));
    }
    case "CNAME":
    case "NS":
      return encodeName(r as string);
    case "TXT":
      return Buffer.concat((r as string[]).map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)])));
    case "MX": {
      const mx = r as { priority: number; exchange: string };
      return Buffer.concat([u16(mx.priority), encodeName(mx.exchange)]);
    }
    case "SRV": {
      const srv = r as { priority: number; weight: number; port: number; target: string };
      return Buffer.concat([u16(srv.priority), u16(srv.weight), u16(srv.port), encodeName(srv.target)]);
    }
  }
}

/** The reply to one query, or undefined to stay silent. */
function answer(query: Buffer): Buffer | undefined {
  let off = 12;
  const labels: string[] = [];
  while (off < query.length && query[off] !== 0) {
    const len = query[off] ?? 0;
    labels.push(query.subarray(off + 1, off + 1 + len).toString("ascii"));
    off += len + 1;
  }
  const qtype = query.readUInt16BE(off + 1);
  const questionEnd = off + 5;
  const name = labels.join(".").toLowerCase();
  if (name === "silent.test") return undefined;
  const type = (Object.keys(TYPE) as RecordType[]).find((t) => TYPE[t] === qtype);
  const known = ZONE[name];
  const rcode = name === "fail.test" ? 2 : known ? 0 : 3;
  const records = rcode === 0 && type ? (known?.[type] ?? []) : [];
  const rd = (query[2] ?? 0) & 0x01;
  const header = Buffer.concat([query.subarray(0, 2), u16(0x8400 | (rd << 8) | 0x80 | rcode), u16(1), u16(records.length), u16(0), u16(0)]);
  const answers = records.map((r) => {
    const data = rdata(type as RecordType, r);
    return Buffer.concat([u16(0xc00c), u16(qtype), u16(1), Buffer.from([0, 0, 1, 44]), u16(data.length), data]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

let server: Socket;
let dnsServer: string;
let closedServer: string;

beforeAll(async () => {
  server = createSocket("udp4");
  server.on("message", (msg, rinfo) => {
    const reply = answer(msg);
    if (reply) server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
  dnsServer = `127.0.0.1:${server.address().port}`;
  // A port nobody listens on: bind, note it, close.
  const tmp = createSocket("udp4");
  await new Promise<void>((resolve) => tmp.bind(0, "127.0.0.1", resolve));
  closedServer = `127.0.0.1:${tmp.address().port}`;
  await new Promise<void>((resolve) => tmp.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const query = (spec: DnsSpec, ctx = makeContext()) => dnsProbe.run({ server: dnsServer, ...spec }, ctx);

describe("dns probe: system lookup (no type)", () => {
  it("resolves localhost from the hosts file", async () => {
    const r = await dnsProbe.run({ dns: "localhost" }, makeContext());
    expect(r.result).toBe("pass");
    expect(r.message).toMatch(/^localhost: (127\.0\.0\.1|::1)/);
    expect((r.observed as { answers: string[] }).answers).toContain("127.0.0.1");
  });

  it("passes when every expected address is among the answers, fails naming the missing ones", async () => {
    expect(await dnsProbe.run({ dns: "localhost", expect: "127.0.0.1" }, makeContext())).toMatchObject({ result: "pass" });
    const r = await dnsProbe.run({ dns: "localhost", expect: ["127.0.0.1", "10.9.9.9"] }, makeContext());
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^localhost: expected 10\.9\.9\.9, got 127\.0\.0\.1/);
  });

  it("fails with the cause on a name that cannot resolve", async () => {
    const r = await dnsProbe.run({ dns: UNRESOLVABLE_HOST }, makeContext());
    expect(r.result).toBe("fail");
    expect(r.message).toBe(`${UNRESOLVABLE_HOST}: not found`);
  });
});

describe("dns probe: typed queries against a DNS server on 127.0.0.1", () => {
  it("answers A and AAAA, and checks expected addresses", async () => {
    const a = await query({ dns: "api.test", type: "A", expect: ["192.0.2.11"] });
    expect(a).toEqual({ result: "pass", message: "api.test A: 192.0.2.10, 192.0.2.11", observed: { type: "A", answers: ["192.0.2.10", "192.0.2.11"] } });
    const aaaa = await query({ dns: "api.test", type: "AAAA", expect: "2001:DB8:0::10" });
    expect(aaaa).toMatchObject({ result: "pass", message: "api.test AAAA: 2001:db8::10" });
    const wrong = await query({ dns: "api.test", type: "A", expect: ["192.0.2.10", "198.51.100.1"] });
    expect(wrong).toMatchObject({ result: "fail", message: "api.test A: expected 198.51.100.1, got 192.0.2.10, 192.0.2.11" });
  });

  it("implies type A when only a server is given", async () => {
    expect(await query({ dns: "api.test" })).toMatchObject({ result: "pass", message: "api.test A: 192.0.2.10, 192.0.2.11" });
  });

  it("answers CNAME, NS, MX, TXT and SRV, matching names case-insensitively without the trailing dot", async () => {
    expect(await query({ dns: "www.test", type: "CNAME", expect: "API.test." })).toMatchObject({ result: "pass", message: "www.test CNAME: api.test" });
    expect(await query({ dns: "zone.test", type: "NS", expect: ["ns1.zone.test", "ns2.zone.test"] })).toMatchObject({ result: "pass" });
    const mx = await query({ dns: "mail.test", type: "MX", expect: ["mx1.mail.test", "20 mx2.mail.test"] });
    expect(mx).toMatchObject({ result: "pass", message: "mail.test MX: 10 mx1.mail.test, 20 mx2.mail.test" });
    expect(await query({ dns: "mail.test", type: "MX", expect: "10 mx2.mail.test" })).toMatchObject({ result: "fail" });
    const txt = await query({ dns: "txt.test", type: "TXT", expect: "v=spf1 include:_spf.example.com ~all" });
    expect(txt).toMatchObject({ result: "pass", message: "txt.test TXT: v=spf1 include:_spf.example.com ~all, google-site-verification=abc123" });
    expect(await query({ dns: "txt.test", type: "TXT", expect: "V=SPF1 include:_spf.example.com ~all" })).toMatchObject({ result: "fail" });
    const srv = await query({ dns: "_sip._tcp.test", type: "SRV", expect: "sip.test:5060" });
    expect(srv).toMatchObject({ result: "pass", message: "_sip._tcp.test SRV: 10 5 5060 sip.test" });
  });

  it("fails with the cause: NXDOMAIN, no records of the type, SERVFAIL", async () => {
    expect(await query({ dns: "nope.test", type: "A" })).toEqual({
      result: "fail",
      message: "nope.test A: not found (NXDOMAIN) (ENOTFOUND)",
      observed: { type: "A", answers: [] },
    });
    expect(await query({ dns: "www.test", type: "MX" })).toMatchObject({ result: "fail", message: "www.test MX: no MX records" });
    expect(await query({ dns: "fail.test", type: "A" })).toMatchObject({ result: "fail", message: "fail.test A: server failure (SERVFAIL) (ESERVFAIL)" });
  });

  it("fails within the timeout when the server does not answer", async () => {
    const started = performance.now();
    const r = await query({ dns: "silent.test", type: "A" }, makeContext({ timeoutMs: 600 }));
    const took = performance.now() - started;
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^silent\.test A: (DNS query timed out \(ETIMEOUT\)|timed out after 600ms)$/);
    expect(took).toBeLessThan(1500);
  });

  it("fails cleanly when nothing listens on the server's port", async () => {
    const started = performance.now();
    const r = await dnsProbe.run({ dns: "api.test", type: "A", server: closedServer }, makeContext({ timeoutMs: 600 }));
    expect(r.result).toBe("fail");
    expect(r.message).toMatch(/^api\.test A: (DNS server refused the connection \(ECONNREFUSED\)|DNS query timed out \(ETIMEOUT\)|timed out after 600ms)$/);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("cancels the query when the probe is aborted", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = performance.now();
    const r = await query({ dns: "silent.test", type: "A" }, makeContext({ signal: ac.signal, timeoutMs: 10_000 }));
    expect(r).toMatchObject({ result: "fail", message: "silent.test A: aborted" });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("dns probe validation", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(probeSchema("dns"));

  it("accepts the documented keys and rejects others", () => {
    expect(validate({ dns: "example.com" })).toBe(true);
    expect(validate({ dns: "example.com", type: "MX", expect: ["10 mx.example.com"], server: "192.0.2.53" })).toBe(true);
    expect(validate({ dns: "example.com", type: "ANY" })).toBe(false);
    expect(validate({ dns: "example.com", expect: [] })).toBe(false);
    expect(validate({ dns: "" })).toBe(false);
  });

  it("checks that server is an IP address with an optional port", () => {
    expect(dnsProbe.check?.({ dns: "x", server: "192.0.2.53:5353" })).toEqual([]);
    expect(dnsProbe.check?.({ dns: "x", server: "[2001:db8::53]:53" })).toEqual([]);
    expect(dnsProbe.check?.({ dns: "x", server: "2001:db8::53" })).toEqual([]);
    expect(dnsProbe.check?.({ dns: "x", server: "dns.example.com" })).toMatchObject([{ path: "/server" }]);
    expect(dnsProbe.check?.({ dns: "x", server: "192.0.2.53:99999" })).toMatchObject([{ path: "/server" }]);
    expect(dnsProbe.target({ dns: "example.com", type: "MX" })).toBe("example.com MX");
  });
});
