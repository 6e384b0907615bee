/**
 * Certificates made by the openssl CLI and real TLS servers on loopback, for the tls probe's tests.
 * A throwaway CA issues leaf (and intermediate) certificates with chosen validity windows through
 * `openssl ca`, which can back-date (`-startdate`/`-enddate`) on every openssl 3 release.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type SecureVersion } from "node:tls";

const DAY_MS = 86_400_000;

/** A PEM key and certificate (the certificate may be followed by its chain). */
export interface KeyPair {
  key: string;
  cert: string;
  certFile: string;
}

/** A CA that can issue certificates. */
export interface TestCa extends KeyPair {
  /** Issues a server certificate signed by this CA. */
  issue(options: IssueOptions): KeyPair;
  /** Issues an intermediate CA certificate signed by this CA; its leaves carry it in their chain. */
  issueIntermediate(options: IssueOptions): TestCa;
}

/** What to put in an issued certificate. */
export interface IssueOptions {
  cn: string;
  /** subjectAltName value, e.g. `DNS:localhost,IP:127.0.0.1`. */
  san?: string;
  /** Validity window relative to now, in days (fractions allowed). Defaults: -1 and +90. */
  fromDays?: number;
  toDays?: number;
  /** What the certificate is for (default: a server's). A client certificate is for mutual TLS. */
  purpose?: "server" | "client";
}

/** A workspace for openssl; `cleanup()` deletes it. */
export interface Pki {
  dir: string;
  /** A root CA named `cn`, valid for ten years. */
  createCa(cn: string): TestCa;
  /** A self-signed server certificate valid for `days` from now. */
  selfSigned(cn: string, san: string, days?: number): KeyPair;
  cleanup(): void;
}

function openssl(args: string[], cwd: string, env: Record<string, string> = {}): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: "pipe", env: { ...process.env, ...env } });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args[0] ?? ""} failed: ${err.stderr?.toString() ?? err.message}`);
  }
}

/** `YYMMDDHHMMSSZ` (ASN.1 UTCTime), as `openssl ca -startdate` takes it. */
function utcTime(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * DAY_MS);
  return d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";
}

const CA_CONFIG = `
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $ENV::SAN
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = $ENV::SAN
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Creates a temporary PKI workspace. */
export function createPki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), "readiness-pki-"));
  let n = 0;
  const read = (name: string): string => readFileSync(join(dir, name), "utf8");

  const makeCa = (cn: string, key: string, cert: string, chain: string): TestCa => {
    const caDir = join(dir, `ca-${++n}`);
    mkdirSync(join(caDir, "newcerts"), { recursive: true });
    writeFileSync(join(caDir, "index.txt"), "");
    writeFileSync(join(caDir, "serial"), `${(1000 + n).toString(16).padStart(4, "0")}\n`);
    writeFileSync(join(caDir, "ca.cnf"), CA_CONFIG);
    writeFileSync(join(caDir, "ca.key"), key);
    writeFileSync(join(caDir, "ca.pem"), cert);
    return {
      key,
      cert,
      certFile: join(caDir, "ca.pem"),
      issue: (o) => issue(o, false),
      issueIntermediate: (o) => {
        const pair = issue(o, true);
        return makeCa(o.cn, pair.key, pair.cert.slice(0, pair.cert.length - chain.length), pair.cert);
      },
    };

    function issue(o: IssueOptions, asCa: boolean): KeyPair {
      const base = `leaf-${++n}`;
      openssl(["req", "-new", ...EC, "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", `/CN=${o.cn}`], caDir);
      openssl(
        [
          "ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
          "-in", `${base}.csr`, "-out", `${base}.pem`,
          "-startdate", utcTime(o.fromDays ?? -1), "-enddate", utcTime(o.toDays ?? 90),
          "-extensions", asCa ? "ca_ext" : o.purpose === "client" ? "client_ext" : "server_ext",
        ],
        caDir,
        { SAN: o.san ?? `DNS:${o.cn}` },
      );
      // A server sends its certificate followed by the intermediates, never the root.
      const full = readFileSync(join(caDir, `${base}.pem`), "utf8") + chain;
      writeFileSync(join(caDir, `${base}.chain.pem`), full);
      return { key: readFileSync(join(caDir, `${base}.key`), "utf8"), cert: full, certFile: join(caDir, `${base}.chain.pem`) };
    }
  };

  return {
    dir,
    createCa(cn) {
      const name = `root-${++n}`;
      openssl(
        ["req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.pem`, "-subj", `/CN=${cn}`, "-days", "3650",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        dir,
      );
      return makeCa(cn, read(`${name}.key`), read(`${name}.pem`), "");
    },
    selfSigned(cn, san, days = 30) {
      const name = `self-${++n}`;
      openssl(["req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.pem`, "-subj", `/CN=${cn}`, "-days", String(days), "-addext", `subjectAltName=${san}`], dir);
      return { key: read(`${name}.key`), cert: read(`${name}.pem`), certFile: join(dir, `${name}.pem`) };
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TLS server listening on 127.0.0.1. */
export interface TlsServer {
  port: number;
  close(): Promise<void>;
}

/** Starts a TLS server on 127.0.0.1, port 0, presenting `pair`; optionally limited to some protocol versions. */
export function startTlsServer(pair: KeyPair, options: { minVersion?: SecureVersion; maxVersion?: SecureVersion } = {}): Promise<TlsServer> {
  const server = createServer({ key: pair.key, cert: pair.cert, ...options }, (socket) => socket.end());
  // Handshakes the client abandons (it reads the certificate and leaves) are not server errors.
  server.on("tlsClientError", () => undefined);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
          }),
      });
    });
  });
}

/** The installed openssl's version line, or undefined when there is none (tests then fail saying so). */
export function opensslVersion(): string | undefined {
  try {
    return execFileSync("openssl", ["version"], { stdio: "pipe" }).toString().trim();
  } catch {
    return undefined;
  }
}
