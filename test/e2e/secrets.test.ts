/**
 * Secrets (values from `${env.X}`) never leave the process, in any output of any command, whole,
 * cut or encoded; and on a GitHub Actions runner no text of ours becomes a workflow command.
 * Each case is an attack that worked before (issue 24, items 1, 2, 3, 8 and 13).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempProject, type CliResult } from "../helpers/cli.js";
import { leakMessage, secretChecklist } from "../helpers/secrets.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

/** A secret with the characters escaping changes (`"`, `\`, `'`, `%`, space, non-ASCII), longer than any cut of a message. */
const SECRET = `S3cr"et\\Va'l ue%27é-${randomBytes(60).toString("hex")}-END`;

function expectNoLeak(where: string, text: string, secret = SECRET): void {
  expect(leakMessage(where, text, secret)).toBeUndefined();
}

function expectClean(r: CliResult, what: string, secret = SECRET): void {
  expectNoLeak(`${what}: stdout`, r.stdout, secret);
  expectNoLeak(`${what}: stderr`, r.stderr, secret);
}

const q = (s: string): string => JSON.stringify(s);

describe("item 1: a secret is masked in every field, every format, every file", () => {
  const v = "${env.V}";
  const checklist = secretChecklist(
    "V",
    `      - title: Probed
        id: probed
        severity: high
        probes:
          - http: ${q(`http://127.0.0.1:9/${v}`)}
            name: ${q(v)}
            timeout: 2s
`,
  );
  let project: ReturnType<typeof tempProject>;
  beforeAll(() => {
    project = tempProject({ "readiness.yaml": checklist });
  });
  afterAll(() => project.cleanup());

  it.each(["terminal", "markdown", "json", "junit", "html", "badge"])("audit -f %s, -o every format, the step summary and the annotations", async (format) => {
    const summary = join(project.dir, `summary-${format}.md`);
    const outputs = ["terminal", "markdown", "json", "junit", "html", "badge"].flatMap((f) => ["-o", `${f}=${join(project.dir, "out", `${format}.${f}`)}`]);
    const r = await runCli(["audit", "-f", format, ...outputs, "--verbose"], {
      cwd: project.dir,
      env: { V: SECRET, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary, READINESS_NOW: "2026-12-01" },
    });
    expect(r.code, r.stderr).toBe(1);
    expectClean(r, `audit -f ${format}`);
    expect(r.stdout + r.stderr).toContain("***");
    for (const f of readdirSync(join(project.dir, "out")).filter((n) => n.startsWith(`${format}.`))) expectNoLeak(f, readFileSync(join(project.dir, "out", f), "utf8"));
    expect(existsSync(summary)).toBe(true);
    expectNoLeak("step summary", readFileSync(summary, "utf8"));
  });

  it("validate, validate --print, --json, list, list --json, explain and --dry-run", async () => {
    for (const args of [["validate"], ["validate", "--print"], ["validate", "--json"], ["list"], ["list", "--json"], ["explain", "probed"], ["explain", "waived"], ["audit", "--dry-run"]]) {
      const r = await runCli(args, { cwd: project.dir, env: { V: SECRET } });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expectClean(r, args.join(" "));
    }
  });

  it("diff and merge of the JSON reports", async () => {
    const json = join(project.dir, "out", "json.json");
    if (!existsSync(json)) await runCli(["audit", "-o", `json=${json}`], { cwd: project.dir, env: { V: SECRET } });
    for (const args of [["diff", json, json], ["merge", json, json], ["merge", "-f", "markdown", json]]) expectClean(await runCli(args, { cwd: project.dir }), args[0] ?? "");
  });
});

describe("item 2: validation errors quote values with the secrets masked", () => {
  const cases: Record<string, string> = {
    "invalid URL": `          - http: "http://127.0.0.1:80800/\${env.V}"`,
    "invalid HTTP method": `          - http: "http://127.0.0.1:9/"\n            method: "\${env.V}"`,
    "invalid regular expression": `          - http: "http://127.0.0.1:9/"\n            matches: "(\${env.V}"`,
    "DNS server": `          - dns: example.com\n            server: "\${env.V}"`,
  };
  for (const [what, probe] of Object.entries(cases)) {
    it(`${what}: validate, validate --json, audit, audit --dry-run, list, explain`, async () => {
      const project = tempProject({ "readiness.yaml": `version: 1\nsections:\n  - title: S\n    items:\n      - id: x\n        title: X\n        probes:\n${probe}\n` });
      try {
        for (const args of [["validate"], ["validate", "--json"], ["audit"], ["audit", "--dry-run"], ["list"], ["explain", "x"]]) {
          const r = await runCli(args, { cwd: project.dir, env: { V: SECRET } });
          expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(2);
          expectClean(r, `${what}: ${args.join(" ")}`);
          expect(r.stdout + r.stderr).toContain("***");
        }
      } finally {
        project.cleanup();
      }
    });
  }
});

describe("item 3: no piece of a secret through a cut, an encoding or a line break", () => {
  let server: Running;
  let project: ReturnType<typeof tempProject>;
  const strict = encodeURIComponent(SECRET).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === "/json") {
        res.setHeader("content-type", "application/json");
        return res.end(JSON.stringify({ token: SECRET }));
      }
      if (req.url === "/redirect") {
        // The secret as a server would encode it: every reserved character as %XX, in lower case.
        res.writeHead(302, { location: `/next?t=${strict.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}` });
        return res.end();
      }
      res.end("nothing to see");
    });
    const url = `http://127.0.0.1:${server.port}`;
    const node = q(process.execPath);
    project = tempProject({
      "readiness.yaml": `version: 1
sections:
  - title: S
    items:
      - id: contains
        title: contains a long secret (cut at 80)
        probes: [{ http: "${url}/", contains: "\${env.V}" }]
      - id: json
        title: the server echoes the secret in JSON (cut at 60)
        probes: [{ http: "${url}/json", json: { token: "other" } }]
      - id: redirect
        title: a redirect carries the secret percent-encoded
        probes: [{ http: "${url}/redirect", headers: { authorization: "\${env.V}" }, follow_redirects: false }]
      - id: stderr
        title: the secret at the end of a 160-character stderr line
        probes: [{ command: [${node}, "-e", "process.stderr.write('x'.repeat(134) + process.env.V); process.exit(1)"] }]
      - id: split
        title: the secret split by a carriage return
        probes: [{ command: [${node}, "-e", "process.stderr.write(process.env.W); process.exit(1)"], stdout: { contains: "\${env.W}" } }]
      - id: quoted
        title: the secret shell-quoted in the command shown
        probes: [{ command: [${node}, "-e", "process.exit(3)", "\${env.V}"] }]
`,
    });
  });
  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  it.each(["terminal", "json", "markdown"])("audit -f %s", async (format) => {
    const w = `first-half-${randomBytes(8).toString("hex")}\rsecond-half-${randomBytes(8).toString("hex")}`;
    const r = await runCli(["audit", "-f", format, "--verbose"], { cwd: project.dir, env: { V: SECRET, W: w } });
    expect(r.code, r.stderr).toBe(1);
    expectClean(r, `audit -f ${format}`);
    for (const piece of w.split("\r")) expectClean(r, `audit -f ${format} (CR-split secret)`, piece);
    if (format === "json") {
      const report = JSON.parse(r.stdout) as { sections: { items: { id: string; result: string }[] }[] };
      expect(report.sections[0]?.items.every((i) => i.result === "fail")).toBe(true);
    }
  });

  it("a value shorter than 8 characters is not a secret: shown as it is, with one warning naming the variable", async () => {
    const p = tempProject({ "readiness.yaml": `version: 1\nsections:\n  - title: S\n    items:\n      - id: a\n        title: "\${env.REPLICAS} replicas"\n        probes: [{ tcp: "127.0.0.1:\${env.REPLICAS}9" }]\n      - id: b\n        title: "again \${env.REPLICAS}"\n        status: missing\n` });
    try {
      const r = await runCli(["audit"], { cwd: p.dir, env: { REPLICAS: "1" } });
      expect(r.stdout).toContain("127.0.0.1:19");
      expect(r.stdout).toContain("1 replicas");
      const warnings = r.stderr.split("\n").filter((l) => l.includes("REPLICAS"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/readiness\.yaml:6:\d+: .*\$\{env\.REPLICAS\} has fewer than 8 characters: not treated as a secret/);
    } finally {
      p.cleanup();
    }
  });
});

