import { renderBadge } from "./badge.js";
import { htmlParts, htmlStream, renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { junitParts, junitStream, renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal, terminalParts } from "./terminal.js";
import type { PartsReporter, Reporter, StreamReporter } from "./types.js";

export type { PartsReporter, RenderOptions, Reporter, StreamReporter } from "./types.js";

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

const whole =
  (render: Reporter): PartsReporter =>
  (report, options) => [render(report, options)];

/**
 * Every report format as parts to write one after another: the same text as `reporters`, the large
 * ones (terminal, JUnit, HTML) in parts that are written without being joined into one string.
 */
export const reportParts: Record<ReportFormat, PartsReporter> = {
  terminal: terminalParts,
  markdown: whole(renderMarkdown),
  json: whole(renderJson),
  junit: junitParts,
  html: htmlParts,
  badge: whole(renderBadge),
};
/**
 * Every report format as parts made while they are read, for writing each as it comes: JUnit and
 * HTML as generators, the others as their parts.
 */
export const reportStream: Record<ReportFormat, StreamReporter> = {
  ...reportParts,
  junit: junitStream,
  html: htmlStream,
};

export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];

export function isReportFormat(name: string): name is ReportFormat {
  return Object.hasOwn(reporters, name);
}
