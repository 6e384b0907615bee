import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../../src/import/index.js";
import { ReadinessError } from "../../../src/errors.js";
import { byStatus, checkChecklist, fixture } from "./helpers.js";

function load(name: string, withProbes = false) {
  const result = importMarkdown(fixture(name), { file: name, withProbes });
  return { result, ...checkChecklist(result.yaml) };
}

function md(text: string) {
  const result = importMarkdown(text, { file: "inline.md" });
  return { result, ...checkChecklist(result.yaml) };
}

const FIXTURES = ["tables", "numbered", "nested", "cjk", "front-matter", "code-blocks", "html-comments", "toc", "severity", "claims", "probes", "all-done"];

describe("import fixtures", () => {
  for (const name of FIXTURES) {
    it(`${name}.md imports to a valid checklist that matches its snapshot`, async () => {
      const { result } = load(`${name}.md`);
      expect(importMarkdown(fixture(`${name}.md`), { file: `${name}.md` }).yaml).toBe(result.yaml);
      await expect(result.yaml).toMatchFileSnapshot(`./__snapshots__/${name}.yaml`);
    });
  }

  it("tables: a status column maps each row's claim; a check/description table imports; a risk table does not", () => {
    const { items, result } = load("tables.md");
    expect(items.map((i) => [i.id, i.status ?? null])).toEqual([
      ["api-gateway", "done"],
      ["config-service", "missing"],
      ["database", "partial"],
      ["search", "in-progress"],
      ["legacy-cron", "n/a"],
      ["queue-broker", "done"],
      ["backups", null],
      ["dashboards", null],
      ["dockerfile", null],
    ]);
    expect(items.find((i) => i.id === "queue-broker")?.title).toBe("Queue | Broker");
    expect(items.find((i) => i.id === "backups")).toMatchObject({ severity: "critical", description: "Nightly backups restore cleanly" });
    expect(items.find((i) => i.id === "dashboards")?.severity).toBe("low");
    expect(result.summary.skipped.byReason.table).toBe(3);
    expect(result.summary.signoffs).toEqual(["Engineering Lead", "Security Lead"]);
    expect(result.yaml).toContain("  #   - Engineering Lead");
    expect(result.yaml).toContain("#   - tcp: ${vars.host}:3001");
  });

  it("numbered lists with . and ) become items with their claims", () => {
    const { items } = load("numbered.md");
    expect(items.map((i) => i.status)).toEqual(["done", "missing", "done", "missing", "done", "missing", "missing"]);
  });

  it("nested lists: claimed children become `Parent › child` items, plain children fold into the description", () => {
    const { items } = load("nested.md");
    const titles = items.map((i) => i.title);
    expect(titles).toEqual([
      "Metrics exported for",
      "Metrics exported for › Request latency (p50, p95, p99)",
      "Metrics exported for › Error rate",
      "Metrics exported for › Error rate › Per endpoint",
      "Regions supported: 3",
      "Alerting › Alert rules written",
      "Alerting › Alert routing tested",
      "A long item that",
      "Runbooks",
    ]);
    expect(items[4]?.description).toBe("EU (Frankfurt); US (Virginia); JP (Tokyo)");
    expect(items[7]?.description).toBe("continues on the next line and the one after.");
    expect(items[8]?.description).toBe("written for every alert and reviewed quarterly Still part of the runbook item after a blank line.");
  });

  it("CJK titles keep their text and get ids from their line when nothing ASCII is left", () => {
    const { items, sectionIds, name } = load("cjk.md");
    expect(name).toBe("上线检查清单");
    expect(sectionIds).toEqual(["section-3", "section-9", "section-14"]);
    expect(items.find((i) => i.id === "item-5")?.title).toBe("数据库备份已配置");
    expect(items.find((i) => i.id === "prometheus")?.title).toBe("监控告警（Prometheus）");
    expect(items.filter((i) => i.section === "section-9").every((i) => i.severity === "high")).toBe(true);
  });

  it("front matter is skipped and its title names the checklist", () => {
    const { items, name, result } = load("front-matter.md");
    expect(name).toBe("Payments API Readiness");
    expect(items).toHaveLength(2);
    expect(result.summary.skipped.byReason["front-matter"]).toBe(6);
  });

  it("fenced, tilde and indented code blocks never hold items", () => {
    const { items, result } = load("code-blocks.md");
    expect(items.map((i) => i.title)).toEqual(["Build is reproducible", "Release notes written", "Rollback tested", "Canary deployed"]);
    expect(result.summary.skipped.byReason["code-block"]).toBe(13);
  });

  it("HTML comments (single, multi-line, inline) hide their task items", () => {
    const { items, result } = load("html-comments.md");
    expect(items.map((i) => [i.title, i.status])).toEqual([
      ["Visible item one", "done"],
      ["Visible item two", "missing"],
      ["Visible item three", "done"],
    ]);
    expect(result.yaml).not.toContain("hidden");
  });

  it("tables of contents, link-only bullets and notes sections are not items", () => {
    const { items, result } = load("toc.md");
    expect(items.map((i) => i.id)).toEqual(["dependency-audit-clean", "pen-test-scheduled", "backups-verified"]);
    expect(result.summary.skipped.byReason).toMatchObject({ "table-of-contents": 3, "link-list": 1, notes: 2 });
  });

  it("severity: priority annotations and lines, MoSCoW, colours, P-levels, blockers; 'High Availability' is no severity", () => {
    const { items } = load("severity.md");
    const sev = Object.fromEntries(items.map((i) => [i.id, i.severity ?? null]));
    expect(sev).toEqual({
      "config-validated-on-startup": "high",
      "index-optimisation": "low",
      "backups-restore": "critical",
      dashboards: "high",
      "dark-launch": "low",
      "two-zones-no-severity-high-availability-is-not-a-priority": null,
      "red-item": "high",
      "amber-item": "medium",
      "green-item": "low",
      "explicit-critical": "critical",
      tagged: "high",
      "tagged-p2-in-the-text": "medium",
      "tagged-2": "low",
      "service-up": "critical",
      "low-priority-cleanup": "low",
      "p99-10ms-is-not-p-level": null,
      "inherits-critical-from-the-heading": "critical",
    });
  });

  it("claims: boxes and emoji map to statuses; legends are skipped; an open box is never done", () => {
    const { items, result } = load("claims.md");
    const status = Object.fromEntries(items.map((i) => [i.id, i.status ?? null]));
    expect(status).toEqual({
      "lower-x": "done",
      "upper-x": "done",
      "open-box": "missing",
      "tilde-partial": "partial",
      "slash-in-progress": "in-progress",
      "dash-cancelled": "n/a",
      docs: "partial",
      monitoring: "missing",
      "open-box-that-also-says-done": "missing",
      "check-mark": "done",
      "heavy-check": "done",
      "heavy-check-with-selector": "done",
      "ballot-box": "done",
      warning: "partial",
      cross: "missing",
      arrows: "in-progress",
      "trailing-claim": "done",
      "trailing-words": "missing",
      "open-box-under-an-in-progress-heading": "in-progress",
    });
    expect(result.summary.skipped.byReason.legend).toBe(4);
    expect(result.warnings).toContain("line 20: an open checkbox that also says done; imported as status: missing");
  });

  it("an all-✅ checklist imports with every item done", () => {
    const { items } = load("all-done.md");
    expect(byStatus(items)).toEqual({ done: 4 });
  });

  it("probe suggestions: ports, health paths, local URLs, coverage, latency, error rate, uptime, TLS, files", () => {
    const { items } = load("probes.md", true);
    const probes = Object.fromEntries(items.map((i) => [i.id, i.probes ?? []]));
    expect(probes["config-service-listening-port-8012"]).toEqual([{ tcp: "${vars.host}:8012" }]);
    expect(probes["health-endpoint-health-and-ready-deep-respond"]).toEqual([
      { http: "${vars.base_url}/health", status: 200 },
      { http: "${vars.base_url}/ready/deep", status: 200 },
    ]);
    expect(probes["local-admin-at-http-localhost-9000-admin-answers"]).toEqual([{ http: "http://localhost:9000/admin", status: 200 }]);
    expect(probes["unit-tests-with-85-code-coverage"]).toEqual([{ coverage: "${vars.coverage_report}", min: 85 }]);
    expect(probes["api-p99-10ms-under-load"]).toEqual([{ metric: { json: { file: "${vars.metrics_file}", path: "latency.p99" } }, unit: "ms", threshold: "< 10ms" }]);
    expect(probes["error-rate-0-1"]).toEqual([{ metric: { json: { file: "${vars.metrics_file}", path: "error_rate" } }, unit: "%", threshold: "< 0.1%" }]);
    expect(probes["uptime-99-95"]).toEqual([{ metric: { json: { file: "${vars.metrics_file}", path: "availability" } }, unit: "%", threshold: ">= 99.95%" }]);
    expect(probes["tls-1-3-only"]).toEqual([{ tls: "${vars.tls_endpoint}", min_version: "TLSv1.3" }]);
    expect(probes["dockerfile-builds"]).toEqual([{ file: "Dockerfile" }]);
    expect(probes["env-example-lists-every-variable"]).toEqual([{ file: ".env.example" }]);
    expect(probes["runbooks-for-every-alert"]).toEqual([{ file: "${vars.runbooks}" }]);
    expect(probes["security-md-published"]).toEqual([{ file: "SECURITY.md" }]);
    expect(probes["config-file-config-app-yaml-present"]).toEqual([{ file: "config/app.yaml" }]);
    expect(probes["nothing-checkable-here"]).toEqual([]);
  });

  it("by default suggestions are comments under the item, with the source line", () => {
    const { items, result } = load("probes.md");
    expect(items.every((i) => i.probes === undefined)).toBe(true);
    expect(result.yaml).toContain("        # probes:  (suggested from line 5 — review, then uncomment)\n        #   - tcp: ${vars.host}:8012\n");
    expect(result.summary.probes).toMatchObject({ suggested: 14, items: 13, live: false });
  });
});

