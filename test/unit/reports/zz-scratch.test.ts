import { writeFileSync } from "node:fs";
import { Chalk } from "chalk";
import { test } from "vitest";
import { renderTerminal } from "../../../src/reports/terminal.js";
import { renderMarkdown } from "../../../src/reports/markdown.js";
import { renderHtml } from "../../../src/reports/html.js";
import { renderJunit } from "../../../src/reports/junit.js";
import { renderBadge } from "../../../src/reports/badge.js";
import * as S from "../../helpers/sample-report.js";
test("scratch", () => {
  const o = { chalk: new Chalk({ level: 0 }), verbose: false };
  for (const name of ["noGoReport", "hostileReport", "goReport", "conditionalReport", "emptyReport", "interruptedReport"] as const) {
    const r = S[name]();
    writeFileSync(`/tmp/out-${name}.txt`, renderTerminal(r, o));
    writeFileSync(`/tmp/out-${name}-color.txt`, renderTerminal(r, { ...o, chalk: new Chalk({ level: 3 }) }));
    writeFileSync(`/tmp/out-${name}.md`, renderMarkdown(r, o));
    writeFileSync(`/tmp/out-${name}.html`, renderHtml(r, o));
    writeFileSync(`/tmp/out-${name}.xml`, renderJunit(r, o));
    writeFileSync(`/tmp/out-${name}.svg`, renderBadge(r, o));
  }
});
