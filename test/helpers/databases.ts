/**
 * Real database servers for probe tests: redis-server, PostgreSQL (initdb + pg_ctl) and MariaDB
 * (mariadb-install-db + mariadbd), each on a free loopback port with its own data directory in a
 * temporary directory, stopped and removed by `stop()`. Run as root (as CI does), the PostgreSQL and
 * MariaDB servers run as their packages' system users, which refuse to run as root.
 * `missing` names the Debian package to install when a binary is absent, so a test can skip saying so.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { closedPort } from "./servers.js";

/** A running server. */
export interface Database {
  port: number;
  /** The password of the test user (`app`; `default` for redis). */
  password: string;
  stop(): Promise<void>;
}

/** Why a server cannot be started here (a Debian package to install), or undefined. */
export type Missing = string | undefined;

function onPath(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The newest PostgreSQL bin directory (`/usr/lib/postgresql/15/bin`), or undefined. */
function pgBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

export const redisMissing: Missing = onPath("redis-server") ? undefined : "redis-server is not installed (apt-get install redis-server)";
export const postgresMissing: Missing = pgBin() ? undefined : "PostgreSQL is not installed (apt-get install postgresql)";
export const mariadbMissing: Missing = onPath("mariadbd") && onPath("mariadb-install-db") ? undefined : "MariaDB is not installed (apt-get install mariadb-server)";

const isRoot = userInfo().uid === 0;

/** Resolves once something accepts connections on the port (the server is up), or rejects after `ms`. */
async function waitForPort(port: number, child: ChildProcess, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`server did not listen on ${port} within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A temporary directory the system user `owner` can write (when run as root). */
function dataDir(prefix: string, owner: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) {
    const uid = Number(execFileSync("id", ["-u", owner], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", owner], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  return dir;
}

/** Runs a command as `owner` when root, else as ourselves. */
function asOwner(owner: string, cmd: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", owner, "--", cmd, ...args]] : [cmd, args];
}

/** redis-server with a password, no persistence. */
export async function startRedis(password = "s3cret-redis"): Promise<Database> {
  const port = await closedPort();
  const dir = mkdtempSync(join(tmpdir(), "readiness-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--requirepass", password], {
    stdio: "ignore",
  });
  await waitForPort(port, child);
  return { port, password, stop: stopChild(child, dir) };
}

/** PostgreSQL with a user `app` (password authentication, scram) owning a database `app`. */
export async function startPostgres(password = "s3cret-pg"): Promise<Database> {
  const bin = pgBin();
  if (!bin) throw new Error("PostgreSQL is not installed");
  const port = await closedPort();
  const owner = "postgres";
  const dir = dataDir("readiness-pg-", owner);
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, `${password}\n`);
  if (isRoot) execFileSync("chown", [owner, pwfile]);
  const data = join(dir, "data");
  const [cmd, args] = asOwner(owner, join(bin, "initdb"), ["-D", data, "-U", "app", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "--no-sync"]);
  execFileSync(cmd, args, { stdio: "ignore" });
  const [pcmd, pargs] = asOwner(owner, join(bin, "postgres"), ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);
  const child = spawn(pcmd, pargs, { stdio: "ignore" });
  await waitForPort(port, child);
  const [ccmd, cargs] = asOwner(owner, join(bin, "createdb"), ["-h", dir, "-p", String(port), "-U", "app", "app"]);
  execFileSync(ccmd, cargs, { stdio: "ignore", env: { ...process.env, PGPASSWORD: password } });
  return { port, password, stop: stopChild(child, dir) };
}

/** MariaDB with a user `app` (password authentication) and a database `app`. */
export async function startMariadb(password = "s3cret-my"): Promise<Database> {
  const port = await closedPort();
  const owner = isRoot ? "mysql" : userInfo().username;
  const dir = dataDir("readiness-my-", owner);
  const data = join(dir, "data");
  const socket = join(dir, "sock");
  execFileSync("mariadb-install-db", ["--no-defaults", `--datadir=${data}`, `--user=${owner}`, "--auth-root-authentication-method=socket", "--skip-test-db"], { stdio: "ignore" });
  const child = spawn(
    "mariadbd",
    ["--no-defaults", `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, "--bind-address=127.0.0.1", `--user=${owner}`, `--pid-file=${join(dir, "pid")}`, "--skip-log-bin", "--innodb-buffer-pool-size=16M"],
    { stdio: "ignore" },
  );
  await waitForPort(port, child, 60_000);
  const sql = `CREATE DATABASE app; CREATE USER 'app'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON app.* TO 'app'@'%'; CREATE TABLE app.items (id INT); INSERT INTO app.items VALUES (1),(2),(3);`;
  execFileSync("mariadb", ["--no-defaults", `--socket=${socket}`, "-u", isRoot ? "root" : owner, "-e", sql], { stdio: "ignore" });
  return { port, password, stop: stopChild(child, dir) };
}
