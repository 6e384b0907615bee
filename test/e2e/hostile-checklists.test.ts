/**
 * Attacks from issue 24 that a hostile checklist or a hostile target can make on the built CLI,
 * each reproduced as it was found: catastrophic regular expressions, special files where regular
 * ones are expected, running out of file descriptors, `-o` onto special files, concurrent edits,
 * imported `${env…}`, YAML anchors, huge sections, and `--untrusted`.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli, tempProject, type CliResult } from "../helpers/cli.js";
import { startHttpServer, type Running } from "../helpers/servers.js";

/** The first six lines of a checklist whose one section `s` holds the items that follow. */
const HEADER = (name: string): string => `version: 1\nname: ${name}\nsections:\n  - id: s\n    title: S\n    items:\n`;

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
      "readiness.yaml": `${HEADER("regex")}      - id: a
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


/** Runs the CLI with a stdin pipe that stays open (nobody writes to it, nobody closes it) until it exits. */
function runWithOpenStdin(args: string[], cwd: string, killAfterMs: number): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", CI: "" }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

describe("a FIFO or /dev/stdin where a file is expected (item 10)", () => {
  it("fails the probes that name one, unread, and the process exits after the verdict", async () => {
    const p = tempProject({ "real.txt": "version 1\n" });
    try {
      expect(spawnSync("mkfifo", [join(p.dir, "fifo")]).status).toBe(0);
      symlinkSync("/dev/stdin", join(p.dir, "stdin-link"));
      p.write(
        "readiness.yaml",
        `${HEADER("special files")}      - { id: fifo, title: FIFO, probes: [{ file: fifo, contains: x }] }
      - { id: stdin, title: stdin, probes: [{ file: stdin-link, matches: x }] }
      - { id: exists, title: exists, probes: [{ file: fifo }] }
      - { id: glob, title: glob, probes: [{ file: "*", contains: "1" }] }
      - { id: coverage, title: coverage, probes: [{ coverage: fifo, min: 1 }] }
      - { id: tests, title: tests, probes: [{ tests: stdin-link }] }
      - { id: real, title: real, probes: [{ file: real.txt, contains: version }] }
