import type { Masker } from "../types.js";

export const MASK = "***";

/**
 * Creates a masker for secret values. Longer secrets are replaced first, so a secret that contains
 * another is masked whole. URL-encoded forms of each secret are masked too, since probes echo URLs.
 */
export function createMasker(values: Iterable<string> = []): Masker {
  const secrets = new Set<string>();
  let ordered: string[] = [];
  const add = (value: string): void => {
    if (!value) return;
    const forms = [value, encodeURIComponent(value), encodeURI(value)];
    let changed = false;
    for (const f of forms) {
      if (f && !secrets.has(f)) {
        secrets.add(f);
        changed = true;
      }
    }
    if (changed) ordered = [...secrets].sort((a, b) => b.length - a.length);
  };
  for (const v of values) add(v);
  return {
    add,
    mask(text: string): string {
      if (ordered.length === 0 || !text) return text;
      let out = text;
      for (const s of ordered) if (out.includes(s)) out = out.split(s).join(MASK);
      return out;
    },
  };
}

/** Deeply masks every string in a JSON-like value. */
export function maskDeep<T>(value: T, masker: Masker): T {
  if (typeof value === "string") return masker.mask(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskDeep(v, masker)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskDeep(v, masker);
    return out as T;
  }
  return value;
}
