/**
 * Governance end to end through the built CLI: attest / waive / sign edit a commented checklist
 * changing only the lines they must (compared byte for byte), refusals leave it untouched, and
 * audits before and after show results, sign-offs, levels, deadlines and expiry moving.
 * Time is injected with READINESS_NOW; nothing sleeps.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";
import { ROOT, runCli, tempProject, type CliResult } from "../helpers/cli.js";
import { createPki, startTlsServer } from "../helpers/tls.js";

const FIXTURE = readFileSync(join(ROOT, "test/fixtures/governance/commented.yaml"));
const TODAY = "2026-11-23";

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function project(content: Buffer | string = FIXTURE): { dir: string; file: string; bytes(): Buffer; run(args: string[], now?: string): Promise<CliResult> } {
  const p = tempProject({ "readiness.yaml": content });
  cleanups.push(() => p.cleanup());
  const file = join(p.dir, "readiness.yaml");
  return {
    dir: p.dir,
    file,
    bytes: () => readFileSync(file),
    run: (args, now = TODAY) => runCli(args, { cwd: p.dir, env: { READINESS_NOW: now } }),
  };
}

/** The fixture with exact line substitutions: [old line, new lines...]. Fails if a line is not found once. */
function edited(base: string, ...changes: [string, ...string[]][]): string {
  let lines = base.split("\n");
  for (const [old, ...replacement] of changes) {
    const at = lines.indexOf(old);
    expect(at, `line ${JSON.stringify(old)} in the checklist`).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf(old, at + 1), `line ${JSON.stringify(old)} once`).toBe(-1);
    lines = [...lines.slice(0, at), ...replacement, ...lines.slice(at + 1)];
  }
  return lines.join("\n");
}

