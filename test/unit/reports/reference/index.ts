// The reporters as of commit ad1432c, by format: the reference of test/unit/reports/differential.test.ts.
import { renderBadge } from "./badge.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal } from "./terminal.js";
import type { Reporter } from "../../../../src/reports/types.js";

export const referenceReporters = {
  terminal: renderTerminal,
  markdown: renderMarkdown,
  json: renderJson,
  junit: renderJunit,
  html: renderHtml,
  badge: renderBadge,
} satisfies Record<string, Reporter>;
