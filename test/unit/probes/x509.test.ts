import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { x509Probe } from "../../../src/probes/x509.js";
import { makeContext } from "../../helpers/context.js";
import { createPki, type KeyPair, type Pki, type TestCa } from "../../helpers/tls.js";

let pki: Pki;
let ca: TestCa;
let good: KeyPair;
let soon: KeyPair;

beforeAll(() => {
  pki = createPki();
  ca = pki.createCa("Readiness Test Root");
  good = ca.issue({ cn: "api.example.test", san: "DNS:api.example.test,IP:10.0.0.1", toDays: 90 });
  soon = ca.issue({ cn: "soon.example.test", san: "DNS:soon.example.test", toDays: 5 });
});
afterAll(() => pki.cleanup());

describe("x509 probe", () => {
  it("passes a certificate valid long enough, naming it, its expiry and issuer", async () => {
    const out = await x509Probe.run({ x509: good.certFile }, makeContext());
    expect(out.result).toBe("pass");
    expect(out.message).toMatch(/: CN=api\.example\.test valid for (89|90) days \(until \d{4}-\d\d-\d\d\), issuer CN=Readiness Test Root$/);
    expect(out.observed).toMatchObject({ san: ["api.example.test", "10.0.0.1"], subject: "CN=api.example.test" });
  });

  it("fails a certificate expiring within min_days, and one already expired by the audit clock", async () => {
    const out = await x509Probe.run({ x509: soon.certFile, min_days: 14 }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: expect.stringMatching(/CN=soon\.example\.test expires in [45] days \(min 14\)/) as string });
    const later = new Date(Date.now() + 120 * 86_400_000);
    const expired = await x509Probe.run({ x509: good.certFile }, makeContext({ now: () => later }));
    expect(expired).toMatchObject({ result: "fail", message: expect.stringMatching(/CN=api\.example\.test expired on \d{4}-\d\d-\d\d/) as string });
  });

  it("matches subject, san and issuer", async () => {
    const ok = await x509Probe.run({ x509: good.certFile, subject: { matches: "CN=api\\." }, san: { contains: "api.example.test" }, issuer: "CN=Readiness Test Root" }, makeContext());
    expect(ok.result).toBe("pass");
    const bad = await x509Probe.run({ x509: good.certFile, san: { contains: "www.example.test" } }, makeContext());
    expect(bad).toMatchObject({ result: "fail", message: expect.stringContaining('san: expected a list containing "www.example.test", got ["api.example.test","10.0.0.1"]') as string });
  });

  it("judges a chain file by its earliest expiry", async () => {
    const inter = ca.issueIntermediate({ cn: "Short Intermediate", toDays: 3 });
    const leaf = inter.issue({ cn: "leaf.example.test", toDays: 60 });
    const out = await x509Probe.run({ x509: leaf.certFile }, makeContext());
    expect(out).toMatchObject({ result: "fail", message: expect.stringMatching(/chain certificate CN=Short Intermediate expires in [23] days/) as string });
  });

  it("fails on a missing file and on a file without a certificate", async () => {
    const missing = await x509Probe.run({ x509: "no-such.pem" }, makeContext({ cwd: pki.dir }));
    expect(missing).toMatchObject({ result: "fail", message: "cannot read certificate no-such.pem: no such file" });
    const notPem = join(pki.dir, "not.pem");
    writeFileSync(notPem, "hello\n");
    expect(await x509Probe.run({ x509: "not.pem" }, makeContext({ cwd: pki.dir }))).toMatchObject({ result: "fail", message: "not.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)" });
  });
});
