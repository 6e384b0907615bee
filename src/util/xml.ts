/**
 * A small, safe XML reader for evidence files (JUnit, Cobertura, Clover, JaCoCo).
 * DTDs are never processed: a DOCTYPE is skipped, declared entities are never expanded (so an
 * entity bomb stays a few bytes), and only the five predefined entities and character references
 * are decoded.
 */
import type { XMLParser as XMLParserClass, XMLValidator as XMLValidatorType } from "fast-xml-parser";
import { createRequire } from "node:module";

/** An element: its name, attributes (entities decoded), child elements in order, and text content. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA directly inside the element, trimmed. */
  text: string;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes predefined entities and character references; anything else (`&custom;`) is left as written. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

// fast-xml-parser loads on first use, so a CLI start that reads no XML does not pay for it.
let loaded: { parser: XMLParserClass; validator: typeof XMLValidatorType } | undefined;
function xml(): { parser: XMLParserClass; validator: typeof XMLValidatorType } {
  if (loaded) return loaded;
  const { XMLParser, XMLValidator } = createRequire(import.meta.url)("fast-xml-parser") as { XMLParser: typeof XMLParserClass; XMLValidator: typeof XMLValidatorType };
  loaded = { parser: new XMLParser(PARSER_OPTIONS), validator: XMLValidator };
  return loaded;
}

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: "",
  preserveOrder: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  allowBooleanAttributes: true,
  cdataPropName: "#cdata",
  trimValues: false,
};

type RawNode = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function convertNodes(nodes: unknown, parent: XmlElement): void {
  if (!Array.isArray(nodes)) return;
  for (const node of nodes as unknown[]) {
    if (!isRecord(node)) continue;
    for (const [key, value] of Object.entries(node as RawNode)) {
      if (key === ":@") continue;
      if (key === "#text") {
        parent.text += decodeEntities(String(value));
      } else if (key === "#cdata") {
        if (Array.isArray(value)) {
          for (const c of value as unknown[]) if (isRecord(c) && "#text" in c) parent.text += String(c["#text"]);
        }
      } else {
        const attrs: Record<string, string> = {};
        const rawAttrs = node[":@"];
        if (isRecord(rawAttrs)) for (const [k, v] of Object.entries(rawAttrs)) attrs[k] = decodeEntities(String(v));
        const el: XmlElement = { name: key, attrs, children: [], text: "" };
        convertNodes(value, el);
        el.text = el.text.trim();
        parent.children.push(el);
      }
    }
  }
}

/** Parses an XML document; returns its root element, or a one-line reason it is not well-formed XML. */
export function parseXml(text: string): XmlElement | string {
  const valid = xml().validator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) return `invalid XML at line ${valid.err.line}:${valid.err.col}: ${valid.err.msg}`;
  let raw: unknown;
  try {
    raw = xml().parser.parse(text);
  } catch (e) {
    return `invalid XML: ${(e as Error).message}`;
  }
  const doc: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  convertNodes(raw, doc);
  const root = doc.children[0];
  return root ?? "invalid XML: no root element";
}

/** Child elements named `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Every descendant element named `name`, in document order. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
