/**
 * Attacks from issue 24 that a hostile checklist or a hostile target can make on the built CLI,
 * each reproduced as it was found: catastrophic regular expressions, special files where regular
 * ones are expected, running out of file descriptors, `-o` onto special files, concurrent edits,
 * imported `${env…}`, YAML anchors, huge sections, and `--untrusted`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

/** Patterns that backtrack exponentially (or close to it) in a backtracking engine, with text that makes them. */
const CATASTROPHIC: [pattern: string, text: string][] = [
  ["^(\\w+\\s?)*$", `${"a".repeat(63)}!`],
  ["(a+)+$", `${"a".repeat(64)}!`],
  ["(a|aa)+$", `${"a".repeat(80)}!`],
];

describe("a catastrophic `matches` pattern against hostile text (item 4)", () => {
  let server: Running;
  let silent: Running;
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      const i = Number(new URL(req.url ?? "/", "http://x").searchParams.get("i") ?? 0);
      res.writeHead(200, { "content-type": "text/plain" }).end(CATASTROPHIC[i]?.[1] ?? "");
    });
    silent = await startHttpServer(() => undefined); // never answers: keeps the audit running
  });
  afterAll(async () => {
    await server.close();
    await silent.close();
  });

  function checklist(extra = ""): string {
    const items = CATASTROPHIC.map(
      ([pattern], i) => `
      - id: http-${i}
        title: body ${i}
        probes: [{ http: "${server.url}/?i=${i}", matches: ${JSON.stringify(pattern)} }]
      - id: file-${i}
        title: file ${i}
        probes: [{ file: body-${i}.txt, matches: ${JSON.stringify(pattern)} }]
      - id: stdout-${i}
        title: stdout ${i}
        probes: [{ command: [cat, body-${i}.txt], stdout: { matches: ${JSON.stringify(pattern)} } }]`,
    ).join("");
    return `version: 1\nname: regex\nsections:\n  - id: s\n    title: S\n    items:${items}${extra}\n`;
  }

  it("fails each probe with its cause instead of hanging the audit", async () => {
    const p = tempProject(Object.fromEntries(CATASTROPHIC.map(([, text], i) => [`body-${i}.txt`, text])));
    try {
      p.write("readiness.yaml", checklist());
      const r = await runCli(["audit", "readiness.yaml", "-f", "json"], { cwd: p.dir, killAfterMs: 40_000 });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as { sections: { items: { id: string; result: string; probes: { message: string }[] }[] }[] };
      const items = report.sections[0]!.items;
      expect(items).toHaveLength(9);
      for (const item of items) {
        expect(item.result).toBe("fail");
        expect(item.probes[0]!.message).toMatch(/does not match \//);
      }
    } finally {
      p.cleanup();
    }
  }, 60_000);

  it("still ends on SIGTERM while it runs", async () => {
    const p = tempProject(Object.fromEntries(CATASTROPHIC.map(([, text], i) => [`body-${i}.txt`, text])));
    try {
      const wait = `
      - id: wait
        title: waits
        probes: [{ http: "${silent.url}/", timeout: 50s }]`;
      p.write("readiness.yaml", checklist(wait));
      const r = await runCli(["audit", "readiness.yaml"], {
        cwd: p.dir,
        killAfterMs: 40_000,
        onSpawn: (_pid, child) => setTimeout(() => child.kill("SIGTERM"), 3000),
      });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(143);
    } finally {
      p.cleanup();
    }
  }, 60_000);

  it("refuses a pattern only backtracking can run, at file:line:col, saying why", async () => {
    const p = tempProject({
      "readiness.yaml": `version: 1
name: regex
sections:
  - id: s
    title: S
    items:
      - id: a
        title: A
        probes: [{ file: x.txt, matches: "(a)\\\\1" }]
      - id: b
        title: B
        probes: [{ file: x.txt, matches: "foo(?=bar)" }]
`,
      "x.txt": "aa",
    });
    try {
      const r = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/readiness\.yaml:9:\d+: .*backreferences are not supported/);
      expect(r.stderr).toMatch(/readiness\.yaml:12:\d+: .*lookahead \(\?=…\) is not supported/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      p.cleanup();
    }
  });
});

