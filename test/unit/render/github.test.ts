import { describe, expect, it } from "vitest";
import { githubAnnotations, stepSummary, STEP_SUMMARY_MAX_BYTES } from "../../../src/render/github.js";
import { renderMarkdown } from "../../../src/render/markdown.js";
import { builtinReport, goReport, hostileReport, largeReport, noGoReport } from "../../helpers/sample-report.js";
import { PLAIN } from "./samples.js";

interface Annotation {
  kind: string;
  props: Record<string, string>;
  message: string;
}

/** Parses a workflow command line `::kind k=v,k=v::message` (values unescaped). */
function parse(line: string): Annotation {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  expect(m, line).not.toBeNull();
  const unescape = (s: string): string =>
    s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
  const props = Object.fromEntries(
    (m![2] ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => {
        const i = kv.indexOf("=");
        return [kv.slice(0, i), unescape(kv.slice(i + 1))];
      }),
  );
  return { kind: m![1]!, props, message: unescape(m![3]!) };
}

describe("githubAnnotations", () => {
  it("annotates each failing item at its line, most severe first", () => {
    const lines = githubAnnotations(noGoReport(), "services/payments/readiness.yaml");
    const a = lines.map(parse);
    expect(a.map((x) => [x.kind, x.props.line])).toEqual([
      ["error", "12"],
      ["error", "31"],
      ["error", "73"],
      ["warning", "44"],
      ["warning", "55"],
    ]);
    expect(a[0]!.props.file).toBe("readiness.yaml");
    expect(a[0]!.props.title).toBe("readiness: critical item gateway-health contradicted claim");
    expect(a[0]!.message).toBe(
      "API gateway health endpoint responds: claimed done, but GET http://localhost:3001/health: connection refused after 3 attempts (5.0s)",
    );
  });

  it("points items without a file of their own at the checklist file, relative to the workspace", () => {
    const r = noGoReport();
    for (const s of r.sections) for (const i of s.items) delete i.file;
    expect(parse(githubAnnotations(r, "ci/readiness.yaml")[0]!).props.file).toBe("ci/readiness.yaml");
    const abs = noGoReport();
    abs.sections[0]!.items[0]!.file = "/home/runner/work/app/app/readiness.yaml";
    expect(parse(githubAnnotations(abs, undefined, { workspace: "/home/runner/work/app/app" })[0]!).props.file).toBe("readiness.yaml");
  });

  it("gives no file for the built-in checklist", () => {
    const r = builtinReport();
    r.sections[0]!.items[0]!.result = "fail";
    delete r.sections[0]!.items[0]!.file;
    const a = parse(githubAnnotations(r)[0]!);
    expect(a.props.file).toBeUndefined();
    expect(a.props.line).toBeUndefined();
  });

  it("prints nothing when nothing fails", () => {
    expect(githubAnnotations(goReport(), "readiness.yaml")).toEqual([]);
  });

  it("caps each kind at 10 and summarises the rest in one notice", () => {
    const lines = githubAnnotations(largeReport(120), "readiness.yaml");
    const a = lines.map(parse);
    expect(a.filter((x) => x.kind === "error")).toHaveLength(10);
    expect(a.filter((x) => x.kind === "warning")).toHaveLength(10);
    expect(a.filter((x) => x.kind === "notice")).toHaveLength(1);
    expect(a.at(-1)!.kind).toBe("notice");
    const failing = 120 - 40; // every third item passes
    expect(a.at(-1)!.message).toMatch(new RegExp(`^\\d+ errors and \\d+ warnings more not annotated`));
    const [, e, w] = /^(\d+) errors and (\d+) warnings/.exec(a.at(-1)!.message)!;
    expect(Number(e) + Number(w) + 20).toBe(failing);
    // errors come before warnings
    expect(a.findIndex((x) => x.kind === "warning")).toBe(10);
  });

  it("keeps each annotation on one line, whatever the titles hold", () => {
    const lines = githubAnnotations(hostileReport(), "a,b:c%.yaml");
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n\u001b\u0000]/);
      expect(line.startsWith("::")).toBe(true);
    }
    const a = lines.map(parse);
    expect(a[0]!.props.file).toBe("readiness.yaml");
    const pipe = hostileReport();
    for (const i of pipe.sections[0]!.items) delete i.file;
    expect(parse(githubAnnotations(pipe, "a,b:c%.yaml")[0]!).props.file).toBe("a,b:c%.yaml");
  });
});

describe("stepSummary", () => {
  it("passes a summary that fits through unchanged, with a final newline", () => {
    const md = renderMarkdown(noGoReport(), PLAIN);
    expect(stepSummary(md)).toBe(md.endsWith("\n") ? md : `${md}\n`);
  });

  it("stays under 1 MiB of UTF-8, cut at a line with a note and <details> closed", () => {
    const line = "| データベース | ✅ pass | 確認 |\n";
    const md = `## Report\n\n<details><summary>All</summary>\n\n${line.repeat(40_000)}</details>\n`;
    expect(Buffer.byteLength(md)).toBeGreaterThan(STEP_SUMMARY_MAX_BYTES);
    const out = stepSummary(md);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
    expect(out).toContain("cut to fit the size limit");
    expect(out).toContain("</details>");
    expect(out).not.toContain("\ufffd");
    const body = out.split("</details>")[0]!.split("\n").filter((l) => l.startsWith("|"));
    for (const l of body) expect(l).toBe(line.trimEnd());
  });

  it("honours a smaller limit", () => {
    const out = stepSummary("x\n".repeat(1000), 500);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(500);
  });
});
