/**
 * Names the CLI offers as choices, without loading the modules that implement them (cold start).
 * test/unit/cli-options.test.ts keeps them equal to the registries.
 */
export const REPORT_FORMATS = ["terminal", "markdown", "json", "junit", "html", "badge"] as const;
export const FAIL_ON = ["no-go", "conditional", "never"] as const;
export const DIFF_FORMATS = ["terminal", "markdown", "json", "html"] as const;
export const FLEET_FORMATS = ["terminal", "markdown", "json", "html", "junit"] as const;