async function auditJson(p: ReturnType<typeof project>, now: string): Promise<{ code: number | null; report: Report }> {
  const r = await p.run(["audit", "-f", "json", "--fail-on", "conditional"], now);
  expect(r.stderr).not.toMatch(/internal error/);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

const itemOf = (report: Report, id: string) => report.sections.flatMap((s) => [...s.items, ...s.sections.flatMap((x) => x.items)]).find((i) => i.id === id);

describe("attest, waive and sign edit only the lines they must", () => {
  it("attest: status replaced in place (comment kept), the other keys added right after it", async () => {
    const p = project();
    const r = await p.run(["attest", "runbooks", "--by", "Ana Ruiz", "--evidence", "https://wiki.example.com/runbooks/v2", "--expires-after", "30d", "--note", "reviewed: all 14 alerts"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Attested runbooks (Operational runbooks written) as done by Ana Ruiz on 2026-11-23, valid for 30d: readiness.yaml updated.\n");
    const expected = edited(FIXTURE.toString(), [
      "        status: missing        # nobody has checked yet",
      "        status: done        # nobody has checked yet",
      "        evidence: https://wiki.example.com/runbooks/v2",
      "        attested_by: Ana Ruiz",
      "        attested_at: 2026-11-23",
      "        expires_after: 30d",
      '        note: "reviewed: all 14 alerts"',
    ]);
    expect(p.bytes().equals(Buffer.from(expected))).toBe(true);
  });

  it("attest on a flow-style item adds inside its braces; waive adds a block waiver; sign creates signoffs after gate", async () => {
    const p = project();
    expect((await p.run(["attest", "dr-plan", "--by", "Bo"])).code).toBe(0);
    expect((await p.run(["waive", "oncall", "--reason", "rota starts in January", "--until", "2027-01-10", "--by", "Security Lead"])).code).toBe(0);
    const s = await p.run(["sign", "engineering lead", "--by", "Ana Ruiz"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toBe("Signed off Engineering Lead by Ana Ruiz on 2026-11-23: readiness.yaml updated. Still missing: Security Lead.\n");
    const expected = edited(
      FIXTURE.toString(),
      ["      - { id: dr-plan, title: DR plan rehearsed, severity: medium, level: gold, due: 2026-11-01 }", "      - { id: dr-plan, title: DR plan rehearsed, severity: medium, level: gold, due: 2026-11-01, status: done, attested_by: Bo, attested_at: 2026-11-23 }"],
      ["        owner: alice", "        owner: alice", "        waiver:", "          reason: rota starts in January", "          until: 2027-01-10", "          by: Security Lead"],
      ["  max_waiver_days: 60", "  max_waiver_days: 60", "signoffs:", "  - { role: Engineering Lead, by: Ana Ruiz, at: 2026-11-23 }"],
    );
    expect(p.bytes().toString()).toBe(expected);

    // A second sign-off appends; signing a role again replaces that line only.
    await p.run(["sign", "Security Lead", "--by", "Sam Lee"]);
    const again = await p.run(["sign", "Engineering Lead", "--by", "Bea"], "2026-11-24");
    expect(again.stdout).toContain("(replaces Ana Ruiz, 2026-11-23)");
    expect(p.bytes().toString()).toBe(
      edited(expected, ["  - { role: Engineering Lead, by: Ana Ruiz, at: 2026-11-23 }", "  - { role: Engineering Lead, by: Bea, at: 2026-11-24 }", "  - { role: Security Lead, by: Sam Lee, at: 2026-11-23 }"]),
    );
  });

  it("keeps a BOM, CRLF line endings and the file mode", async () => {
    const crlf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FIXTURE.toString().replace(/\n/g, "\r\n"))]);
    const p = project(crlf);
    execFileSync("chmod", ["640", p.file]);
    expect((await p.run(["attest", "oncall", "--by", "Bo"])).code).toBe(0);
    const after = p.bytes();
    const expected = edited(crlf.toString(), ["        owner: alice\r", "        owner: alice\r", "        status: done\r", "        attested_by: Bo\r", "        attested_at: 2026-11-23\r"]);
    expect(after.equals(Buffer.from(expected))).toBe(true);
    expect(after.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(execFileSync("stat", ["-c", "%a", p.file]).toString().trim()).toBe("640");
  });
});

describe("refusals exit 2 with one line and leave the file byte for byte unchanged", () => {
  it.each<[string, string[], RegExp]>([
    ["unknown id, nearest suggested", ["attest", "runbook", "--by", "Ana"], /no item "runbook" in the checklist — did you mean "runbooks"\?/],
    ["a section id", ["attest", "operations", "--by", "Ana"], /"operations" is a section, not an item/],
    ["attest without --by", ["attest", "runbooks"], /required option '--by <name>' not specified/],
    ["bad --expires-after", ["attest", "runbooks", "--by", "Ana", "--expires-after", "soon"], /--expires-after soon: expected a duration/],
    ["multi-line value", ["attest", "runbooks", "--by", "Ana\nEvil"], /--by: must be one line/],
    ["waiver in the past", ["waive", "mfa", "--reason", "later", "--until", "2026-11-22", "--by", "Sec"], /--until 2026-11-22: the date is in the past/],
    ["waiver beyond gate.max_waiver_days (60)", ["waive", "mfa", "--reason", "later", "--until", "2027-01-23", "--by", "Sec"], /61 days away, more than gate.max_waiver_days \(60\)/],
    ["waiver on a date that does not exist", ["waive", "mfa", "--reason", "later", "--until", "2026-11-31", "--by", "Sec"], /expected a real date/],
    ["waiver without a reason", ["waive", "mfa", "--until", "2026-12-01", "--by", "Sec"], /required option '--reason <text>'/],
    ["unknown id for waive", ["waive", "mfaa", "--reason", "r", "--until", "2026-12-01", "--by", "Sec"], /did you mean "mfa"\?/],
    ["role not required", ["sign", "Security Leed", "--by", "Sam"], /"Security Leed" is not a required sign-off role — did you mean "Security Lead"\? \(gate.signoffs: Engineering Lead, Security Lead\); use --force/],
  ])("%s", async (_name, args, message) => {
    const p = project();
    const r = await p.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
    expect(p.bytes().equals(FIXTURE)).toBe(true);
  });

  it("an invalid checklist is not edited", async () => {
    const broken = Buffer.from(FIXTURE.toString().replace("severity: critical", "severity: urgent"));
    const p = project(broken);
    const r = await p.run(["attest", "runbooks", "--by", "Ana"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/readiness.yaml has 1 error: fix it before recording anything/);
    expect(p.bytes().equals(broken)).toBe(true);
  });

  it("with extends: an override in this file is edited; an item only inherited, or a matrix expansion, is refused", async () => {
    const root = `version: 1
extends: [./base.yaml]
sections:
  - id: ops
    title: Ops
    items:
      - id: backups   # override of the inherited item
        owner: dba
  - id: svc
    title: Service
    items:
      - id: port-\${matrix.port}
        title: Port \${matrix.port}
        matrix: [{ port: "80" }, { port: "443" }]
`;
    const p = project(root);
    const base = "version: 1\nsections:\n  - id: ops\n    title: Ops\n    items:\n      - { id: runbooks, title: Runbooks }\n      - { id: backups, title: Backups }\n";
    writeFileSync(join(p.dir, "base.yaml"), base);
    const inherited = await p.run(["attest", "runbooks", "--by", "Ana"]);
    expect(inherited.code).toBe(2);
    expect(inherited.stderr).toMatch(/item "runbooks" is inherited \(extends\) from base.yaml:6 and not repeated in readiness.yaml/);
    const matrix = await p.run(["attest", "port-80", "--by", "Ana"]);
    expect(matrix.code).toBe(2);
    expect(matrix.stderr).toMatch(/one expansion of the matrix item "port-\$\{matrix.port\}"/);
    expect(p.bytes().toString()).toBe(root);
    expect((await p.run(["attest", "backups", "--by", "Ana"])).code).toBe(0);
    expect(p.bytes().toString()).toBe(root.replace("        owner: dba\n", "        owner: dba\n        status: done\n        attested_by: Ana\n        attested_at: 2026-11-23\n"));
    expect(readFileSync(join(p.dir, "base.yaml"), "utf8")).toBe(base);
    const { report } = await auditJson(p, TODAY);
    expect(itemOf(report, "backups")?.result).toBe("attested");
  });

  it("--force records a role the gate does not require", async () => {
    const p = project();
    const r = await p.run(["sign", "CFO", "--by", "Max", "--force"]);
    expect(r.code).toBe(0);
    expect(p.bytes().toString()).toContain("signoffs:\n  - { role: CFO, by: Max, at: 2026-11-23 }\n");
  });
});

describe("audits before and after", () => {
  it("missing → attested → expiring soon → stale as the clock passes the expiry", async () => {
    const p = project();
    let { report } = await auditJson(p, TODAY);
    expect(itemOf(report, "runbooks")).toMatchObject({ result: "missing", why: "On-call needs steps, not tribal knowledge", fix: "Write one runbook per alert", docs: "https://wiki.example.com/runbooks" });
    expect(report.verdict).toBe("NO-GO");

    await p.run(["attest", "runbooks", "--by", "Ana Ruiz", "--expires-after", "30d"]);
    ({ report } = await auditJson(p, TODAY));
    expect(itemOf(report, "runbooks")).toMatchObject({ result: "attested", attested_by: "Ana Ruiz", attested_at: TODAY, expires_at: "2026-12-23" });
    expect(report.expiring).toEqual([]);

    ({ report } = await auditJson(p, "2026-12-13"));
    expect(report.expiring).toEqual([{ kind: "attestation", id: "runbooks", title: "Operational runbooks written", date: "2026-12-23", days_left: 10 }]);

    ({ report } = await auditJson(p, "2026-12-23"));
    expect(itemOf(report, "runbooks")).toMatchObject({ result: "stale", message: "attestation expired on 2026-12-23 (attested 2026-11-23 by Ana Ruiz)" });
    expect(report.verdict).toBe("NO-GO");
  });

  it("a waiver applies through its last day, is listed as expiring, then stops applying", async () => {
    const p = project();
    await p.run(["waive", "oncall", "--reason", "rota starts in January", "--until", "2026-12-01", "--by", "Security Lead"]);
    let { report } = await auditJson(p, "2026-11-25");
    expect(itemOf(report, "oncall")?.result).toBe("waived");
    expect(report.expiring).toEqual([{ kind: "waiver", id: "oncall", title: "On-call rota trained", date: "2026-12-01", days_left: 6 }]);
    ({ report } = await auditJson(p, "2026-12-02"));
    expect(itemOf(report, "oncall")?.result).toBe("missing");
    expect(report.warnings).toContain('waiver of "oncall" expired on 2026-12-01: it no longer applies');
  });

  it("sign-offs move the verdict from CONDITIONAL to GO", async () => {
    // Attested claims only: GO needs the checklist to accept claims (gate.verified: 0).
    const p = project(edited(FIXTURE.toString(), ["  max_waiver_days: 60", "  max_waiver_days: 60", "  verified: 0"]));
    for (const id of ["runbooks", "oncall", "dr-plan"]) expect((await p.run(["attest", id, "--by", "Ana"])).code).toBe(0);
    let { code, report } = await auditJson(p, TODAY);
    expect(report.verdict).toBe("CONDITIONAL");
    expect(code).toBe(1);
    expect(report.reasons).toEqual(["sign-off missing: Engineering Lead", "sign-off missing: Security Lead"]);
    expect(report.signoffs.missing).toEqual(["Engineering Lead", "Security Lead"]);

    await p.run(["sign", "Engineering Lead", "--by", "Ana Ruiz"]);
    ({ report } = await auditJson(p, TODAY));
    expect(report.reasons).toEqual(["sign-off missing: Security Lead"]);

    const last = await p.run(["sign", "Security Lead", "--by", "Sam Lee"]);
    expect(last.stdout).toContain("All required sign-offs are recorded.");
    ({ code, report } = await auditJson(p, TODAY));
    expect(report.verdict).toBe("GO");
    expect(code).toBe(0);
    expect(report.signoffs.present.map((s) => s.role)).toEqual(["Engineering Lead", "Security Lead"]);
  });

  it("levels, deadlines, owners and enforce_from in the JSON report, which validates against the report schema", async () => {
    const p = project();
    expect((await p.run(["attest", "runbooks", "--by", "Ana"])).code).toBe(0);
    const { report } = await auditJson(p, "2026-12-20");
    expect(report.levels).toEqual({
      achieved: "bronze",
      next: "silver",
      needs: [{ id: "oncall", title: "On-call rota trained", level: "silver", result: "missing" }],
      levels: [
        { level: "bronze", items: 1, passing: 1, achieved: true },
        { level: "silver", items: 1, passing: 0, achieved: false },
        { level: "gold", items: 1, passing: 0, achieved: false },
      ],
    });
    // Section due 2026-12-15 is inherited; dr-plan has its own; mfa fails but is not enforced yet.
    expect(report.open_work).toEqual([
      { owner: "alice", overdue: 1, items: [expect.objectContaining({ id: "oncall", overdue: true, days_overdue: 5, due: "2026-12-15" })] },
      {
        owner: "sre-team",
        overdue: 1,
        items: [expect.objectContaining({ id: "dr-plan", overdue: true, days_overdue: 49, due: "2026-11-01", section: ["Operations"] })],
      },
      { owner: "payments-team", overdue: 0, items: [expect.objectContaining({ id: "mfa", result: "fail", enforce_from: "2027-01-01", overdue: false })] },
    ]);
    const mfa = itemOf(report, "mfa");
    expect(mfa).toMatchObject({ result: "fail", enforced: false, credit: null, enforce_from: "2027-01-01" });
    expect(report.reasons.join("\n")).not.toContain("mfa");
    expect(report.warnings).toContain('"mfa" is fail but not enforced until 2027-01-01: a warning for now, not in the score');

    // From 2027-01-01 the same failure counts: a high item failing keeps the verdict from GO.
    const later = (await auditJson(p, "2027-01-01")).report;
    expect(itemOf(later, "mfa")).toMatchObject({ result: "fail", credit: 0 });
    expect(later.reasons.join("\n")).toContain('high item "Multi-factor authentication" (mfa) is fail');

    const schema = JSON.parse(readFileSync(join(ROOT, "schemas/report.schema.json"), "utf8")) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it("every report shows remediation with the failing item, open work by owner, levels and expiring soon", async () => {
    const p = project();
    await p.run(["attest", "oncall", "--by", "Ana", "--expires-after", "30d"]);
    const terminal = (await p.run(["audit", "--fail-on", "never"], "2026-12-20")).stdout;
    expect(terminal).toContain("  ✘ [critical] runbooks MISSING: marked missing\n      why: On-call needs steps, not tribal knowledge\n      fix: Write one runbook per alert\n      docs: https://wiki.example.com/runbooks\n");
    expect(terminal).toMatch(/Open work by owner \(3 items\)\n {2}sre-team — 2 overdue\n {4}! dr-plan \[medium\] missing: DR plan rehearsed due 2026-11-01, 49 days\s+overdue/);
    expect(terminal).toContain("Level: none yet; next bronze");
    expect(terminal).toContain("attestation oncall ends 2026-12-23 (3 days left)");
    const markdown = (await p.run(["audit", "-f", "markdown", "--fail-on", "never"], "2026-12-20")).stdout;
    expect(markdown).toContain("marked missing<br>**why:** On-call needs steps, not tribal knowledge<br>**fix:** Write one runbook per alert<br>**docs:** https://wiki.example.com/runbooks |");
    expect(markdown).toContain("Open work by owner (3 items)");
    const html = (await p.run(["audit", "-f", "html", "--fail-on", "never"], "2026-12-20")).stdout;
    expect(html).toContain('<b>Fix:</b> Write one runbook per alert<br><b>Docs:</b> <a href="https://wiki.example.com/runbooks">');
    expect(html).toContain("<h2>Open work by owner (3)</h2>");
  });

  it("a TLS certificate ending within gate.warn_days is listed as expiring soon", async () => {
    const pki = createPki();
    cleanups.push(() => pki.cleanup());
    const server = await startTlsServer(pki.selfSigned("localhost", "DNS:localhost,IP:127.0.0.1", 10));
    cleanups.push(() => void server.close());
    const p = project(`version: 1
gate: { warn_days: 20 }
sections:
  - title: Edge
    items:
      - id: cert
        title: Certificate valid
        probes: [{ tls: "127.0.0.1:${server.port}", insecure: true, min_days: 1 }]
`);
    const r = await runCli(["audit", "-f", "json"], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as Report;
    expect(itemOf(report, "cert")?.result).toBe("pass");
    expect(report.expiring).toEqual([expect.objectContaining({ kind: "certificate", id: "cert", target: `127.0.0.1:${server.port}` })]);
    expect(report.expiring?.[0]?.days_left).toBeGreaterThanOrEqual(8);
    expect(report.expiring?.[0]?.days_left).toBeLessThanOrEqual(10);
  });
});

describe("outdated sign-offs (git)", () => {
  const git = (dir: string, args: string[], date?: string): string =>
    execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], {
      cwd: dir,
      env: { ...process.env, ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) },
    }).toString();

  it("a sign-off older than the last commit touching a blocking item is outdated until signed again", async () => {
    const signed = edited(FIXTURE.toString(), [
      "  max_waiver_days: 60",
      "  max_waiver_days: 60",
      "signoffs:",
      "  - { role: Engineering Lead, by: Ana Ruiz, at: 2026-11-05 }",
      "  - { role: Security Lead, by: Sam Lee, at: 2026-11-05 }",
    ]).replace("status: missing        # nobody has checked yet", "status: done\n        attested_by: Ana\n        attested_at: 2026-11-01");
    const p = project(signed);
    git(p.dir, ["init", "-q"]);
    git(p.dir, ["add", "readiness.yaml"]);
    git(p.dir, ["commit", "-q", "-m", "checklist"], "2026-11-01T12:00:00Z");
    // A blocking (critical) item changes after the sign-offs, in a later commit.
    writeFileSync(p.file, signed.replace("fix: Write one runbook per alert", "fix: Write one runbook per alert and page"));
    git(p.dir, ["commit", "-q", "-am", "change runbooks"], "2026-11-10T12:00:00Z");

    let { report } = await auditJson(p, "2026-11-20");
    expect(report.signoffs.outdated).toEqual([
      { role: "Engineering Lead", by: "Ana Ruiz", at: "2026-11-05", changed_at: "2026-11-10", items: ["runbooks"] },
      { role: "Security Lead", by: "Sam Lee", at: "2026-11-05", changed_at: "2026-11-10", items: ["runbooks"] },
    ]);
    expect(report.reasons).toContain("sign-off outdated: Security Lead signed on 2026-11-05 (Sam Lee), but blocking item runbooks changed on 2026-11-10: sign again");
    // The --wait path reports it too.
    const waited = await runCli(["audit", "-f", "json", "--wait", "1s", "--interval", "500ms"], { cwd: p.dir, env: { READINESS_NOW: "2026-11-20" } });
    expect((JSON.parse(waited.stdout) as Report).signoffs.outdated).toHaveLength(2);

    // A change to a non-blocking item does not outdate anything; re-signing clears it.
    await p.run(["sign", "Engineering Lead", "--by", "Ana Ruiz"], "2026-11-20");
    await p.run(["sign", "Security Lead", "--by", "Sam Lee"], "2026-11-20");
    ({ report } = await auditJson(p, "2026-11-20"));
    expect(report.signoffs.outdated).toEqual([]);
    expect(report.reasons.filter((r) => r.startsWith("sign-off"))).toEqual([]);
  });

  it("an uncommitted edit of a blocking item counts as changed today; outside git nothing is outdated", async () => {
    const signed = edited(FIXTURE.toString(), ["  max_waiver_days: 60", "  max_waiver_days: 60", "signoffs:", "  - { role: Engineering Lead, by: Ana Ruiz, at: 2026-11-05 }"]);
    const p = project(signed);
    expect((await auditJson(p, TODAY)).report.signoffs.outdated).toEqual([]);
    git(p.dir, ["init", "-q"]);
    git(p.dir, ["add", "readiness.yaml"]);
    git(p.dir, ["commit", "-q", "-m", "checklist"], "2026-11-01T12:00:00Z");
    expect((await auditJson(p, TODAY)).report.signoffs.outdated).toEqual([]);
    await p.run(["attest", "runbooks", "--by", "Ana"]);
    expect((await auditJson(p, TODAY)).report.signoffs.outdated).toEqual([expect.objectContaining({ role: "Engineering Lead", changed_at: TODAY, items: ["runbooks"] })]);
  });
});
