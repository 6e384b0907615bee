/**
 * `x509`: a PEM certificate file on disk is valid now and for at least `min_days` more days (by the
 * audit clock), and its subject, subjectAltName and issuer match. A file holding a chain is judged
 * by its earliest expiry; the names are those of its first certificate.
 *
 *   - x509: certs/server.pem
 *     min_days: 14
 *     san: { contains: api.example.com }
 */
import type { Issue, Probe, ProbeContext, ProbeOutcome, ProbeSpecBase } from "../types.js";
import { isoDate } from "../util/duration.js";
import { displayPath, fail, pass, readTextFile, resolvePath } from "./evidence/common.js";
import { checkValue, type Expected, matcherIssues, matcherRef } from "./matchers.js";

/** Spec of an `x509` probe. */
export interface X509Spec extends ProbeSpecBase {
  /** A PEM file (one certificate or a chain), relative to the checklist. */
  x509: string;
  /** Fewest whole days the certificate must remain valid (default 14). */
  min_days?: number;
  /** The subject, as `CN=api.example.com, O=Example` (a matcher such as { matches: "CN=api\\." }). */
  subject?: Expected;
  /** The subjectAltName entries without their type, e.g. ["api.example.com", "10.0.0.1"] (use { contains: ... }). */
  san?: Expected;
  /** The issuer, written as the subject is. */
  issuer?: Expected;
}

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

async function run(spec: X509Spec, ctx: ProbeContext): Promise<ProbeOutcome> {
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

function check(spec: X509Spec): Issue[] {
  return [...matcherIssues(spec.subject, "/subject"), ...matcherIssues(spec.san, "/san"), ...matcherIssues(spec.issuer, "/issuer")];
}

/** The `x509` probe: see {@link X509Spec}. */
export const x509Probe: Probe<X509Spec> = {
  type: "x509",
  description: "A PEM certificate file is valid for long enough, with the expected subject, alternative names and issuer.",
  schema: {
    type: "object",
    required: ["x509"],
    properties: {
      x509: { type: "string", minLength: 1, description: "PEM certificate file (or chain), relative to the checklist." },
      min_days: { type: "integer", minimum: 0, description: "Fewest days to expiry (default 14)." },
      subject: matcherRef('The subject, as "CN=name, O=org": a value, or a matcher such as { matches: "CN=api" }.'),
      san: matcherRef("The subjectAltName entries without their type (DNS:, IP Address:): use { contains: name }."),
      issuer: matcherRef("The issuer, written as the subject is."),
    },
  },
  check,
  target: (spec) => spec.x509,
  run,
};
