import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diskProbe } from "../../../src/probes/disk.js";
import { makeContext } from "../../helpers/context.js";

const dir = mkdtempSync(join(tmpdir(), "readiness-disk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What df says is available to us on the temp dir's filesystem, in bytes. */
function dfAvail(): number {
  const out = execFileSync("df", ["-B1", "--output=avail", dir], { encoding: "utf8" });
  return Number(out.trim().split("\n").pop());
}

describe("disk probe", () => {
  it("reports the free space df reports, relative to the checklist", async () => {
    const out = await diskProbe.run({ disk: "." }, makeContext({ cwd: dir }));
    expect(out.result).toBe("pass");
    const free = (out.observed as { free_bytes: number }).free_bytes;
    // Others write to the same disk meanwhile: within 1% of df's figure.
    expect(Math.abs(free - dfAvail())).toBeLessThan(dfAvail() * 0.01 + 1e6);
    expect(out.message).toMatch(/^\.: [\d.]+ [KMGT]?B free of [\d.]+ [KMGT]?B \(\d+(\.\d)?%\), min 1%$/);
  });

  it("fails below a size or a percentage, and passes above", async () => {
    const ctx = makeContext({ cwd: dir });
    expect(await diskProbe.run({ disk: dir, min_free: "1KiB" }, ctx)).toMatchObject({ result: "pass" });
    expect(await diskProbe.run({ disk: dir, min_free: 0 }, ctx)).toMatchObject({ result: "pass" });
    const big = await diskProbe.run({ disk: dir, min_free: "1000TiB" }, ctx);
    expect(big).toMatchObject({ result: "fail", message: expect.stringMatching(/, below min 1099\.5 TB$/) as string });
    const all = await diskProbe.run({ disk: dir, min_free: "100%" }, ctx);
    expect(all).toMatchObject({ result: "fail", message: expect.stringMatching(/, below min 100%$/) as string });
  });

  it("fails on a missing path", async () => {
    const out = await diskProbe.run({ disk: "no/such/dir" }, makeContext({ cwd: dir }));
    expect(out).toMatchObject({ result: "fail", message: "no/such/dir: no such file" });
  });

  it("check() refuses a percentage over 100", () => {
    expect(diskProbe.check?.({ disk: "/", min_free: "120%" })).toEqual([{ path: "/min_free", message: "min_free 120% is over 100%" }]);
  });
});
