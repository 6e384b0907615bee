/**
 * The audit core end to end: the built CLI against real loopback servers, real child processes
 * and real files. Exit codes and parsed JSON first; text only where the text is the contract.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";
import { BIN, runCli, tempProject } from "../helpers/cli.js";
import { closedPort, startHttpServer, type Running } from "../helpers/servers.js";
import { PROBE_TYPES } from "../../src/probes/index.js";

let api: Running;
let inFlight = 0;
let maxInFlight = 0;
let requests = 0;
const hung = new Set<ServerResponse>();
const hungPaths: string[] = [];

beforeAll(async () => {
  api = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/health") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    if (url.pathname === "/down") return void res.writeHead(503).end("unavailable");
    if (url.pathname === "/hang") {
      hungPaths.push(req.url ?? "");
      return void hung.add(res); // never answers
    }
    if (url.pathname === "/slow") {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end("ok");
      }, 300);
      return;
    }
    if (url.pathname.startsWith("/echo")) return void res.writeHead(200).end(String(req.headers.authorization ?? ""));
    res.writeHead(404).end();
  });
});
afterAll(async () => {
  for (const r of hung) r.destroy();
  await api.close();
});

const checklist = (items: string, head = ""): string => `version: 1\nname: E2E\n${head}sections:\n  - id: main\n    title: Main\n    items:\n${items}`;
const httpItem = (id: string, severity: string, path: string, extra = ""): string =>
  `      - id: ${id}\n        title: ${id} answers\n        severity: ${severity}\n        probes:\n          - http: ${api.url}${path}\n${extra}`;

describe("verdicts and exit codes", () => {
  it("GO exits 0, CONDITIONAL exits 0 (1 with --fail-on conditional), NO-GO exits 1", async () => {
    const p = tempProject();
    try {
      const go = p.write("go.yaml", checklist(httpItem("a", "critical", "/health", "            contains: '\"status\":\"ok\"'\n") + httpItem("b", "high", "/health")));
      const cond = p.write("cond.yaml", checklist(httpItem("a", "critical", "/health") + httpItem("a2", "critical", "/health") + httpItem("a3", "critical", "/health") + httpItem("b", "high", "/down")));
      const nogo = p.write("nogo.yaml", checklist(httpItem("a", "critical", "/down") + httpItem("b", "low", "/health")));

      const r1 = await runCli(["audit", go, "-f", "json"]);
      expect(r1.code).toBe(0);
      const j1 = JSON.parse(r1.stdout) as Report;
      expect([j1.verdict, j1.score, j1.verified_score, j1.reasons]).toEqual(["GO", 100, 100, []]);

      const r2 = await runCli(["audit", cond, "-f", "json"]);
      expect(r2.code).toBe(0);
      const j2 = JSON.parse(r2.stdout) as Report;
      expect(j2.verdict).toBe("CONDITIONAL");
      expect(j2.reasons.join("\n")).toContain('high item "b answers" (b) is fail');
      expect(j2.sections[0]!.items[3]!.message).toMatch(/expected status 2xx, got 503|503/);
      expect((await runCli(["audit", cond, "--fail-on", "conditional", "-q"])).code).toBe(1);
      expect((await runCli(["audit", cond, "--fail-on", "never", "-q"])).code).toBe(0);

      const r3 = await runCli(["audit", nogo]);
      expect(r3.code).toBe(1);
      // The terminal report ends with the verdict, loud.
      const tail = r3.stdout.trimEnd().split("\n").slice(-8).join("\n");
      expect(tail).toContain("NO-GO");
      expect(r3.stdout).toContain("blocking critical item");

      expect((await runCli(["audit", nogo, "--fail-on", "never", "-q"])).code).toBe(0);
      const q = await runCli(["audit", go, "-q"]);
      expect(q.stdout).toBe("GO score 100 verified 100\n");
    } finally {
      p.cleanup();
    }
  });

  it("--min-score and --strict change the verdict", async () => {
    const p = tempProject();
    try {
      const f = p.write("c.yaml", checklist(httpItem("a", "medium", "/health") + "      - { id: claim, title: Runbooks, severity: medium, status: done }\n"));
      const base = JSON.parse((await runCli(["audit", f, "-f", "json"])).stdout) as Report;
      expect([base.verdict, base.score, base.verified_score]).toEqual(["GO", 100, 50]);
      const strict = JSON.parse((await runCli(["audit", f, "-f", "json", "--strict"])).stdout) as Report;
      expect([strict.verdict, strict.score]).toEqual(["NO-GO", 50]);
      const r = await runCli(["audit", f, "-f", "json", "--strict", "--min-score", "50"]);
      expect((JSON.parse(r.stdout) as Report).verdict).toBe("GO");
    } finally {
      p.cleanup();
    }
  });
});

describe("probes that cannot succeed fail with their cause, never crash or hang", () => {
  it("a dead port, a hanging endpoint, a command that never ends and a missing binary", async () => {
    const dead = await closedPort();
    const p = tempProject();
    try {
      const f = p.write(
        "c.yaml",
        checklist(`      - id: dead
        title: Dead port
        probes: [{ http: "http://127.0.0.1:${dead}/health" }]
      - id: hang
        title: Hanging endpoint
        probes: [{ http: "${api.url}/hang", timeout: 500ms }]
      - id: forever
        title: Command that never ends
        probes: [{ command: ["${process.execPath}", "-e", "setInterval(() => {}, 1000)"], timeout: 500ms }]
      - id: nobin
        title: Missing binary
        probes: [{ command: [definitely-not-a-binary-xyz, --version] }]
      - id: tcp-dead
        title: Dead TCP port
        probes: [{ tcp: "127.0.0.1:${dead}" }]
`),
      );
      const r = await runCli(["audit", f, "-f", "json"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("");
      const items = (JSON.parse(r.stdout) as Report).sections[0]!.items;
      expect(items.map((i) => i.result)).toEqual(["fail", "fail", "fail", "fail", "fail"]);
      const [deadItem, hang, forever, nobin, tcpDead] = items.map((i) => i.message ?? "");
      expect(deadItem).toMatch(/connection refused/);
      expect(hang).toMatch(/timed out after 500ms/);
      expect(forever).toMatch(/timed out after 500ms/);
      expect(nobin).toMatch(/not found/);
      expect(tcpDead).toMatch(/connection refused/);
      // Probes ran in parallel, each bounded by its timeout: nowhere near the sum of timeouts.
      expect(r.ms).toBeLessThan(10_000);
    } finally {
      p.cleanup();
    }
  });

  it("runs probes in parallel up to --concurrency, with results in checklist order", async () => {
    const p = tempProject();
    try {
      const items = Array.from({ length: 40 }, (_, i) => `      - { id: slow-${i}, title: Slow ${i}, probes: [{ http: "${api.url}/slow?${i}" }] }\n`).join("");
      const f = p.write("c.yaml", checklist(items));
      maxInFlight = 0;
      const r = await runCli(["audit", f, "-f", "json", "--concurrency", "40"]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.sections[0]!.items.map((i) => i.id)).toEqual(Array.from({ length: 40 }, (_, i) => `slow-${i}`));
      expect(maxInFlight).toBe(40);
      // 40 probes of 300 ms took about one probe's time, not 12 s.
      expect(report.duration_ms).toBeLessThan(3_000);

      maxInFlight = 0;
      const limited = await runCli(["audit", f, "-q", "--concurrency", "4"]);
      expect(limited.code).toBe(0);
      expect(maxInFlight).toBe(4);
    } finally {
      p.cleanup();
    }
  });
});

describe("bad input: exit 2, one clear line, no stack trace", () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ["empty.yaml", "", /empty\.yaml:1:1: the checklist is empty/],
    ["binary.yaml", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]), /binary\.yaml: binary file/],
    ["scalar.yaml", "just a string\n", /expected a mapping with version and sections at the top level, got a string/],
    ["list.yaml", "- a\n- b\n", /got a list/],
    ["latin1.yaml", Buffer.from("version: 1\nname: caf\xe9\n", "latin1"), /latin1\.yaml:2: not valid UTF-8/],
    ["syntax.yaml", "version: 1\nsections: [\n", /syntax\.yaml:\d+:\d+: YAML/],
    // A collection as a key: yaml's own "Keys with collection values will be stringified" warning stays off stderr.
    ["collection-key.yaml", "version: 1\nname: X\n? [a]\n: b\nsections: []\n", /collection-key\.yaml:\d+:\d+: unknown key "\[ a \]"/],
    [
      "bomb.yaml",
      ["a: &a [x,x,x,x,x,x,x,x,x,x]", ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]`)].join("\n"),
      /alias bomb/,
    ],
  ];
  it.each(cases)("%s", async (name, content, expected) => {
    const p = tempProject({ [name]: content });
    try {
      for (const cmd of ["audit", "validate"]) {
        const r = await runCli([cmd, name], { cwd: p.dir });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(expected);
        expect(r.stderr).not.toMatch(/\n\s+at |Error:|node:internal|Warning:/);
        expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      }
    } finally {
      p.cleanup();
    }
  });

  it("a 50 MB file is refused before it is read", async () => {
    const p = tempProject();
    try {
      const big = p.write("big.yaml", Buffer.alloc(50 * 1024 * 1024, "#"));
      const r = await runCli(["audit", big]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^readiness: \S*big\.yaml: file is too large \(50 MiB; a checklist file may be at most 8 MiB\)\n$/);
    } finally {
      p.cleanup();
    }
  });

  it("reports every schema error at once with positions and suggestions", async () => {
    const p = tempProject({
      "readiness.yaml": `version: 1
sections:
  - title: A
    items:
      - title: B
        severity: hgh
        probes:
          - tcp: localhost:1
            timout: 5s
          - htp: http://x
      - title: b
`,
    });
    try {
      const r = await runCli(["validate"], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toEqual([
        'readiness.yaml:6:19: expected one of critical, high, medium, low; got "hgh" — did you mean "high"? (at /sections/0/items/0/severity)',
        'readiness.yaml:9:13: unknown key "timout" — did you mean "timeout"? (at /sections/0/items/0/probes/0/timout)',
        `readiness.yaml:10:13: unknown probe type "htp" — did you mean "http"? (probe types: ${PROBE_TYPES.join(", ")}) (at /sections/0/items/0/probes/1/htp)`,
        "readiness.yaml: 3 errors",
      ]);
    } finally {
      p.cleanup();
    }
  });

  it("runs a probe with the longest timeout allowed (24d) to its end: no timer overflow, no warning", async () => {
    // A Node timer over 2^31 - 1 ms fires after 1 ms with a TimeoutOverflowWarning: a 30d timeout
    // once failed at once as "timed out". 24d is the most a checklist may ask for, and must work.
    const node = JSON.stringify(process.execPath);
    const p = tempProject({
      "readiness.yaml": `version: 1\nname: Long\nsections:\n  - id: s\n    title: S\n    items:\n      - { id: slow, title: Slow, probes: [{ command: [${node}, -e, "setTimeout(() => {}, 300)"], timeout: 24d, retry_delay: 24d }] }\n`,
    });
    try {
      const r = await runCli(["audit", "-f", "json", "--timeout", "24d"], { cwd: p.dir });
      expect(r.stderr).not.toMatch(/TimeoutOverflowWarning|does not fit/);
      const report = JSON.parse(r.stdout) as Report;
      expect(r.code, r.stderr).toBe(0);
      expect(report.sections[0]?.items[0]?.probes[0]).toMatchObject({ result: "pass" });
      expect(report.sections[0]?.items[0]?.probes[0]?.duration_ms).toBeGreaterThanOrEqual(250);
      p.write("readiness.yaml", readFileSync(join(p.dir, "readiness.yaml"), "utf8").replace("timeout: 24d", "timeout: 25d"));
      const tooLong = await runCli(["validate"], { cwd: p.dir });
      expect(tooLong.code).toBe(2);
      expect(tooLong.stderr).toMatch(/^readiness\.yaml:7:\d+: timeout must be at most 24d \(at \/sections\/0\/items\/0\/probes\/0\/timeout\)$/m);
    } finally {
      p.cleanup();
    }
  });

  it("bad options exit 2 with one line", async () => {
    const p = tempProject({ "readiness.yaml": checklist(httpItem("a", "low", "/health")) });
    try {
      for (const args of [
        ["audit", "--concurrency", "0"],
        ["audit", "--timeout", "soon"],
        ["audit", "--timeout", "30d"],
        ["audit", "--wait", "25d"],
        ["audit", "--wait", "1m", "--interval", "25d"],
        ["audit", "-f", "pdf"],
        ["audit", "-o", "json"],
        ["audit", "--only", "nope"],
        ["audit", "--only", "tag:nope"],
        ["audit", "--fail-on", "maybe"],
        ["audit", "--bogus"],
        ["audit", "missing.yaml"],
        ["explain", "nope"],
      ]) {
        const r = await runCli(args, { cwd: p.dir });
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
        expect(r.stderr).toMatch(/^readiness: /);
      }
      const sel = await runCli(["audit", "--only", "aa"], { cwd: p.dir });
      expect(sel.stderr).toBe('readiness: --only aa: no item or section "aa" in the checklist — did you mean "a"?\n');
    } finally {
      p.cleanup();
    }
  });
});

describe("secrets from the environment never reach any output", () => {
  it("masks env values in every format, the plan, explain and error messages", async () => {
    const secret = "tok-9f8e7d6c5b4a";
    const dead = await closedPort();
    const p = tempProject({
      "readiness.yaml": checklist(
        `      - id: echo
        title: Auth header accepted
        probes:
          - http: ${api.url}/echo/\${env.API_TOKEN}
            headers: { Authorization: "Bearer \${env.API_TOKEN}" }
            contains: nothing-like-this
      - id: dead
        title: Dead with secret in URL
        probes: [{ http: "http://127.0.0.1:${dead}/\${env.API_TOKEN}/health" }]
`,
      ),
    });
    try {
      const env = { API_TOKEN: secret };
      const outputs: string[] = [];
      for (const args of [["audit"], ["audit", "-f", "json"], ["audit", "--dry-run"], ["explain", "echo"], ["list"], ["audit", "-v"]]) {
        const r = await runCli(args, { cwd: p.dir, env });
        outputs.push(r.stdout, r.stderr);
        expect(`${r.stdout}${r.stderr}`, args.join(" ")).not.toContain(secret);
      }
      expect(outputs.join("\n")).toContain("***");
      const json = JSON.parse(outputs[2]!) as Report;
      expect(json.sections[0]!.items[0]!.probes[0]!.target).toBe(`${api.url}/echo/***`);
      expect(json.sections[0]!.items[1]!.message).toMatch(/\*\*\*/);
    } finally {
      p.cleanup();
    }
  });
});

