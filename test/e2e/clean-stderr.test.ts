/**
 * The CLI on whichever Node runs the suite (scripts/test-all-nodes.sh runs it on every supported
 * major): `--version`, `validate` and an `audit` whose probes pass and fail print nothing on
 * stderr, since nothing the user did calls for a warning or an error there. And a checkout that was
 * never built says so in one line instead of a stack trace.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT, runCli, tempProject } from "../helpers/cli.js";
import { closedPort, startHttpServer, startTcpServer, type Running } from "../helpers/servers.js";

const project = tempProject();
let http: Running;
let tcp: Running;

beforeAll(async () => {
  http = await startHttpServer((req, res) => {
    res.writeHead(req.url === "/health" ? 200 : 503, { "content-type": "application/json" });
    res.end('{"status":"ok"}');
  });
  tcp = await startTcpServer();
  const down = await closedPort();
  project.write(
    "readiness.yaml",
    `version: 1
name: Clean stderr
sections:
  - id: s
    title: Everything a probe can do, passing and failing
    items:
      - id: health
        title: Health
        probes: [{ http: "${http.url}/health", status: 200, json: { status: ok } }]
      - id: broken
        title: Broken endpoint
        probes: [{ http: "${http.url}/broken", status: 200 }]
      - id: port
        title: Port open
        probes: [{ tcp: "127.0.0.1:${tcp.port}" }]
      - id: down
        title: Port of a stopped service
        probes: [{ tcp: "127.0.0.1:${down}" }]
      - id: command
        title: A command that fails
        probes: [{ command: ["${process.execPath.replaceAll("\\", "/")}", "-e", "process.exit(3)"] }]
      - id: file
        title: A file
        probes: [{ file: readiness.yaml, contains: "version: 1" }]
      - id: claim
        title: A claim
        status: done
`,
  );
});

afterAll(async () => {
  await Promise.all([http?.close(), tcp?.close()]);
  project.cleanup();
});

describe("nothing on stderr the user did not cause", () => {
  it("--version", async () => {
    const r = await runCli(["--version"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.code).toBe(0);
  });

  it("validate", async () => {
    const r = await runCli(["validate"], { cwd: project.dir });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("valid");
    expect(r.code).toBe(0);
  });

  for (const format of ["terminal", "json"]) {
    it(`audit -f ${format}, with probes that pass and probes that fail`, async () => {
      const r = await runCli(["audit", "-f", format], { cwd: project.dir });
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("NO-GO");
      expect(r.code).toBe(1);
    });
  }
});

describe("a checkout that was never built", () => {
  it("says in one line to run npm run build, exit 2, no stack trace", () => {
    const clone = tempProject();
    try {
      mkdirSync(join(clone.dir, "bin"));
      cpSync(BIN, join(clone.dir, "bin", "readiness.js"));
      cpSync(join(ROOT, "package.json"), join(clone.dir, "package.json"));
      const r = spawnSync(process.execPath, [join(clone.dir, "bin", "readiness.js"), "validate"], { cwd: clone.dir, encoding: "utf8" });
      expect(r.stderr).toBe("readiness: not built yet (no dist/main.js): run `npm run build` first\n");
      expect(r.stdout).toBe("");
      expect(r.status).toBe(2);
    } finally {
      clone.cleanup();
    }
  });
});

