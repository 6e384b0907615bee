import { renderBadge } from "./badge.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal } from "./terminal.js";
import type { Reporter } from "./types.js";

export type { RenderOptions, Reporter } from "./types.js";

/** Every report format, by name. */
export const reporters = {
  terminal: renderTerminal,
  markdown: renderMarkdown,
  json: renderJson,
  junit: renderJunit,
  html: renderHtml,
  badge: renderBadge,
} satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;
export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];

export function isReportFormat(name: string): name is ReportFormat {
  return Object.hasOwn(reporters, name);
}