describe("item 8: on a GitHub Actions runner no text of ours is a workflow command", () => {
  let server: Running;
  let project: ReturnType<typeof tempProject>;
  beforeAll(async () => {
    server = await startHttpServer((_req, res) => {
      // A Location long enough that wrapping would start a line with `::`.
      res.writeHead(302, { location: `/${"a".repeat(70)} ::error title=PWNED::location ##[error]legacy` });
      res.end();
    });
    project = tempProject({
      "readiness.yaml": `version: 1
name: "::error title=PWNED::name"
sections:
  - title: "::warning::section"
    items:
      - id: hostile
        title: "::error title=PWNED::x"
        severity: critical
        description: "  ::notice::indented ##[set-output name=a;]b"
        probes: [{ http: "http://127.0.0.1:${server.port}/", follow_redirects: false }]
      - id: hostile-too
        title: "${"w".repeat(60)} ::error::wrapped ##[warning]x"
        status: missing
`,
    });
  });
  afterAll(async () => {
    project.cleanup();
    await server.close();
  });

  /** The lines a runner would execute: `::` after leading whitespace, or `##[` anywhere (lines end at CR or LF). */
  function commands(text: string): string[] {
    return text.split(/\r\n|\r|\n/).filter((l) => /^[\s\u0085]*::/.test(l) || l.includes("##["));
  }

  it.each([
    ["terminal", []],
    ["markdown", []],
    ["json", []],
    ["terminal", ["--verbose"]],
    ["terminal", ["--dry-run"]],
  ])("audit -f %s %s", async (format, extra) => {
    const r = await runCli(["audit", "-f", format, ...extra], { cwd: project.dir, env: { GITHUB_ACTIONS: "true", COLUMNS: "60" } });
    const ours = /^::(error|warning|notice) (file=[^,]*,line=\d+,)?title=readiness%3A [^:]*::/;
    for (const line of [...commands(r.stdout), ...commands(r.stderr)]) {
      expect(line, `a workflow command we did not mean: ${line}`).toMatch(ours);
      expect(line).not.toContain("##[");
    }
    if (!extra.includes("--dry-run")) expect(commands(r.stdout + r.stderr).length).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).toContain("PWNED");
  });

  it("validate, list and explain", async () => {
    for (const args of [["validate", "--print"], ["list"], ["explain", "hostile"]]) {
      const r = await runCli(args, { cwd: project.dir, env: { GITHUB_ACTIONS: "true" } });
      expect(r.code).toBe(0);
      expect([...commands(r.stdout), ...commands(r.stderr)]).toEqual([]);
    }
  });
});

