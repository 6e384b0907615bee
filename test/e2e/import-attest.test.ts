/**
 * After `readiness import`, less hand work: `readiness attest` records several items in one write
 * (ids, `--section`, `--all-claimed`), comments and layout kept, all or nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli, tempProject } from "../helpers/cli.js";

const MD = `# Launch checklist

## Operations
- [x] Backups run nightly
- [x] Restore drill done
- [ ] On-call rotation

## Security
- [x] Secrets in a vault
- [ ] Pen test booked
`;

interface Doc {
  sections: { id: string; items: { id: string; status?: string; attested_by?: string; attested_at?: string; evidence?: string }[] }[];
}
const items = (text: string) => (parse(text) as Doc).sections.flatMap((s) => s.items);

async function imported(): Promise<{ dir: string; file: string; cleanup: () => void }> {
  const p = tempProject();
  const cleanup = (): void => p.cleanup();
  writeFileSync(join(p.dir, "launch.md"), MD);
  const r = await runCli(["import", "launch.md", "-o", "readiness.yaml"], { cwd: p.dir });
  expect(r.code, r.stderr).toBe(0);
  return { dir: p.dir, file: join(p.dir, "readiness.yaml"), cleanup };
}

describe("readiness attest after an import", () => {
  it("--all-claimed turns every imported done claim into an attestation, comments kept", async () => {
    const p = await imported();
    try {
      const r = await runCli(["attest", "--all-claimed", "--by", "Ana Ruiz", "--evidence", "https://wiki.example.com/launch"], { cwd: p.dir, env: { READINESS_NOW: "2026-12-07T10:00:00Z" } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Attested 3 items as done by Ana Ruiz on 2026-12-07/);
      const text = readFileSync(p.file, "utf8");
      expect(text).toContain("# line 4");
      const attested = items(text).filter((i) => i.attested_by === "Ana Ruiz");
      expect(attested.map((i) => i.id)).toEqual(["backups-run-nightly", "restore-drill-done", "secrets-in-a-vault"]);
      for (const i of attested) expect(i).toMatchObject({ status: "done", attested_at: "2026-12-07", evidence: "https://wiki.example.com/launch" });
      expect(items(text).find((i) => i.id === "on-call-rotation")?.attested_by).toBeUndefined();
      // Nothing left to attest: a clear refusal, file unchanged.
      const again = await runCli(["attest", "--all-claimed", "--by", "Ana Ruiz"], { cwd: p.dir });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/nothing to attest/);
      expect(readFileSync(p.file, "utf8")).toBe(text);
    } finally {
      p.cleanup();
    }
  });

  it("several ids, and --section, in one write; an unknown id changes nothing", async () => {
    const p = await imported();
    try {
      const before = readFileSync(p.file, "utf8");
      const bad = await runCli(["attest", "on-call-rotation", "no-such-item", "--by", "Bo"], { cwd: p.dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/no item "no-such-item"/);
      expect(readFileSync(p.file, "utf8")).toBe(before);

      const two = await runCli(["attest", "on-call-rotation", "pen-test-booked", "--by", "Bo"], { cwd: p.dir });
      expect(two.code, two.stderr).toBe(0);
      const after = items(readFileSync(p.file, "utf8"));
      expect(after.filter((i) => i.attested_by === "Bo").map((i) => i.id)).toEqual(["on-call-rotation", "pen-test-booked"]);

      const sec = await runCli(["attest", "--section", "security", "--by", "Cy"], { cwd: p.dir });
      expect(sec.code, sec.stderr).toBe(0);
      const last = items(readFileSync(p.file, "utf8"));
      expect(last.filter((i) => i.attested_by === "Cy").map((i) => i.id)).toEqual(["secrets-in-a-vault", "pen-test-booked"]);
      const valid = await runCli(["validate"], { cwd: p.dir });
      expect(valid.code, valid.stderr).toBe(0);

      const none = await runCli(["attest", "--by", "Cy"], { cwd: p.dir });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/one or more ids, or --section ID, or --all-claimed/);
    } finally {
      p.cleanup();
    }
  });
});
