import { describe, expect, it } from "vitest";
import * as options from "../../src/cli-options.js";
import { commandsFor, program, SUBCOMMANDS } from "../../src/cli.js";
import { FAIL_ON } from "../../src/commands/audit.js";
import { DIFF_FORMATS, FLEET_FORMATS } from "../../src/compare/index.js";
import { REPORT_FORMATS } from "../../src/render/index.js";
import { makeIo } from "../helpers/context.js";

describe("the CLI's choice lists", () => {
  it("match the registries they stand in for", () => {
    expect([...options.REPORT_FORMATS]).toEqual(REPORT_FORMATS);
    expect([...options.FAIL_ON]).toEqual([...FAIL_ON]);
    expect([...options.DIFF_FORMATS]).toEqual([...DIFF_FORMATS]);
    expect([...options.FLEET_FORMATS]).toEqual([...FLEET_FORMATS]);
  });
});

describe("subcommands defined for a run", () => {
  const io = makeIo();
  const names = (argv: string[]): string[] => program(io, () => {}, commandsFor(["node", "readiness", ...argv])).commands.map((c) => c.name());

  it("SUBCOMMANDS is every command the program defines", () => {
    expect(program(io, () => {}).commands.map((c) => c.name())).toEqual(SUBCOMMANDS);
  });

  it("defines only the command a run names; all where help may list them or suggest one; none for --version", () => {
    expect(names(["validate", "x.yaml"])).toEqual(["validate"]);
    expect(names(["--no-color", "audit", "-f", "json"])).toEqual(["audit"]);
    expect(names(["audit", "--help"])).toEqual(["audit"]);
    expect(names(["--version"])).toEqual([]);
    expect(names(["-V"])).toEqual([]);
    for (const argv of [[], ["--help"], ["help", "audit"], ["valdate"], ["--version", "--help"]]) expect(names(argv), argv.join(" ")).toEqual(SUBCOMMANDS);
  });
});
