/**
 * Paths into JSON documents, as the metric probe's `json.path` writes them: dotted keys with
 * bracket quoting for keys that hold dots or brackets, and bracketed array indexes:
 *
 *   metrics.http_req_duration.values.p(99)          (parentheses need no quoting)
 *   metrics.http_req_duration.values["p(99.9)"]      (a key with a dot)
 *   checks[0].passes        checks.0.passes          (an array index)
 */

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** Parses a path; a string describing the problem when it is malformed. */
export function parseJsonPath(path: string): PathSegment[] | string {
  const out: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  if (n === 0) return "path is empty";
  let expectSegment = true; // at the start or after a dot
  while (i < n) {
    const ch = path[i];
    if (ch === "[") {
      const close = readBracket(path, i);
      if (typeof close === "string") return close;
      out.push(close.segment);
      i = close.end;
      expectSegment = false;
      if (i < n && path[i] !== "." && path[i] !== "[") return `expected "." or "[" after "]" at position ${i + 1} of ${path}`;
      if (path[i] === ".") {
        i++;
        expectSegment = true;
        if (i >= n) return `path ends with "." (${path})`;
      }
      continue;
    }
    if (!expectSegment) return `unexpected ${JSON.stringify(ch)} at position ${i + 1} of ${path}`;
    let j = i;
    while (j < n && path[j] !== "." && path[j] !== "[") j++;
    const key = path.slice(i, j);
    if (key === "") return `empty key at position ${i + 1} of ${path} (use ["..."] for keys with dots)`;
    out.push(key);
    i = j;
    expectSegment = false;
    if (path[i] === ".") {
      i++;
      expectSegment = true;
      if (i >= n) return `path ends with "." (${path})`;
    }
  }
  return out;
}

function readBracket(path: string, start: number): { segment: PathSegment; end: number } | string {
  const q = path[start + 1];
  if (q === '"' || q === "'") {
    let j = start + 2;
    let key = "";
    while (j < path.length && path[j] !== q) {
      if (path[j] === "\\" && j + 1 < path.length) j++;
      key += path[j];
      j++;
    }
    if (j >= path.length || path[j + 1] !== "]") return `unterminated [${q}...${q}] at position ${start + 1} of ${path}`;
    return { segment: key, end: j + 2 };
  }
  const close = path.indexOf("]", start);
  if (close < 0) return `unterminated "[" at position ${start + 1} of ${path}`;
  const inner = path.slice(start + 1, close).trim();
  if (!/^\d+$/.test(inner)) return `[${inner}] is not an array index: quote keys as ["${inner}"]`;
  return { segment: Number(inner), end: close + 1 };
}

/** Formats segments back into a path, for messages. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[^.[\]"']+$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Follows a path; `found: false` names the deepest prefix that exists. */
export function getJsonPath(doc: unknown, segments: readonly PathSegment[]): { found: true; value: unknown } | { found: false; missing: string } {
  let cur: unknown = doc;
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k] as PathSegment;
    let next: unknown;
    let has = false;
    if (Array.isArray(cur)) {
      const idx = typeof seg === "number" ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
      has = idx >= 0 && idx < cur.length;
      next = has ? (cur as unknown[])[idx] : undefined;
    } else if (typeof cur === "object" && cur !== null) {
      const key = String(seg);
      has = Object.prototype.hasOwnProperty.call(cur, key);
      next = has ? (cur as Record<string, unknown>)[key] : undefined;
    }
    if (!has) return { found: false, missing: formatJsonPath(segments.slice(0, k + 1)) };
    cur = next;
  }
  return { found: true, value: cur };
}
