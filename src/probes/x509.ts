/**
 * `x509`: a PEM certificate file on disk is valid now and for at least `min_days` more days (by the
 * audit clock), and its subject, subjectAltName and issuer match. A file holding a chain is judged
 * by its earliest expiry; the names are those of its first certificate.
 *
 *   - x509: certs/server.pem
 *     min_days: 14
 *     san: { contains: api.example.com }
 */
import type { Issue, Probe, ProbeSpecBase } from "../types.js";
import { type Expected, matcherIssues, matcherRef } from "./matchers.js";

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
  run: (spec, ctx) => import("./run/x509.js").then((m) => m.run(spec, ctx)),
};