`,
      );
      const r = await runWithOpenStdin(["audit", "readiness.yaml", "-f", "json"], p.dir, 30_000);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as { sections: { items: { id: string; result: string; probes: { message: string }[] }[] }[] };
      const byId = Object.fromEntries(report.sections[0]!.items.map((i) => [i.id, i]));
      expect(byId.fifo!.probes[0]!.message).toBe("fifo is a FIFO, not a regular file or a directory");
      expect(byId.stdin!.probes[0]!.message).toMatch(/^stdin-link is a (FIFO|socket), not a regular file or a directory$/);
      expect(byId.exists!.result).toBe("fail");
      expect(byId.glob!.result).toBe("pass"); // a glob lists regular files and directories only
      expect(byId.coverage!.probes[0]!.message).toMatch(/is a FIFO, not a regular file/);
      expect(byId.tests!.probes[0]!.message).toMatch(/is a (FIFO|socket), not a regular file/);
      expect(byId.real!.result).toBe("pass");
    } finally {
      p.cleanup();
    }
  }, 60_000);
});

describe("out of file descriptors (item 12)", () => {
  it("fails each command that cannot be started with its cause, and prints the report", async () => {
    // Command probes run a few at a time (their own lane), so the descriptors are used up by 300
    // http probes held open by a server that never answers, as a large audit would.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const held = Array.from({ length: 300 }, (_, i) => `      - { id: h${i}, title: H${i}, probes: [{ http: "http://127.0.0.1:${port}/${i}", timeout: 8s }] }`);
    const commands = Array.from({ length: 20 }, (_, i) => `      - { id: c${i}, title: C${i}, probes: [{ command: [sleep, "0.3"] }] }`);
    const p = tempProject({ "readiness.yaml": `${HEADER("many")}${[...held, ...commands].join("\n")}\n` });
    try {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          "bash",
          ["-c", `ulimit -n 256 && exec "$0" "$@"`, process.execPath, BIN, "audit", "readiness.yaml", "--concurrency", "400", "-f", "json"],
          { cwd: p.dir, env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
        );
      });
      expect(r.stderr).not.toMatch(/Unhandled|\n\s+at /);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as { sections: { items: { id: string; result: string; probes: { message: string }[] }[] }[] };
      const commandMessages = report.sections[0]!.items.filter((i) => i.id.startsWith("c")).map((i) => i.probes[0]!.message);
      expect(commandMessages).toHaveLength(20);
      const failed = commandMessages.filter((m) => !/^exit 0 in /.test(m));
      expect(failed.length).toBeGreaterThan(0);
      for (const m of failed) expect(m).toBe("could not run sleep: out of file descriptors (EMFILE)");
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      p.cleanup();
    }
  }, 90_000);
});

describe("-o onto special files and the checklist itself (item 5)", () => {
  const CHECKLIST = "version: 1\nname: out\nextends: [./base.yaml]\ngate: { verified: 0 }\nsections: []\n";
  const BASE = `${HEADER("base")}      - { id: a, title: A, status: done }\n`;

  it("writes /dev/null, a FIFO and a link to /dev/stdout as streams; each stays what it was", async () => {
    const p = tempProject({ "readiness.yaml": CHECKLIST, "base.yaml": BASE });
    try {
      expect(spawnSync("mkfifo", [join(p.dir, "fifo")]).status).toBe(0);
      symlinkSync("/dev/stdout", join(p.dir, "out-link"));
      // A reader for the FIFO, started before the audit opens it for writing.
      const reader = new Promise<string>((resolve) => execFile("cat", [join(p.dir, "fifo")], (_e, out) => resolve(out)));
      const r = await runCli(["audit", "readiness.yaml", "-q", "-o", "json=/dev/null", "-o", "json=fifo", "-o", "markdown=out-link"], { cwd: p.dir });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
      expect(lstatSync(join(p.dir, "fifo")).isFIFO()).toBe(true);
      expect(lstatSync(join(p.dir, "out-link")).isSymbolicLink()).toBe(true);
      expect(JSON.parse(await reader)).toMatchObject({ verdict: "GO" });
      expect(r.stdout).toMatch(/^## .*GO — out\n[^]*GO score 100/);
    } finally {
      p.cleanup();
    }
  });

  it("import --force -o /dev/null leaves the device a device", async () => {
    const p = tempProject({ "list.md": "# Launch\n\n- [x] Backups restore\n" });
    try {
      const r = await runCli(["import", "list.md", "--force", "-o", "/dev/null"], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    } finally {
      p.cleanup();
    }
  });

  it("refuses to overwrite the checklist or a file it extends, with exit 2 and one line", async () => {
    const p = tempProject({ "readiness.yaml": CHECKLIST, "base.yaml": BASE });
    try {
      symlinkSync("base.yaml", join(p.dir, "base-link.json"));
      for (const [target, why] of [
        ["readiness.yaml", "is the checklist being audited"],
        ["./base.yaml", "is base.yaml, which the checklist extends"],
        ["base-link.json", "is base.yaml, which the checklist extends"],
      ] as const) {
        const r = await runCli(["audit", "readiness.yaml", "-q", "-o", `json=${target}`], { cwd: p.dir });
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`readiness: --output json=${target}: ${why}: not overwriting it\n`);
      }
      expect(readFileSync(join(p.dir, "readiness.yaml"), "utf8")).toBe(CHECKLIST);
      expect(readFileSync(join(p.dir, "base.yaml"), "utf8")).toBe(BASE);
    } finally {
      p.cleanup();
    }
  });
});

describe("parallel attest, waive and sign on one file (item 6)", () => {
  for (const writers of [20, 50]) {
    it(`keeps the record of every one of ${writers} parallel writers that reports success`, async () => {
      const items = Array.from({ length: writers }, (_, i) => `      - { id: i${i}, title: Item ${i} }`).join("\n");
      const p = tempProject({ "readiness.yaml": `version: 1\nname: parallel\ngate: { signoffs: [security] }\nsections:\n  - id: s\n    title: S\n    items:\n${items}\n` });
      try {
        const runs = await Promise.all(
          Array.from({ length: writers }, (_, i) => {
            const args =
              i === 0 ? ["sign", "security", "--by", "Sec Lead"]
              : i % 5 === 1 ? ["waive", `i${i}`, "--reason", `reason ${i}`, "--until", "2099-01-01", "--by", `w${i}`]
              : ["attest", `i${i}`, "--by", `person ${i}`];
            return runCli(args, { cwd: p.dir, env: { READINESS_NOW: "2098-12-01T00:00:00Z" }, killAfterMs: 120_000 }).then((r) => ({ i, args, r }));
          }),
        );
        const text = readFileSync(join(p.dir, "readiness.yaml"), "utf8");
        let succeeded = 0;
        for (const { i, args, r } of runs) {
          if (r.code !== 0) {
            expect(r.stderr).toMatch(/is locked/); // the only failure allowed: the bounded wait ran out
            continue;
          }
          succeeded++;
          expect(r.stdout).toMatch(/updated/);
          if (args[0] === "sign") expect(text).toMatch(/role: security[^]*by: Sec Lead/);
          else if (args[0] === "waive") expect(text).toContain(`reason: reason ${i}`);
          else expect(text).toContain(`attested_by: person ${i}`);
        }
        // Under a heavy load the bounded wait may run out for some; none of them may claim success.
        expect(succeeded).toBeGreaterThan(writers / 2);
        expect(existsSync(join(p.dir, ".readiness.yaml.lock"))).toBe(false);
        const v = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
        expect(v.code).toBe(0);
      } finally {
        p.cleanup();
      }
    }, 180_000);
  }

  it("takes over a lock left by a process that no longer runs", async () => {
    const p = tempProject({ "readiness.yaml": `${HEADER("l")}      - { id: a, title: A }\n` });
    try {
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
      writeFileSync(join(p.dir, ".readiness.yaml.lock"), `${dead} ${(await import("node:os")).hostname()}\n`);
      const r = await runCli(["attest", "a", "--by", "me"], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(readFileSync(join(p.dir, "readiness.yaml"), "utf8")).toContain("attested_by: me");
      expect(existsSync(join(p.dir, ".readiness.yaml.lock"))).toBe(false);
    } finally {
      p.cleanup();
    }
  });
});

describe("import of Markdown that mentions ${env…} (item 7)", () => {
  it("keeps the text literal: the audit sends no secret, and the form without a default imports too", async () => {
    const seen: string[] = [];
    const server = await startHttpServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(200).end("ok");
    });
    const p = tempProject({
      "list.md": `# Launch\n\n## Ops\n\n- [ ] Health: GET ${server.url}/health?k=\${env.SECRET_TOKEN:-x} returns 200\n- [ ] Token \${env.SECRET_TOKEN} is rotated, see \`docs/\${env.SECRET_TOKEN}.md\`\n`,
    });
    try {
      const imported = await runCli(["import", "list.md", "--with-probes", "-o", "readiness.yaml"], { cwd: p.dir });
      expect(imported.stderr).not.toMatch(/a bug/);
      expect(imported.code).toBe(0);
      const r = await runCli(["audit", "readiness.yaml", "-f", "json"], { cwd: p.dir, env: { SECRET_TOKEN: "s3cr3t-token-value" } });
      expect(r.code).not.toBe(2);
      expect(seen).toHaveLength(1);
      expect(decodeURIComponent(seen[0]!)).toBe("/health?k=${env.SECRET_TOKEN:-x}");
      expect(r.stdout).not.toContain("s3cr3t");
      const report = JSON.parse(r.stdout) as { sections: { items: { title: string }[] }[] };
      expect(report.sections[0]!.items[1]!.title).toBe("Token ${env.SECRET_TOKEN} is rotated, see docs/${env.SECRET_TOKEN}.md");
    } finally {
      p.cleanup();
      await server.close();
    }
  });
});

