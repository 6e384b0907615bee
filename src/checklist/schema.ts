/**
 * The checklist JSON Schema, built from one base and every probe type's own fragment.
 * `schemas/checklist.schema.json` is this, written by `npm run build` and guarded by a test.
 */
import { COMMON_PROBE_PROPERTIES, PROBE_TYPES, probeSchema } from "../probes/index.js";
import { MATCHER_DEFINITION } from "../probes/matchers.js";
import { CONTRADICTED_POLICIES, FLAKY_POLICIES, MANUAL_STATUSES, SEVERITIES } from "../types.js";
import { DATE_PATTERN, DURATION_PATTERN } from "../util/duration.js";
import { ID_PATTERN } from "../util/text.js";
import { ENVIRONMENTS_SCHEMA, EXTENDS_SCHEMA } from "./environments.js";
import { DROP_SCHEMA, ITEM_ID_PATTERN, MATRIX_SCHEMA } from "./matrix.js";

type Schema = Record<string, unknown>;

const duration = (description: string): Schema => ({ type: "string", pattern: DURATION_PATTERN, description });
const date = (description: string): Schema => ({ type: "string", pattern: DATE_PATTERN, description });
const text = (description: string): Schema => ({ type: "string", minLength: 1, description });
const stringMap = (description: string): Schema => ({
  type: "object",
  additionalProperties: { type: ["string", "number", "boolean"] },
  description,
});

const severity: Schema = { type: "string", enum: [...SEVERITIES], description: "critical | high | medium | low" };

/**
 * The probe types whose schema has `type` as one of its own keys: a command probe's `env` (its
 * variables) is not the `env` probe type when `command` is there too.
 */
export function typeKeyOwners(type: string): string[] {
  return PROBE_TYPES.filter((other) => other !== type && Object.hasOwn((probeSchema(other).properties as Schema | undefined) ?? {}, type));
}

