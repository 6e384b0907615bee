/**
 * The shipped examples stay valid, and the repository's own checklist passes its file checks.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";
import { ROOT, runCli } from "../helpers/cli.js";

const examples = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml"));

describe("examples", () => {
  it.each(examples)("%s validates", async (file) => {
    const r = await runCli(["validate", join("examples", file)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid — \d+ items?, \d+ probes?/);
  });

  it("this repository's own checklist: every project-hygiene item passes", async () => {
    const r = await runCli(["audit", "examples/self.yaml", "--only", "section:project", "-f", "json"]);
    const report = JSON.parse(r.stdout) as Report;
    const project = report.sections.find((s) => s.id === "project");
    expect(project?.items.map((i) => [i.id, i.result, i.message])).toEqual(project?.items.map((i) => [i.id, "pass", i.message]));
  });

  it("the seed-001 example fails on missing evidence with causes, and lists the missing sign-offs", async () => {
    const r = await runCli(["audit", "examples/vatic-trading.yaml", "-f", "json", "--timeout", "1s"], {
      env: { API_URL: "http://127.0.0.1:9", PROMETHEUS_URL: "http://127.0.0.1:9" },
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.verdict).toBe("NO-GO");
    expect(report.signoffs.missing).toEqual(["Engineering Lead", "DevOps Lead", "Security Lead", "Product Manager", "CEO"]);
    const failing = report.sections.flatMap((s) => s.items).filter((i) => i.result === "fail");
    for (const i of failing) expect(i.message, i.id).toBeTruthy();
  });
});
