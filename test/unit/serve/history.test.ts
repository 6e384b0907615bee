import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendHistory, defaultHistoryPath, HistoryStore, parseHistory, readHistory, retain, type HistoryEntry } from "../../../src/serve/history.js";
import { ROOT } from "../../helpers/cli.js";

const counts = { pass: 1, fail: 0, attested: 0, partial: 0, missing: 0, stale: 0, blocked: 0, waived: 0, skipped: 0 };
const entry = (iso: string, score = 90): HistoryEntry => ({ started_at: iso, verdict: "GO", score, verified_score: score - 10, counts, duration_ms: 5, reasons: 0 });
const day = 86_400_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "readiness-history-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the history file", () => {
  it("lives beside the checklist, named after it", () => {
    expect(defaultHistoryPath("/srv/ops/readiness.yaml", "/cwd")).toBe("/srv/ops/readiness.history.jsonl");
    expect(defaultHistoryPath("/srv/.readiness.yaml", "/cwd")).toBe("/srv/.readiness.history.jsonl");
    expect(defaultHistoryPath(undefined, "/cwd")).toBe("/cwd/readiness.history.jsonl");
  });

  it("reads back every appended run, in order; a missing file is an empty history", () => {
    const path = join(dir, "sub", "h.jsonl");
    expect(readHistory(path)).toEqual({ entries: [], skipped: 0 });
    appendHistory(path, entry("2026-12-01T00:00:00.000Z", 80));
    appendHistory(path, entry("2026-12-02T00:00:00.000Z", 85));
    expect(readHistory(path).entries.map((e) => e.score)).toEqual([80, 85]);
  });

  it("skips a torn last line, and the next append starts a line of its own", () => {
    const path = join(dir, "h.jsonl");
    appendHistory(path, entry("2026-12-01T00:00:00.000Z", 80));
    appendFileSync(path, '{"started_at":"2026-12-02T00:00:00.000Z","verdict":"GO","sco');
    expect(readHistory(path)).toMatchObject({ entries: [{ score: 80 }], skipped: 1 });
    appendHistory(path, entry("2026-12-03T00:00:00.000Z", 95));
    expect(readHistory(path)).toMatchObject({ entries: [{ score: 80 }, { score: 95 }], skipped: 1 });
  });

  it("ignores lines that are JSON but not a run", () => {
    expect(parseHistory('{"a":1}\n[]\n\n' + JSON.stringify(entry("2026-12-01T00:00:00Z")) + "\n").entries).toHaveLength(1);
  });

  it("retention keeps the newest runs within the count and the age", () => {
    const now = Date.parse("2026-12-10T00:00:00Z");
    const all = Array.from({ length: 10 }, (_, i) => entry(new Date(now - (9 - i) * day).toISOString(), i));
    expect(retain(all, { maxEntries: 3, maxAgeMs: 100 * day }, now).map((e) => e.score)).toEqual([7, 8, 9]);
    expect(retain(all, { maxEntries: 100, maxAgeMs: 2 * day }, now).map((e) => e.score)).toEqual([7, 8, 9]);
  });

  it("the store applies retention to the file, not at every run but once a tenth more has piled up", () => {
    const path = join(dir, "h.jsonl");
    const store = new HistoryStore(path, { maxEntries: 10, maxAgeMs: 365 * day });
    const t0 = Date.parse("2026-12-01T00:00:00Z");
    for (let i = 0; i < 11; i++) store.add(entry(new Date(t0 + i * 1000).toISOString(), i), t0 + i * 1000);
    expect(readHistory(path).entries).toHaveLength(11);
    store.add(entry(new Date(t0 + 11_000).toISOString(), 11), t0 + 11_000);
    expect(readHistory(path).entries.map((e) => e.score)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(store.list()).toHaveLength(10);
    // Runs past the age go at the next run.
    store.add(entry(new Date(t0 + 40 * day).toISOString(), 99), t0 + 40 * day);
    expect(new HistoryStore(path, { maxEntries: 10, maxAgeMs: 30 * day }, t0 + 40 * day).list().map((e) => e.score)).toEqual([99]);
  });

  it("refuses to take over a file that is not a history", () => {
    const path = join(dir, "notes.txt");
    writeFileSync(path, "some\nnotes\n");
    expect(() => new HistoryStore(path)).toThrow(/not a readiness history file/);
    expect(readFileSync(path, "utf8")).toBe("some\nnotes\n");
  });

  it("a SIGKILL during appends loses at most the run being written and never what was there", async () => {
    const path = join(dir, "h.jsonl");
    const module = pathToFileURL(join(ROOT, "dist", "serve", "history.js")).href;
    // Large runs (a long reasons list is not stored, so pad through counts' keys) make each write take a while.
    const script = `
      const { appendHistory } = await import(${JSON.stringify(module)});
      const big = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => ["k" + i, i]));
      process.stdout.write("ready\\n");
      for (let i = 0; ; i++) appendHistory(${JSON.stringify(path)}, { started_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), verdict: "GO", score: i % 101, verified_score: 0, counts: big, duration_ms: i, reasons: 0 });
    `;
    let previous = 0;
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 150 + round * 37));
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      const read = readHistory(path);
      expect(read.skipped).toBeLessThanOrEqual(round + 1);
      expect(read.entries.length).toBeGreaterThanOrEqual(previous);
      for (const e of read.entries) expect(Object.keys(e.counts)).toHaveLength(20000);
      previous = read.entries.length;
    }
    expect(previous).toBeGreaterThan(0);
  });
});
