import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { parseDocument } from "yaml";
import { MANUAL_STATUSES, SEVERITIES } from "../../../src/types.js";
import { ID_PATTERN } from "../../../src/util/text.js";
import { PROBE_TYPES as REGISTERED_PROBE_TYPES } from "../../../src/probes/index.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/import/", import.meta.url));

export function fixture(name: string): Buffer {
  return readFileSync(`${FIXTURES}${name}`);
}

export interface FlatItem {
  id: string;
  title: string;
  description?: string;
  severity?: string;
  status?: string;
  probes?: Record<string, unknown>[];
  section: string;
}

const SECTION_KEYS = new Set(["id", "title", "items", "sections"]);
const ITEM_KEYS = new Set(["id", "title", "description", "severity", "status", "reason", "docs", "probes"]);
const PROBE_TYPES = new Set<string>(REGISTERED_PROBE_TYPES);
const id = new RegExp(ID_PATTERN);

/**
 * Asserts that `text` is a well-formed checklist (format v1) as the importer writes it: parses
 * without errors or warnings (duplicate keys are errors), has version/name/sections, ids are slugs
 * unique across sections and items, severities and statuses are in their enums, probes have one
 * known type key. Returns the items, flattened in document order.
 */
export function checkChecklist(text: string): { name: string; items: FlatItem[]; sectionIds: string[]; vars?: Record<string, string> } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  expect(doc.warnings.map((e) => e.message)).toEqual([]);
  const data = doc.toJS() as { version: number; name: string; vars?: Record<string, string>; sections: unknown[] };
  expect(data.version).toBe(1);
  expect(typeof data.name).toBe("string");
  expect(data.name.length).toBeGreaterThan(0);
  expect(Array.isArray(data.sections)).toBe(true);
  const seen = new Set<string>();
  const items: FlatItem[] = [];
  const sectionIds: string[] = [];
  const visitId = (value: unknown): string => {
    expect(typeof value).toBe("string");
    const s = value as string;
    expect(s).toMatch(id);
    expect(seen.has(s), `duplicate id ${s}`).toBe(false);
    seen.add(s);
    return s;
  };
  const walk = (section: Record<string, unknown>): void => {
    for (const k of Object.keys(section)) expect(SECTION_KEYS.has(k), `section key ${k}`).toBe(true);
    const sid = visitId(section.id);
    sectionIds.push(sid);
    expect(typeof section.title).toBe("string");
    const its = (section.items ?? []) as Record<string, unknown>[];
    const subs = (section.sections ?? []) as Record<string, unknown>[];
    expect(its.length + subs.length).toBeGreaterThan(0);
    for (const item of its) {
      for (const k of Object.keys(item)) expect(ITEM_KEYS.has(k), `item key ${k}`).toBe(true);
      visitId(item.id);
      expect(typeof item.title).toBe("string");
      expect((item.title as string).length).toBeGreaterThan(0);
      if (item.severity !== undefined) expect(SEVERITIES).toContain(item.severity);
      if (item.status !== undefined) expect(MANUAL_STATUSES).toContain(item.status);
      if (item.status === "n/a") expect(typeof item.reason).toBe("string");
      if (item.description !== undefined) expect(typeof item.description).toBe("string");
      if (item.probes !== undefined) {
        expect(Array.isArray(item.probes)).toBe(true);
        for (const p of item.probes as Record<string, unknown>[]) {
          const types = Object.keys(p).filter((k) => PROBE_TYPES.has(k));
          expect(types).toHaveLength(1);
        }
      }
      items.push({ ...(item as unknown as FlatItem), section: sid });
    }
    subs.forEach(walk);
  };
  (data.sections as Record<string, unknown>[]).forEach(walk);
  return data.vars ? { name: data.name, items, sectionIds, vars: data.vars } : { name: data.name, items, sectionIds };
}

/** Items by status (`none` when absent). */
export function byStatus(items: FlatItem[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i.status ?? "none"] = (out[i.status ?? "none"] ?? 0) + 1;
  return out;
}