describe("import rules on small inputs", () => {
  it("names the checklist after the file when there is no H1, and puts loose items in a General section", () => {
    const r = importMarkdown("- [x] one\n- [ ] two\n", { file: "docs/launch-list.md" });
    const { name, sectionIds } = checkChecklist(r.yaml);
    expect(name).toBe("launch-list");
    expect(sectionIds).toEqual(["general"]);
  });

  it("several H1s become top-level sections; the first names the checklist", () => {
    const { name, sectionIds } = md("# One\n- [x] a\n# Two\n- [x] b\n");
    expect(name).toBe("One");
    expect(sectionIds).toEqual(["one", "two"]);
  });

  it("setext headings nest like ATX ones", () => {
    const { sectionIds, items } = md("Title\n=====\n\nPart A\n------\n- [x] a\n\nPart B\n------\n- [ ] b\n");
    expect(sectionIds).toEqual(["part-a", "part-b"]);
    expect(items.map((i) => i.section)).toEqual(["part-a", "part-b"]);
  });

  it("section and item ids share one namespace and are deduplicated in order", () => {
    const { items, sectionIds } = md("# T\n## Backups\n- [x] Backups\n- [x] Backups\n## Backups\n- [ ] Backups\n");
    expect(sectionIds).toEqual(["backups", "backups-4"]);
    expect(items.map((i) => i.id)).toEqual(["backups-2", "backups-3", "backups-5"]);
  });

  it("titles with YAML-significant characters round-trip exactly", () => {
    const titles = ['Colon: yes', "Hash # not a comment", "'single' and \"double\"", "- leading dash", "yes", "1.5", "2026-11-20", "@at", "%pct", "{brace}", "[bracket]", "tab\tinside", "emoji 🎉 mid", "😀 first", "back\\slash", "trailing:"];
    const text = `# T\n## S\n${titles.map((t) => `- [ ] ${t.replace(/[\\[\]]/g, "\\$&")}`).join("\n")}\n`;
    const { items } = md(text);
    // Whitespace runs collapse to one space; a trailing colon is dropped.
    expect(items.map((i) => i.title)).toEqual(titles.map((t) => t.replace(/:$/, "").replace("\t", " ")));
  });

  it("plain bullets are items in a file that marks nothing, notes in a file that marks its items", () => {
    expect(md("# T\n- alpha\n- beta\n").items.map((i) => [i.title, i.status ?? null])).toEqual([
      ["alpha", null],
      ["beta", null],
    ]);
    const marked = md("# T\n- [x] a\n- [ ] b\n- [x] c\n- a note\n");
    expect(marked.items.map((i) => i.title)).toEqual(["a", "b", "c"]);
    expect(marked.result.summary.skipped.byReason["unmarked-item"]).toBe(1);
    expect(marked.result.warnings.some((w) => w.startsWith("1 plain list item was not imported"))).toBe(true);
  });

  it("bold titles split from their description at a colon or dash", () => {
    const { items } = md("# T\n- [x] **A:** alpha\n- [x] **B**: beta\n- [x] **C** - gamma\n- [x] **D** — delta\n- [x] **E** (kept whole)\n");
    expect(items.map((i) => [i.title, i.description ?? null])).toEqual([
      ["A", "alpha"],
      ["B", "beta"],
      ["C", "gamma"],
      ["D", "delta"],
      ["E (kept whole)", null],
    ]);
  });

  it("a very long title is cut, with the full text kept in the description", () => {
    const long = "word ".repeat(100).trim();
    const { items } = md(`# T\n- [ ] ${long}\n`);
    expect(items[0]?.title.length).toBeLessThanOrEqual(160);
    expect(items[0]?.description).toBe(long);
  });

  it("a Markdown file without any item is an error, not an empty checklist", () => {
    expect(() => importMarkdown("# Title\n\nJust prose.\n", { file: "prose.md" })).toThrow(ReadinessError);
    expect(() => importMarkdown("# Title\n\nJust prose.\n", { file: "prose.md" })).toThrow(/^prose\.md: no checklist items found/);
  });

  it("probes: a target the document does not name is a variable declared once at the top with a TODO, never a made-up host or file", () => {
    const { result } = load("probes.md");
    const head = result.yaml.slice(0, result.yaml.indexOf("sections:"));
    for (const name of ["base_url", "host", "tls_endpoint", "metrics_file", "coverage_report", "runbooks"]) {
      expect(head.match(new RegExp(`^  ${name}: .*# TODO: `, "gm"))?.length).toBe(1);
      expect(result.yaml).toContain(`\${vars.${name}}`);
    }
    expect(result.yaml).not.toMatch(/localhost:443|"metrics\.json"|file: metrics\.json|docs\/runbooks/);
    expect(result.yaml).not.toContain("http://localhost:8080");
  });
});
