import type { Item, Section } from "../types.js";

/** Items of a section tree, depth first, items before subsections: the checklist's reading order. */
export function flattenItems(sections: Section[]): Item[] {
  const out: Item[] = [];
  const walk = (s: Section): void => {
    // One push per item: a spread passes every item as an argument, which overflows the stack
    // past some 120,000 items in one section.
    for (const item of s.items) out.push(item);
    s.sections.forEach(walk);
  };
  sections.forEach(walk);
  return out;
}
