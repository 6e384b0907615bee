/** The run of the `x509` probe (its spec, schema and checks: ../x509.ts), loaded when a probe of the type first runs. */
import type { ProbeContext, ProbeOutcome } from "../../types.js";
import { isoDate } from "../../util/duration.js";
import { displayPath, fail, pass, readTextFile, resolvePath } from "../evidence/common.js";
import { checkValue, type Expected } from "../matchers.js";
import type { X509Spec } from "../x509.js";

const DAY_MS = 86_400_000;
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** `C=US\nO=Example\nCN=api` → `CN=api, O=Example, C=US` (most specific first, as people read it). */
function distinguishedName(text: string): string {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .reverse()
    .join(", ");
}

/** `DNS:a, IP Address:10.0.0.1` → `["a", "10.0.0.1"]`. */
function sanEntries(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/,\s*/).map((e) => e.replace(/^[^:]+:/, "").trim());
}

function days(n: number): string {
  return `${n} day${n === 1 ? "" : "s"}`;
}

export async function run(spec: X509Spec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const file = resolvePath(ctx, spec.x509);
  const label = displayPath(ctx, file);
  const read = await readTextFile(file, ctx);
  if ("error" in read) return fail(`cannot read certificate ${label}: ${read.error}`);
  const pems = read.text.match(PEM) ?? [];
  if (pems.length === 0) return fail(`${label} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  // node:crypto is loaded when the probe runs: validate and plans never need it.
  const { X509Certificate } = await import("node:crypto");
  const certs = [];
  for (const [i, pem] of pems.entries()) {
    try {
      certs.push(new X509Certificate(pem));
    } catch (e) {
      return fail(`${label}: certificate ${i + 1} cannot be parsed: ${(e as Error).message}`);
    }
  }
  const leaf = certs[0];
  if (!leaf) return fail(`${label} holds no PEM certificate`);
  const subject = distinguishedName(leaf.subject);
  const issuer = distinguishedName(leaf.issuer);
  const san = sanEntries(leaf.subjectAltName);
  const now = ctx.now().getTime();
  const earliest = certs.reduce((a, c) => (new Date(c.validTo) < new Date(a.validTo) ? c : a), leaf);
  const validTo = new Date(earliest.validTo);
  const validFrom = new Date(leaf.validFrom);
  const daysLeft = Math.floor((validTo.getTime() - now) / DAY_MS);
  const minDays = spec.min_days ?? 14;
  const who = earliest === leaf ? subject : `chain certificate ${distinguishedName(earliest.subject)}`;
  const problems: string[] = [];
  if (validFrom.getTime() > now) problems.push(`not yet valid (valid from ${isoDate(validFrom)})`);
  if (validTo.getTime() <= now) problems.push(`${who} expired on ${isoDate(validTo)}`);
  else if (daysLeft < minDays) problems.push(`${who} expires in ${days(daysLeft)} (min ${minDays})`);
  const names: [string, unknown, Expected | undefined][] = [
    ["subject", subject, spec.subject],
    ["san", san, spec.san],
    ["issuer", issuer, spec.issuer],
  ];
  for (const [key, value, m] of names) {
    if (m !== undefined) problems.push(...checkValue({ found: true, value }, m, key));
  }
  const observed = { subject, issuer, san, days_left: daysLeft, valid_from: validFrom.toISOString(), valid_to: validTo.toISOString(), certificates: certs.length };
  if (problems.length > 0) return fail(`${label}: ${problems.join("; ")} (${subject}, issuer ${issuer})`, observed);
  return pass(`${label}: ${subject} valid for ${days(daysLeft)} (until ${isoDate(validTo)}), issuer ${issuer}`, observed);
}
