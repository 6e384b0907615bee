/** The run of the `dns` probe (its spec, schema and checks: ../dns.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { truncate } from "../../util/text.js";
import { asList } from "../assert.js";
import { abortMessage, describeError, fail, pass, whenAborted } from "../evidence/common.js";
import { type DnsSpec, type DnsType, normName, normalize } from "../dns.js";

/** One answer: how it is shown, and the forms an expected value may take to match it. */
interface Answer {
  display: string;
  keys: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

/** Turns what node:dns returns for a type into answers. */
function toAnswers(type: DnsType, raw: unknown): Answer[] {
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.map((r): Answer => {
    if (typeof r === "string") return { display: r, keys: [normalize(type, r)] };
    if (Array.isArray(r)) {
      const txt = r.map(str).join("");
      return { display: txt, keys: [txt] };
    }
    if (!isRecord(r)) return { display: str(r), keys: [str(r)] };
    switch (type) {
      case "MX": {
        const ex = normName(str(r.exchange));
        return { display: `${str(r.priority)} ${ex}`, keys: [`${str(r.priority)} ${ex}`, ex] };
      }
      case "SRV": {
        const name = normName(str(r.name));
        const full = `${str(r.priority)} ${str(r.weight)} ${str(r.port)} ${name}`;
        return { display: full, keys: [full, `${name}:${str(r.port)}`, name] };
      }
      case "CAA": {
        const tag = ["issue", "issuewild", "iodef", "contactemail", "contactphone"].find((t) => t in r) ?? "";
        const value = str(r[tag]);
        const display = `${str(r.critical) || "0"} ${tag} "${value}"`;
        return { display, keys: [normName(display), normName(`${tag} ${value}`), normName(value)] };
      }
      case "SOA": {
        const ns = normName(str(r.nsname));
        const display = `${ns} ${normName(str(r.hostmaster))} ${str(r.serial)}`;
        return { display, keys: [display, ns] };
      }
      default:
        return { display: JSON.stringify(r), keys: [] };
    }
  });
}

const CODE_CAUSES: Record<string, string> = {
  ENOTFOUND: "not found (NXDOMAIN)",
  ENODATA: "no records of that type",
  ETIMEOUT: "DNS query timed out",
  ECONNREFUSED: "DNS server refused the connection",
  ESERVFAIL: "server failure (SERVFAIL)",
  EREFUSED: "query refused by the server (REFUSED)",
  EFORMERR: "server rejected the query as malformed (FORMERR)",
  EBADRESP: "bad response from the DNS server",
  ECONNREFUSEDNS: "DNS server refused the connection",
  EAI_AGAIN: "temporary failure in name resolution",
  ENOTIMP: "query type not implemented by the server (NOTIMP)",
};

function errorCode(e: unknown): string | undefined {
  return isRecord(e) && typeof e.code === "string" ? e.code : undefined;
}

function cause(e: unknown, type: DnsType | undefined): string {
  const code = errorCode(e);
  if (code === "ENODATA" && type) return `no ${type} records`;
  if (code === "ENOTFOUND" && !type) return "not found";
  const c = code ? CODE_CAUSES[code] : undefined;
  return c ? `${c} (${code})` : describeError(e);
}

function formatAnswers(answers: string[]): string {
  const shown = answers.slice(0, 5).map((a) => truncate(a, 100));
  return answers.length > 5 ? `${shown.join(", ")} … (${answers.length} in all)` : shown.join(", ");
}

async function lookupAll(host: string): Promise<Answer[]> {
  const { promises: dnsPromises } = await import("node:dns");
  const found = await dnsPromises.lookup(host, { all: true });
  return found.map((a) => ({ display: a.address, keys: [normName(a.address)] }));
}

async function query(spec: DnsSpec, type: DnsType, ctx: ProbeContext): Promise<Answer[]> {
  const { promises: dnsPromises } = await import("node:dns");
  // c-ares doubles the timeout on each try: two tries of a third each stay within the probe's timeout.
  const resolver = new dnsPromises.Resolver({ timeout: Math.max(100, Math.floor(ctx.timeoutMs / 3)), tries: 2 });
  if (spec.server) resolver.setServers([spec.server]);
  const onAbort = (): void => resolver.cancel();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const raw: unknown = await resolver.resolve(spec.dns, type);
    return toAnswers(type, raw);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

export async function run(spec: DnsSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const type = spec.type ?? (spec.server ? "A" : undefined);
  const label = type ? `${spec.dns} ${type}` : spec.dns;
  if (ctx.signal.aborted) return fail(`${label}: ${abortMessage(ctx)}`);
  const aborted = whenAborted(ctx.signal);
  let answers: Answer[];
  try {
    const work = type ? query(spec, type, ctx) : lookupAll(spec.dns);
    const result = await Promise.race([work, aborted.promise.then(() => undefined)]);
    // A lookup cannot be cancelled: if the abort won the race, leave it to finish unobserved.
    work.catch(() => undefined);
    if (result === undefined) return fail(`${label}: ${abortMessage(ctx)}`);
    answers = result;
  } catch (e) {
    if (ctx.signal.aborted) return fail(`${label}: ${abortMessage(ctx)}`);
    return fail(`${label}: ${cause(e, type)}`, { type: type ?? "lookup", answers: [] });
  } finally {
    aborted.dispose();
  }
  const displays = answers.map((a) => a.display);
  const observed = { type: type ?? "lookup", answers: displays };
  if (answers.length === 0) return fail(`${label}: no records`, observed);
  const keys = new Set(answers.flatMap((a) => a.keys));
  const expected = asList(spec.expect);
  const missing = expected.filter((e) => !keys.has(normalize(type, e)));
  if (missing.length > 0) {
    return fail(`${label}: expected ${missing.map((m) => truncate(m, 100)).join(", ")}, got ${formatAnswers(displays)}`, observed);
  }
  return pass(`${label}: ${formatAnswers(displays)}`, observed);
}
