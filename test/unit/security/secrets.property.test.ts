/**
 * Property: a random secret (8-200 printable characters, quotes, backslashes, `%`, `'`, spaces and
 * non-ASCII among them) read through `${env.S}` into every kind of field a checklist interpolates,
 * and echoed back by the target, never appears in any output of any command: not whole, not in an
 * encoding readiness emits (URL-encoded, JSON-escaped, shell-quoted), not as a piece of 8 or more
 * characters. The built CLI runs each command; a few secrets by default (the suite runs on four Node
 * versions), READINESS_SECURITY_RUNS for more (e.g. READINESS_SECURITY_RUNS=50).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempProject } from "../../helpers/cli.js";
import { leakMessage, secretChecklist, windows } from "../../helpers/secrets.js";
import { startHttpServer, type Running } from "../../helpers/servers.js";

const RUNS = Math.max(1, Number(process.env.READINESS_SECURITY_RUNS ?? "3") || 3);

/** Characters that escaping or encoding changes, and some that are several UTF-16 units or bytes. */
const SPECIAL = ['"', "\\", "%", "'", " ", "`", "$", "{", "}", "#", ":", "<", ">", "&", "|", "*", "_", "/", "?", "=", "+", ",", ";", "@", "[", "]", "~", "é", "ß", "日", "本", "😀", "\u00a0", "…"];
const PRINTABLE_ASCII = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const char = fc.oneof(PRINTABLE_ASCII, PRINTABLE_ASCII, fc.constantFrom(...SPECIAL));

/**
 * A secret: random characters, each piece of 8 varied enough that it cannot be ordinary output
 * text by chance (eight spaces would be found in any table).
 */
const secret = fc
  .array(char, { minLength: 8, maxLength: 200 })
  .map((cs) => cs.join(""))
  .filter((s) => [...s].length >= 8 && windows(s).every((w) => new Set(w).size >= 5) && s.trim().length >= 8);

const q = (s: string): string => JSON.stringify(s);

function checklist(port: number): string {
  const v = "${env.S}";
  const url = `http://127.0.0.1:${port}`;
  return secretChecklist(
    "S",
    `      - id: http
        title: ${q(`HTTP ${v}`)}
        severity: high
        probes:
          - http: ${q(`${url}/echo/${v}`)}
            name: ${q(v)}
            headers: { x-token: ${q(v)} }
            contains: ${q(v)}
          - http: ${q(`${url}/json`)}
            headers: { x-token: ${q(v)} }
            json: { got: ${q(`not ${v}`)} }
          - http: ${q(`${url}/redirect`)}
            headers: { x-token: ${q(v)} }
            follow_redirects: false
      - id: command
        title: Command
        probes:
          - command: [${q(process.execPath)}, "-e", "process.stderr.write(process.argv.slice(1).join(' ')); process.exit(1)", ${q(v)}]
      - id: file
        title: File
        probes: [{ file: ${q(`missing-${v}`)} }]
`,
  );
}

describe("no output of any command holds a secret, whole, encoded or cut", () => {
  let server: Running;
  beforeAll(async () => {
    // A target that echoes the secret back: in the body, in JSON, percent-encoded in a redirect.
    server = await startHttpServer((req, res) => {
      const token = String(req.headers["x-token"] ?? "");
      if (req.url === "/json") {
        res.setHeader("content-type", "application/json");
        return res.end(JSON.stringify({ got: token }));
      }
      if (req.url === "/redirect") {
        res.writeHead(302, { location: `/next?t=${encodeURIComponent(token).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}` });
        return res.end();
      }
      res.end(`you sent ${req.url ?? ""} ${token}`);
    });
  });
  afterAll(() => server.close());

  it(`for ${RUNS} random secrets: audit (every format, -o files, step summary, annotations), validate, list, explain, dry-run, diff, merge`, async () => {
    await fc.assert(
      fc.asyncProperty(secret, async (s) => {
        const project = tempProject({ "readiness.yaml": checklist(server.port) });
        try {
          const env = { S: s, READINESS_NOW: "2026-12-01" };
          const out = join(project.dir, "out");
          const summary = join(project.dir, "summary.md");
          const outputs = ["markdown", "json", "junit", "html", "badge", "terminal"].flatMap((f) => ["-o", `${f}=${join(out, `report.${f}`)}`]);
          const runs = [
            ["audit", "--verbose", ...outputs],
            ["audit", "-f", "json"],
            ["audit", "--dry-run"],
            ["validate"],
            ["validate", "--print"],
            ["validate", "--json"],
            ["list"],
            ["list", "--json"],
            ["explain", "http"],
            ["explain", "claimed"],
          ];
          const texts: [string, string][] = [];
          for (const args of runs) {
            const r = await runCli(args, { cwd: project.dir, env: { ...env, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } });
            texts.push([`${args.join(" ")}: stdout`, r.stdout], [`${args.join(" ")}: stderr (exit ${r.code})`, r.stderr]);
            // The checklist is valid whatever the secret: the probes ran, and failed (NO-GO).
            if (args[0] === "audit" && !args.includes("--dry-run")) expect(r.code, r.stderr).toBe(1);
          }
          if (existsSync(out)) for (const f of readdirSync(out)) texts.push([f, readFileSync(join(out, f), "utf8")]);
          if (existsSync(summary)) texts.push(["step summary", readFileSync(summary, "utf8")]);
          const json = join(out, "report.json");
          if (existsSync(json)) {
            for (const args of [["diff", json, json], ["merge", json], ["merge", "-f", "markdown", json, json]]) {
              const r = await runCli(args, { cwd: project.dir });
              texts.push([`${args[0] ?? ""}: stdout`, r.stdout], [`${args[0] ?? ""}: stderr`, r.stderr]);
            }
          }
          expect(texts.some(([, t]) => t.includes("***")), "the secret was used").toBe(true);
          for (const [where, text] of texts) {
            const leaked = leakMessage(where, text, s);
            if (leaked) throw new Error(`${leaked} (the secret: ${q(s)})`);
          }
        } finally {
          project.cleanup();
          rmSync(project.dir, { recursive: true, force: true });
        }
      }),
      // Each case runs the CLI some fifteen times: report the first failure as it is, unshrunk.
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 60_000 + RUNS * 30_000);
});
