/**
 * Sign-offs bound to people, against real git repositories made in the test: the commit that added
 * the sign-off must be authored by one of the role's signers, and with `verify: signed` carry an SSH
 * signature (a key made with ssh-keygen) that git verify-commit accepts.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/types.js";
import { runCli, tempProject } from "../helpers/cli.js";

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

function repo(verify: "git" | "signed"): { dir: string; commit(author: string, message: string, sign?: boolean): void; sign(by: string): void; audit(): Promise<Report> } {
  const p = tempProject();
  const git = (...args: string[]): void => void execFileSync("git", args, { cwd: p.dir, stdio: "ignore", env: { ...process.env, ...GIT_ENV } });
  git("init", "-q");
  const checklist = (signoffs: string): string =>
    `version: 1\nname: Signed\ngate:\n  verified: 0\n  signoffs:\n    - Product Manager\n    - role: Security Lead\n      signers: [sec@example.com]\n      verify: ${verify}\nsignoffs:\n  - { role: Product Manager, by: Pat, at: 2026-11-20 }\n${signoffs}sections:\n  - id: s\n    title: S\n    items:\n      - { id: a, title: A, status: done }\n`;
  writeFileSync(join(p.dir, "readiness.yaml"), checklist(""));
  const r = {
    dir: p.dir,
    commit(author: string, message: string, sign = false) {
      git("add", "-A");
      git("-c", `user.name=${author}`, "-c", `user.email=${author}`, "commit", "-q", ...(sign ? ["-S"] : ["--no-gpg-sign"]), "-m", message);
    },
    sign(by: string) {
      writeFileSync(join(p.dir, "readiness.yaml"), checklist(`  - { role: Security Lead, by: ${by}, at: 2026-11-21 }\n`));
    },
    async audit() {
      const out = await runCli(["audit", "readiness.yaml", "-f", "json"], { cwd: p.dir, env: GIT_ENV });
      return JSON.parse(out.stdout) as Report;
    },
  };
  r.commit("pm@example.com", "checklist");
  return r;
}

describe("sign-offs bound to people", () => {
  it("verify: git — counts only when committed by one of the role's signers; uncommitted does not count", async () => {
    const r = repo("git");
    r.sign("Mallory");
    let report = await r.audit();
    expect(report.verdict).toBe("CONDITIONAL");
    expect(report.reasons).toEqual(["sign-off Security Lead is not committed: it counts once one of its signers commits it"]);
    r.commit("mallory@example.com", "sign as security");
    report = await r.audit();
    expect(report.reasons).toEqual(["sign-off Security Lead was committed by mallory@example.com, not one of its signers"]);
    expect(report.signoffs.present.map((s) => s.role)).toEqual(["Product Manager"]);
    r.sign("Sam");
    r.commit("sec@example.com", "security sign-off");
    report = await r.audit();
    expect([report.verdict, report.reasons]).toEqual(["GO", []]);
    expect(report.signoffs.present.map((s) => s.role)).toEqual(["Product Manager", "Security Lead"]);
  }, 60_000);

  it("verify: signed — the signer's commit must carry a signature git verify-commit accepts (an SSH key)", async () => {
    const r = repo("signed");
    const key = join(r.dir, ".key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "sec@example.com", "-f", key]);
    const pub = execFileSync("ssh-keygen", ["-y", "-f", key], { encoding: "utf8" }).trim();
    writeFileSync(join(r.dir, ".allowed"), `sec@example.com ${pub}\n`);
    const cfg = (k: string, v: string): void => void execFileSync("git", ["config", k, v], { cwd: r.dir, env: { ...process.env, ...GIT_ENV } });
    cfg("gpg.format", "ssh");
    cfg("user.signingkey", key);
    cfg("gpg.ssh.allowedSignersFile", join(r.dir, ".allowed"));
    writeFileSync(join(r.dir, ".gitignore"), ".key*\n.allowed\n");
    r.sign("Sam");
    r.commit("sec@example.com", "unsigned sign-off");
    let report = await r.audit();
    expect(report.reasons).toEqual(["sign-off Security Lead was committed by sec@example.com without a signature git verify-commit accepts (verify: signed)"]);
    r.sign("Sam Lee");
    r.commit("sec@example.com", "signed sign-off", true);
    report = await r.audit();
    expect([report.verdict, report.reasons]).toEqual(["GO", []]);
  }, 60_000);
});
