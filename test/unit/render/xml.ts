/** Parsing helpers for XML outputs (JUnit, SVG badge) in tests. */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";

export interface XmlNode {
  [key: string]: unknown;
}

const ARRAYS = new Set(["testsuite", "testcase", "property", "failure", "skipped", "text", "rect"]);

/** Validates then parses XML; attributes are prefixed with `@_`; listed tags are always arrays. */
export function parseXml(xml: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  expect(valid).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ARRAYS.has(name),
  });
  return parser.parse(xml) as XmlNode;
}
