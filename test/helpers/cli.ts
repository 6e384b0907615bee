/**
 * Runs the built CLI as a user would: a real child process, NO_COLOR, a chosen working directory,
 * no inherited CI variables unless given.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(ROOT, "bin", "readiness.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Kill the CLI after this long (a safety net: tests assert on time separately). */
  killAfterMs?: number;
  /** Called once the process has started (e.g. to send it a signal). */
  onSpawn?: (pid: number, child: import("node:child_process").ChildProcess) => void;
  input?: string;
}

// The user's environment minus what would change the CLI's behaviour: CI markers, colour switches,
// and what vitest/vite inject into test workers (BASE_URL=/ among them, which checklists read).
export const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(CI|GITHUB_|FORCE_COLOR|NO_COLOR|READINESS_|VITEST|TEST$|BASE_URL$|MODE$|DEV$|PROD$|SSR$|API_TOKEN$)/.test(k)),
);

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...CLEAN_ENV, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdin.on("error", () => {}); // EPIPE: the CLI may stop reading before all of the input is written
    child.stdin.end(options.input ?? "");
    const killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 60_000);
    child.on("error", reject);
    child.on("spawn", () => options.onSpawn?.(child.pid ?? 0, child));
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** A temporary directory with files; returns its path and a cleanup. */
export function tempProject(files: Record<string, string | Buffer> = {}): { dir: string; write(name: string, content: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "readiness-e2e-"));
  const write = (name: string, content: string | Buffer): string => {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  };
  for (const [name, content] of Object.entries(files)) write(name, content);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