describe("modes", () => {
  it("--dry-run prints the plan and sends nothing", async () => {
    const p = tempProject({ "readiness.yaml": checklist(httpItem("a", "low", "/health?dry") + "      - { id: c, title: C, probes: [{ command: [rm, -rf, /tmp/nothing-here] }] }\n") });
    try {
      const before = requests;
      const r = await runCli(["audit", "--dry-run"], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(requests).toBe(before);
      expect(r.stdout).toContain(`run  http "${api.url}/health?dry"`);
      expect(r.stdout).toContain('run  command ["rm","-rf","/tmp/nothing-here"]');
      expect(r.stdout).toContain("2 probes would run.");
    } finally {
      p.cleanup();
    }
  });

  it("--no-exec skips command probes and spawns nothing", async () => {
    const p = tempProject();
    const marker = join(p.dir, "spawned");
    p.write("readiness.yaml", checklist(`      - id: c\n        title: C\n        probes: [{ command: ["${process.execPath}", "-e", "require('fs').writeFileSync(process.argv[1], 'x')", "${marker}"] }]\n` + httpItem("h", "low", "/health")));
    try {
      const r = await runCli(["audit", "--no-exec", "-f", "json"], { cwd: p.dir });
      const report = JSON.parse(r.stdout) as Report;
      expect(report.sections[0]!.items.map((i) => i.result)).toEqual(["skipped", "pass"]);
      expect(report.sections[0]!.items[0]!.message).toMatch(/--no-exec/);
      expect(existsSync(marker)).toBe(false);
      await runCli(["audit", "-q"], { cwd: p.dir });
      expect(existsSync(marker)).toBe(true);
    } finally {
      p.cleanup();
    }
  });

  it("--only and --skip select by id, section, tag and severity", async () => {
    const p = tempProject({
      "readiness.yaml": checklist(
        `${httpItem("a", "critical", "/health")}        tags: [edge]\n${httpItem("b", "low", "/health")}${httpItem("c", "high", "/down")}`,
      ),
    });
    try {
      const results = async (...args: string[]): Promise<string[]> =>
        (JSON.parse((await runCli(["audit", "-f", "json", ...args], { cwd: p.dir })).stdout) as Report).sections[0]!.items.map((i) => i.result);
      expect(await results("--only", "tag:edge")).toEqual(["pass", "skipped", "skipped"]);
      expect(await results("--only", "severity:low,a")).toEqual(["pass", "pass", "skipped"]);
      expect(await results("--skip", "c")).toEqual(["pass", "pass", "skipped"]);
      expect(await results("--only", "section:main", "--skip", "severity:high")).toEqual(["pass", "pass", "skipped"]);
    } finally {
      p.cleanup();
    }
  });

  it("-o writes several formats atomically and keeps stdout for one report", async () => {
    const p = tempProject({ "readiness.yaml": checklist(httpItem("a", "low", "/health")) });
    try {
      const r = await runCli(["audit", "-f", "json", "-o", "json=out/deep/r.json", "-o", "terminal=out/r.txt"], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(join(p.dir, "out/deep/r.json"), "utf8")));
      expect(readFileSync(join(p.dir, "out/r.txt"), "utf8")).toContain("GO");
    } finally {
      p.cleanup();
    }
  });

  it("-o that cannot be written: one line naming it, exit 2, no report on stdout, the files before it written", async () => {
    const p = tempProject({ "readiness.yaml": checklist(httpItem("a", "low", "/health")), "blocker": "a file where a directory is needed\n" });
    try {
      const r = await runCli(["audit", "-f", "json", "-o", "json=out/r.json", "-o", "html=blocker/r.html", "-o", "junit=blocker/r.xml", "-o", "markdown=out/r.md"], { cwd: p.dir });
      expect(r.code).toBe(2);
      // A parent that is a file: ENOTDIR.
      expect(r.stderr).toBe("readiness: --output html=blocker/r.html: cannot write (ENOTDIR)\n");
      expect(r.stdout).toBe("");
      expect(JSON.parse(readFileSync(join(p.dir, "out/r.json"), "utf8")).verdict).toBe("GO");
      // No temporary file left behind.
      expect(readdirSync(join(p.dir, "out"))).toEqual(["r.json"]);
    } finally {
      p.cleanup();
    }
  });

  it.runIf(process.platform === "linux")("-o where no directory can be made (under /proc): one line and exit 2, not a hang", async () => {
    // Node 20's recursive mkdirSync spins there forever, deaf to SIGTERM; the run must end at once.
    const p = tempProject({ "readiness.yaml": checklist(httpItem("a", "low", "/health")) });
    try {
      const r = await runCli(["audit", "-o", "json=/proc/readiness-no-such/r.json"], { cwd: p.dir, killAfterMs: 20_000 });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("readiness: --output json=/proc/readiness-no-such/r.json: cannot write (ENOENT)\n");
    } finally {
      p.cleanup();
    }
  });

  it("two -o naming one file are refused before anything runs", async () => {
    const p = tempProject({ "readiness.yaml": checklist(httpItem("a", "low", "/health")) });
    try {
      const r = await runCli(["audit", "-o", "json=out/r", "-o", "html=./out/../out/r"], { cwd: p.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("readiness: --output html=./out/../out/r: --output json=out/r is written to the same file; give each report its own path\n");
      expect(existsSync(join(p.dir, "out"))).toBe(false);
    } finally {
      p.cleanup();
    }
  });
});

describe("colour", () => {
  it("is off without a terminal, forced by FORCE_COLOR, and --no-color / NO_COLOR win", async () => {
    const p = tempProject({ "readiness.yaml": checklist(httpItem("a", "low", "/health")) });
    try {
      const plain = await runCli(["audit"], { cwd: p.dir, env: { NO_COLOR: undefined } });
      expect(plain.stdout).not.toContain("\x1b[");
      const forced = await runCli(["audit"], { cwd: p.dir, env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
      expect(forced.stdout).toContain("\x1b[");
      const flag = await runCli(["audit", "--no-color"], { cwd: p.dir, env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
      expect(flag.stdout).not.toContain("\x1b[");
      // JSON and Markdown are never coloured.
      const json = await runCli(["audit", "-f", "json"], { cwd: p.dir, env: { NO_COLOR: undefined, FORCE_COLOR: "3" } });
      expect(json.stdout).not.toContain("\x1b[");
      // No progress display without a terminal, even when colour is forced.
      expect(forced.stderr).toBe("");
    } finally {
      p.cleanup();
    }
  });

  // `script` runs the CLI on a pseudo-terminal: the terminal check asks the descriptor first (only a
  // character device can be a terminal), so a terminal must still be told from /dev/null, which is one.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("is on for a terminal, and off for /dev/null, a character device that is not one", () => {
    // No probe served by this process: spawnSync blocks its event loop.
    const p = tempProject({ "readiness.yaml": "version: 1\nsections:\n  - { id: s, title: S, items: [{ id: runbook, title: Runbook, severity: critical, status: missing }] }\n" });
    try {
      // NO_COLOR and FORCE_COLOR unset, not empty: Node 22 warns on stderr when both are defined.
      const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env;
      const env = { ...rest, CI: "", TERM: "xterm", COLORTERM: "" };
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} audit`;
      const tty = spawnSync("script", ["-qfec", `${cmd} --no-progress`, "/dev/null"], { cwd: p.dir, env, encoding: "utf8" });
      expect(tty.stdout).toContain("\x1b[");
      expect(tty.stdout).toContain("NO-GO");
      // stdout on /dev/null, stderr on the terminal: no progress display (it needs both), nothing at all on stderr.
      const devNull = spawnSync("script", ["-qfec", `${cmd} > /dev/null; echo "exit $?"`, "/dev/null"], { cwd: p.dir, env, encoding: "utf8" });
      expect(devNull.stdout.trim()).toMatch(/^exit 1$/);
      const file = join(p.dir, "out.txt");
      spawnSync("script", ["-qfec", `${cmd} --no-progress > ${JSON.stringify(file)}`, "/dev/null"], { cwd: p.dir, env, encoding: "utf8" });
      expect(readFileSync(file, "utf8")).toContain("NO-GO");
      expect(readFileSync(file, "utf8")).not.toContain("\x1b[");
    } finally {
      p.cleanup();
    }
  });
});

describe("interrupts", () => {
  it("SIGINT mid-run stops probes, prints the partial report marked interrupted, exits 130", async () => {
    const p = tempProject({
      "readiness.yaml": checklist(
        `${httpItem("ok", "low", "/health")}      - { id: hang, title: Hang, probes: [{ http: "${api.url}/hang?int", timeout: 60s }] }\n      - { id: sleeper, title: Sleeper, probes: [{ command: ["${process.execPath}", "-e", "setTimeout(() => {}, 60000)"], timeout: 60s }] }\n`,
      ),
    });
    try {
      let sent = 0;
      const r = await runCli(["audit", "-f", "json", "-o", "json=out/r.json"], {
        cwd: p.dir,
        onSpawn: (_pid, child) => {
          // Interrupt once the hanging request has reached the server.
          const poll = setInterval(() => {
            if (hungPaths.includes("/hang?int") && !sent) {
              sent = performance.now();
              child.kill("SIGINT");
              clearInterval(poll);
            }
          }, 20);
        },
      });
      expect(sent).toBeGreaterThan(0);
      expect(r.code).toBe(130);
      expect(performance.now() - sent).toBeLessThan(5_000);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.interrupted).toBe(true);
      expect(report.reasons[0]).toBe("the run was interrupted: results are partial");
      expect(report.sections[0]!.items.map((i) => i.result)).toEqual(["pass", "skipped", "skipped"]);
      expect(JSON.parse(readFileSync(join(p.dir, "out/r.json"), "utf8"))).toMatchObject({ interrupted: true });
      expect(r.stderr).toContain("SIGINT received");
    } finally {
      p.cleanup();
    }
  });
});

describe("the built-in baseline and init", () => {
  it("audits the built-in baseline when no checklist is here, says so first, and init writes one", async () => {
    const p = tempProject({ "README.md": `# Demo\n\n${"Explains how to run this. ".repeat(20)}\n`, LICENSE: "MIT\n" });
    try {
      const r = await runCli(["audit", "-f", "json"], { cwd: p.dir });
      expect(r.stderr.split("\n")[0]).toMatch(/^No checklist here: auditing the built-in repository baseline\. Run `readiness init`/);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.checklist.builtin).toBe(true);
      const results = Object.fromEntries(report.sections.flatMap((s) => s.items).map((i) => [i.id, i.result]));
      expect(results).toMatchObject({ readme: "pass", license: "pass", lockfile: "fail", "ci-configured": "fail" });

      const init = await runCli(["init"], { cwd: p.dir });
      expect(init.code, init.stderr).toBe(0);
      const written = readFileSync(join(p.dir, "readiness.yaml"), "utf8");
      const valid = await runCli(["validate"], { cwd: p.dir });
      expect(valid.code, valid.stderr).toBe(0);
      writeFileSync(join(p.dir, "readiness.yaml"), "# mine\n" + written);
      const again = await runCli(["init"], { cwd: p.dir });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/readiness\.yaml already exists: not overwriting it \(use --force/);
      expect(readFileSync(join(p.dir, "readiness.yaml"), "utf8").startsWith("# mine\n")).toBe(true);
      expect((await runCli(["init", "--force"], { cwd: p.dir })).code).toBe(0);
      expect(readFileSync(join(p.dir, "readiness.yaml"), "utf8")).toBe(written);
      // Now audit picks readiness.yaml, not the baseline.
      const own = await runCli(["audit", "-f", "json", "--no-exec", "--timeout", "300ms"], { cwd: p.dir });
      expect((JSON.parse(own.stdout) as Report).checklist.name).toBe("My web service");
    } finally {
      p.cleanup();
    }
  });
});
