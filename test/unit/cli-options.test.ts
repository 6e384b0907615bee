import { describe, expect, it } from "vitest";
import * as options from "../../src/cli-options.js";
import { FAIL_ON } from "../../src/commands/audit.js";
import { DIFF_FORMATS, FLEET_FORMATS } from "../../src/report/index.js";
import { REPORT_FORMATS } from "../../src/reports/index.js";

describe("the CLI's choice lists", () => {
  it("match the registries they stand in for", () => {
    expect([...options.REPORT_FORMATS]).toEqual(REPORT_FORMATS);
    expect([...options.FAIL_ON]).toEqual([...FAIL_ON]);
    expect([...options.DIFF_FORMATS]).toEqual([...DIFF_FORMATS]);
    expect([...options.FLEET_FORMATS]).toEqual([...FLEET_FORMATS]);
  });
});