describe("smaller cases (item 13)", () => {
  const ANCHORS = `${HEADER("anchors")}      - id: a
        title: A
        status: &st missing
        attested_by: &who Alice
      - id: b
        title: B
        status: *st
        attested_by: *who
`;

  it("attest refuses a value shared through YAML anchors, on either side, with one line and the file unchanged", async () => {
    const p = tempProject({ "readiness.yaml": ANCHORS });
    try {
      const anchored = await runCli(["attest", "a", "--by", "Bob"], { cwd: p.dir });
      expect(anchored.code).toBe(2);
      expect(anchored.stderr).toBe('readiness: cannot record "status" (line 9): its value is anchored as &st and reused elsewhere through *st, which would change too; give the other entries their own value first\n');
      const aliased = await runCli(["attest", "b", "--by", "Carol"], { cwd: p.dir });
      expect(aliased.code).toBe(2);
      expect(aliased.stderr).toMatch(/^readiness: cannot record "status" \(line 13\): its value is the YAML alias \*st/);
      expect(readFileSync(join(p.dir, "readiness.yaml"), "utf8")).toBe(ANCHORS);
    } finally {
      p.cleanup();
    }
  });

  it("accepts a command probe's env key and passes the variables", async () => {
    const p = tempProject({
      "readiness.yaml": `${HEADER("c")}      - id: a\n        title: A\n        probes:\n          - command: [sh, -c, 'test "$FOO" = bar']\n            env: { FOO: bar }\n      - { id: e, title: E, probes: [{ env: PATH }] }\n`,
    });
    try {
      const r = await runCli(["audit", "readiness.yaml", "-q"], { cwd: p.dir });
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^GO score 100/);
    } finally {
      p.cleanup();
    }
  });

  it("refuses expires_after beyond 100 years at file:line:col instead of crashing the audit", async () => {
    const p = tempProject({
      "readiness.yaml": `${HEADER("e")}      - { id: a, title: A, status: done, attested_by: x, attested_at: 2026-01-01, expires_after: 99999999999d }\n`,
    });
    try {
      const r = await runCli(["audit", "readiness.yaml"], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^readiness\.yaml:7:\d+: expires_after 99999999999d is too long: at most 36500d \(100 years\)/);
      expect(r.stderr).not.toMatch(/internal error/);
    } finally {
      p.cleanup();
    }
  });

  it("does not echo a file that is not a checklist when it is extended", async () => {
    const p = tempProject({ "readiness.yaml": "version: 1\nname: p\nextends: [/etc/passwd]\nsections: []\n" });
    try {
      const r = await runCli(["validate", "readiness.yaml"], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("/etc/passwd:1:1: not a readiness checklist (no version key at the top level)");
      expect(r.stderr).not.toMatch(/root|:x:0:0/);
    } finally {
      p.cleanup();
    }
  });

  describe("130,000 items in one section", () => {
    let p: ReturnType<typeof tempProject>;
    beforeAll(() => {
      const items = Array.from({ length: 130_000 }, (_, i) => `      - { id: i${i}, title: T, status: done }`).join("\n");
      // Claims only: gate.verified 0 accepts them, so the audit can be GO.
      p = tempProject({ "readiness.yaml": `${HEADER("big").replace("sections:\n", "gate: { verified: 0 }\nsections:\n")}${items}\n` });
    });
    afterAll(() => p.cleanup());

    it("audits them (no stack overflow)", async () => {
      const r = await runCli(["audit", "readiness.yaml", "-q"], { cwd: p.dir, killAfterMs: 120_000 });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^GO score 100/);
    }, 150_000);

    it("exits 130 on SIGINT while loading them", async () => {
      const r = await runCli(["audit", "readiness.yaml", "-q"], {
        cwd: p.dir,
        killAfterMs: 120_000,
        onSpawn: (_pid, child) => setTimeout(() => child.kill("SIGINT"), 700),
      });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(130);
    }, 150_000);
  });
});