/** Builds the whole checklist schema (draft-07). */
export function buildChecklistSchema(): Schema {
  // The keys every probe accepts (name, timeout, retries, retry_delay) are checked once, here; each
  // type's schema only allows them (`true`), so its own keys stay closed without repeating their
  // checks twelve times (a third of the precompiled validator was those repeats).
  const probeDefs: Schema = {};
  const allowCommon = Object.fromEntries(Object.keys(COMMON_PROBE_PROPERTIES).map((k) => [k, true]));
  for (const type of PROBE_TYPES) {
    // The matcher a probe's keys refer to is defined once, at the top (`definitions.matcher`).
    const { definitions: _shared, ...own } = probeSchema(type);
    probeDefs[`probe_${type}`] = { ...own, properties: { ...(own.properties as Schema), ...allowCommon } };
  }

  const probe: Schema = {
    type: "object",
    description: `A probe: a mapping whose type key (${PROBE_TYPES.join(", ")}) holds its target.`,
    minProperties: 1,
    properties: COMMON_PROBE_PROPERTIES,
    // Each type key brings its type's schema. `dependencies` says so directly; ajv's code for it tests
    // the key and validates, where allOf of if/then built and dropped an error object for each type a
    // probe is not (the probe schemas took a third less time to check, cold, at 2,000 probes).
    // A type key that is also a key of another type present (`env` beside `command`) is that key.
    dependencies: Object.fromEntries(
      PROBE_TYPES.map((type) => {
        const ref = { $ref: `#/definitions/probe_${type}` };
        const owners = typeKeyOwners(type);
        return [type, owners.length ? { if: { not: { anyOf: owners.map((o) => ({ required: [o] })) } }, then: ref } : ref];
      }),
    ),
  };

  const waiver: Schema = {
    type: "object",
    description: "Excludes the item from the score until a date, with a reason and an approver.",
    required: ["reason", "until", "by"],
    properties: {
      reason: text("Why the item is waived."),
      until: date("Last day the waiver applies (YYYY-MM-DD)."),
      by: text("Who approved the waiver."),
    },
    additionalProperties: false,
  };

  const item: Schema = {
    type: "object",
    description: "One readiness item.",
    // title is required of a new item; an item repeating an inherited id may omit it (checked when composing).
    properties: {
      id: { type: "string", pattern: ITEM_ID_PATTERN, description: "Unique slug; derived from the title when absent. A matrix item may use ${matrix.KEY}." },
      title: text("What must be true."),
      description: { type: "string", description: "More detail." },
      severity: { ...severity, description: "Defaults to defaults.severity (medium)." },
      weight: { type: "number", minimum: 0, maximum: 1000, description: "Overrides the severity's weight." },
      tags: { type: "array", items: { type: "string", minLength: 1 }, description: "Labels for --only tag:NAME." },
      owner: text("Team or person responsible."),
      probes: { type: "array", items: { $ref: "#/definitions/probe" }, description: "All must pass for the item to pass." },
      depends_on: {
        type: "array",
        items: { type: "string", pattern: ITEM_ID_PATTERN },
        description:
          "Ids of items this one depends on. When one of them does not pass (fail, missing, stale, partial, or itself blocked), this item's probes are not run and it is blocked: no credit, its severity still counts for the verdict, and reports name the root cause once. A dependency that is skipped (--only/--skip, n/a) or waived blocks nothing.",
      },
      status: { type: "string", enum: [...MANUAL_STATUSES], description: "Manual claim: done | partial | missing | in-progress | n/a." },
      evidence: text("Link or reference backing a manual claim."),
      attested_by: text("Who attested the claim."),
      attested_at: date("When the claim was attested (YYYY-MM-DD)."),
      expires_after: duration("How long an attestation stays valid, e.g. 90d."),
      reason: text("Why the item is n/a, or other context."),
      note: text("Free text recorded with an attestation (readiness attest --note)."),
      waiver,
      matrix: MATRIX_SCHEMA,
      drop: DROP_SCHEMA,
      due: date("When the item should be done (YYYY-MM-DD); past it and not done, the item is overdue."),
      enforce_from: date("Until this date (YYYY-MM-DD) a failing item is a warning: not a blocker, not in the score."),
      level: text("Maturity level of the item: one of the top-level levels."),
      why: text("Why the item matters (shown with a failing item)."),
      fix: text("How to fix it (shown with a failing item)."),
      docs: text("Where to read more: a link or reference (shown with a failing item)."),
    },
    additionalProperties: false,
  };

  const section: Schema = {
    type: "object",
    description: "A group of items; sections nest.",
    // title is required of a new section; a section repeating an inherited id may omit it.
    properties: {
      id: { type: "string", pattern: ID_PATTERN, description: "Unique slug; derived from the title when absent." },
      title: text("Section title."),
      description: { type: "string" },
      owner: text("Team or person responsible."),
      due: date("When the section's items should be done (YYYY-MM-DD); an item's own due wins."),
      items: { type: "array", items: { $ref: "#/definitions/item" } },
      drop: DROP_SCHEMA,
      sections: { type: "array", items: { $ref: "#/definitions/section" } },
    },
    additionalProperties: false,
  };

  const gate: Schema = {
    type: "object",
    description: "What the verdict requires.",
    properties: {
      go: { type: "number", minimum: 0, maximum: 100, description: "Score needed for GO (default 90)." },
      conditional: { type: "number", minimum: 0, maximum: 100, description: "Score needed for CONDITIONAL (default 70)." },
      blocking: { type: "array", items: severity, description: "Severities whose failure is NO-GO (default [critical])." },
      verified: { type: "number", minimum: 0, maximum: 100, description: "Verified score (credit from passing probes) needed for GO (default 50; 0 accepts claims alone)." },
      contradicted: {
        type: "string",
        enum: [...CONTRADICTED_POLICIES],
        description: "A claim (status: done) its probes contradict: block (NO-GO), conditional (CONDITIONAL at best, the default) or ignore.",
      },
      flaky: { type: "string", enum: [...FLAKY_POLICIES], description: "A probe that passed only after a failed attempt: fail (the item fails) or warn (it passes, listed as flaky; the default)." },
      signoffs: {
        type: "array",
        items: {
          oneOf: [
            { type: "string", minLength: 1 },
            {
              type: "object",
              required: ["role", "signers"],
              properties: {
                role: text("Role that must sign off."),
                signers: { type: "array", items: { type: "string", minLength: 3 }, minItems: 1, description: "Commit author emails allowed to sign." },
                verify: { type: "string", enum: ["git", "signed"], description: "git: the commit adding the sign-off was authored by a signer (default); signed: and git verify-commit accepts it." },
              },
              additionalProperties: false,
            },
          ],
        },
        description: "Roles that must sign off before GO: a name, or { role, signers, verify } to bind the role to people.",
      },
      max_waiver_days: { type: "integer", minimum: 1, maximum: 3650, description: "Longest a waiver may run from the day it is recorded, in days (default 90)." },
      warn_days: { type: "integer", minimum: 0, maximum: 3650, description: "Attestations, waivers and certificates ending within this many days are listed as expiring soon (default 14)." },
    },
    additionalProperties: false,
  };

  const signoff: Schema = {
    type: "object",
    required: ["role", "by", "at"],
    properties: { role: text("Role signing off."), by: text("Who signed."), at: date("When (YYYY-MM-DD).") },
    additionalProperties: false,
  };

  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://readiness.dev/schemas/checklist.schema.json",
    title: "readiness checklist",
    description: "A production-readiness checklist (format version 1).",
    type: "object",
    required: ["version"], // sections: required unless the file extends another (checked when composing)
    properties: {
      $schema: { type: "string" },
      version: { const: 1, description: "Checklist format version: 1." },
      name: text("What is being audited."),
      owner: text("Team responsible."),
      description: { type: "string" },
      extends: EXTENDS_SCHEMA,
      environments: ENVIRONMENTS_SCHEMA,
      vars: stringMap("Variables for ${vars.NAME}; values may use ${env.NAME:-default}."),
      defaults: {
        type: "object",
        properties: {
          timeout: duration("Default probe timeout (10s)."),
          retries: { type: "integer", minimum: 0, maximum: 20 },
          retry_delay: duration("Default pause between attempts (1s)."),
          severity,
        },
        additionalProperties: false,
      },
      gate,
      signoffs: { type: "array", items: signoff },
      levels: {
        type: "array",
        items: { type: "string", minLength: 1 },
        minItems: 1,
        description: "Maturity levels, lowest first (e.g. [bronze, silver, gold]); items name theirs with level:.",
      },
      sections: { type: "array", items: { $ref: "#/definitions/section" } },
    },
    additionalProperties: false,
    definitions: { section, item, probe, ...probeDefs, matcher: MATCHER_DEFINITION },
  };
}