describe("item 13: no raw control character reaches a terminal", () => {
  it("validate --print, list, explain and --dry-run write C1 and C0 controls escaped", async () => {
    const project = tempProject({
      "readiness.yaml": `version: 1\nname: "csi \\u009b31m nel \\u0085 bel \\u0007"\nsections:\n  - title: "S \\u009b2J"\n    items:\n      - id: x\n        title: "t \\u009b31m \\u0085 \\u001b[2J"\n        description: "d \\u009b \\u0085"\n        probes: [{ http: "http://127.0.0.1:9/\\u0085", contains: "\\u009b" }]\n`,
    });
    try {
      for (const args of [["validate", "--print"], ["list"], ["list", "--json"], ["explain", "x"], ["audit", "--dry-run"]]) {
        const r = await runCli(args, { cwd: project.dir });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
        expect(r.stdout, args.join(" ")).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        expect(r.stderr, args.join(" ")).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
      // What validate --print writes is still the same checklist.
      const printed = await runCli(["validate", "--print"], { cwd: project.dir });
      project.write("printed.yaml", printed.stdout);
      const again = await runCli(["validate", "--print", "printed.yaml"], { cwd: project.dir });
      expect(again.stdout.split("\n").filter((l) => !l.startsWith("#") && !l.trim().startsWith("# from"))).toEqual(printed.stdout.split("\n").filter((l) => !l.startsWith("#") && !l.trim().startsWith("# from")));
    } finally {
      project.cleanup();
    }
  });
});