describe("--untrusted (item 9)", () => {
  it("refuses environment names not allowed, paths and extends outside the directory, and runs no program", async () => {
    const seen: string[] = [];
    const server = await startHttpServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(200).end("ok");
    });
    const p = tempProject({ "ok.txt": "hello\n" });
    try {
      symlinkSync("/etc", join(p.dir, "etclink"));
      const hostile = `${HEADER("hostile")}      - id: a
        title: A
        probes:
          - http: "${server.url}/?t=\${env.GH_TOKEN}"
          - file: /etc/passwd
            matches: "^root"
          - tls: "127.0.0.1:9"
            ca: ../ca.pem
`;
      p.write("hostile.yaml", hostile);
      const r = await runCli(["audit", "hostile.yaml", "--untrusted"], { cwd: p.dir, env: { GH_TOKEN: "ghp_secret_value" } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("hostile.yaml:10:19: environment variable GH_TOKEN is not allowed with --untrusted (allow it with --allow-env GH_TOKEN");
      expect(r.stderr).toMatch(/hostile\.yaml:11:\d+: "\/etc\/passwd" is absolute/);
      expect(r.stderr).toMatch(/hostile\.yaml:14:\d+: "\.\.\/ca\.pem" goes up with \.\./);
      expect(seen).toEqual([]);

      p.write("pkg.yaml", "version: 1\nname: p\nextends: [some-package]\nsections: []\n");
      const pkg = await runCli(["validate", "pkg.yaml"], { cwd: p.dir });
      expect(pkg.code).toBe(2);
      const pkgUntrusted = await runCli(["audit", "pkg.yaml", "--untrusted"], { cwd: p.dir });
      expect(pkgUntrusted.stderr).toContain("extends some-package: a package is not extended with --untrusted");

      const marker = join(p.dir, "PWNED");
      p.write(
        "inside.yaml",
        `${HEADER("inside")}      - { id: link, title: L, probes: [{ file: etclink/passwd, matches: "^root" }] }
      - { id: ok, title: O, probes: [{ file: ok.txt, contains: "\${env.ALLOWED}" }] }
      - { id: cmd, title: C, probes: [{ command: [touch, ${JSON.stringify(marker)}] }] }
      - { id: http, title: H, probes: [{ http: "${server.url}/?q=\${env.ALLOWED}" }] }
`,
      );
      const dry = await runCli(["audit", "inside.yaml", "--untrusted", "--allow-env", "ALLOWED", "--dry-run"], { cwd: p.dir, env: { ALLOWED: "hello" } });
      expect(dry.stdout).toContain("Environment variables read: ALLOWED");
      const run = await runCli(["audit", "inside.yaml", "--untrusted", "--allow-env", "ALLOWED", "-f", "json"], { cwd: p.dir, env: { ALLOWED: "hello" } });
      const report = JSON.parse(run.stdout) as { sections: { items: { id: string; result: string; probes: { message: string }[] }[] }[] };
      const byId = Object.fromEntries(report.sections[0]!.items.map((i) => [i.id, i]));
      expect(byId.link!.probes[0]!.message).toBe("etclink/passwd is outside the checklist's directory (after following symbolic links): refused with --untrusted");
      expect(byId.ok!.result).toBe("pass");
      expect(byId.cmd!.result).toBe("skipped");
      expect(existsSync(marker)).toBe(false);
      expect(seen).toEqual(["/?q=hello"]);
    } finally {
      p.cleanup();
      await server.close();
    }
  });
});
