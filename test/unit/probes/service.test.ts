import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serviceProbe } from "../../../src/probes/service.js";
import { serviceOutcome } from "../../../src/probes/run/service.js";
import { makeContext } from "../../helpers/context.js";

// systemd is the init system exactly when /run/systemd/system exists (sd_booted(3)); containers usually lack it.
const systemd = existsSync("/run/systemd/system");

describe("service probe", () => {
  it.runIf(!systemd)("fails with the cause where systemd is not running (this machine)", async () => {
    const out = await serviceProbe.run({ service: "nginx.service" }, makeContext());
    expect(out).toEqual({
      result: "fail",
      message: "nginx.service: systemd is not running here (no /run/systemd/system): the service probe needs systemd as the init system",
    });
  });

  it.runIf(systemd)("reads a real unit's state from systemctl (this machine runs systemd)", async () => {
    const out = await serviceProbe.run({ service: "systemd-journald.service" }, makeContext());
    expect(out).toMatchObject({ result: "pass", message: "systemd-journald.service is active" });
    const missing = await serviceProbe.run({ service: "no-such-unit-readiness.service" }, makeContext());
    expect(missing).toMatchObject({ result: "fail", message: "no-such-unit-readiness.service is inactive (expected active)" });
  });

  it("judges systemctl is-active's answers", () => {
    expect(serviceOutcome("nginx", 0, "active\n", "")).toEqual({ result: "pass", message: "nginx is active", observed: { state: "active" } });
    expect(serviceOutcome("nginx", 3, "failed\n", "")).toEqual({ result: "fail", message: "nginx is failed (expected active)", observed: { state: "failed" } });
    expect(serviceOutcome("nginx", 1, "", "Failed to connect to bus: Host is down\n")).toEqual({
      result: "fail",
      message: "nginx: systemctl is-active failed with code 1: Failed to connect to bus: Host is down",
    });
  });

  it("refuses what is not a unit name, and is skipped under --no-exec (it executes systemctl)", async () => {
    expect(serviceProbe.check?.({ service: "-H evil" })).toEqual([{ path: "/service", message: '"-H evil" is not a systemd unit name' }]);
    expect(await serviceProbe.run({ service: "--version" }, makeContext())).toMatchObject({ result: "fail", message: '"--version" is not a systemd unit name' });
    expect(serviceProbe.executes).toBe(true);
  });
});
