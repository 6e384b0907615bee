/**
 * HTTP/1.1 on a socket the caller has connected (and wrapped in TLS): the request is written as one
 * buffer and the response is read by a small incremental parser (RFC 9112). The `http` probe uses it
 * in place of node:http's ClientRequest.
 *
 * Why not node:http: a probe makes one request on a new connection and needs only the status, the
 * Location header and a capped body. ClientRequest and IncomingMessage build streams, an agent-less
 * request object and a parser from a pool for each request. At 200 requests with 50 in flight, that
 * added ~60 ms to the requests alone (a bare `http.get` loop against a raw socket loop on the same
 * server; README, "Benchmarks").
 *
 * What the parser accepts, as a lenient client does: status lines with or without a reason; LF as
 * well as CRLF line ends; folded header lines (joined with a space); interim 1xx responses, which are
 * skipped (except 101); bodies framed by Transfer-Encoding: chunked (extensions and trailers
 * ignored), by Content-Length, or by the end of the connection; no body after HEAD or for 1xx, 204
 * and 304. It rejects, as an invalid response: a head over MAX_HEAD_BYTES, a malformed status or
 * header line, conflicting or malformed Content-Length, malformed chunk sizes. Errors carry an `HPE_`
 * code, as node's parser errors do, so describeNetError names them "invalid HTTP response (...)".
 */

/** The response head and, when wanted, its body (capped). */
export interface Http1Response {
  status: number;
  statusText: string;
  /** The first Location header, if any. */
  location?: string;
  /** Present when the body was wanted: the bytes read, up to the cap. */
  body?: Buffer;
  /** The body was longer than the cap, which is what `body` holds. */
  truncated: boolean;
}

/** The response head: at most 64 KiB, as many servers' own limit for a request head. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line longer than this (extensions included) is malformed. */
const MAX_CHUNK_LINE = 4096;

/** RFC 9110 token: what a header name or a method may be made of. */
export const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a header value may hold on the wire (as node:http checks): tab, visible ASCII, space, and latin-1 bytes. */
const INVALID_VALUE_RE = /[^\t\x20-\x7e\x80-\xff]/;
/** What a request target may hold (URL.pathname and URL.search are already percent-encoded). */
const INVALID_PATH_RE = /[^\x21-\x7e]/;
/** Methods that send no body by default: with none given, the others send `Content-Length: 0`, as node:http does. */
const BODYLESS_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/** A response the parser cannot read. `code` starts with HPE_, like node's parser errors. */
export class HttpParseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpParseError";
  }
}

/** What node:http reports when the connection ends before any response: describeNetError names it. */
function hangUp(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}

/**
 * The request as bytes: request line, headers (names as given, values as latin-1, as node:http sends
 * them) and the body. Throws a one-line Error for a method, target or header that cannot be sent.
 */
export function serializeRequest(method: string, target: string, headers: Record<string, string>, body?: Buffer): Buffer {
  if (!TOKEN_RE.test(method)) throw new Error(`invalid HTTP method ${JSON.stringify(method)}`);
  if (INVALID_PATH_RE.test(target)) throw new Error("the request path has a character that cannot be sent");
  let head = `${method} ${target} HTTP/1.1\r\n`;
  let hasLength = false;
  for (const name of Object.keys(headers)) {
    const value = headers[name] as string;
    if (!TOKEN_RE.test(name)) throw new Error(`invalid header name ${JSON.stringify(name)}`);
    // The value is never echoed: it may be a secret.
    if (INVALID_VALUE_RE.test(value)) throw new Error(`header ${name} has a character that cannot be sent (a line break, a control character, or one beyond latin-1)`);
    if (name.toLowerCase() === "content-length") hasLength = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasLength && body === undefined && !BODYLESS_METHODS.has(method)) head += "content-length: 0\r\n";
  head += "\r\n";
  const bytes = Buffer.from(head, "latin1");
  return body === undefined || body.length === 0 ? bytes : Buffer.concat([bytes, body], bytes.length + body.length);
}

const enum State {
  Head,
  /** Body of known length: `remaining` bytes to go. */
  Length,
  ChunkSize,
  ChunkData,
  /** The CRLF after a chunk's data. */
  ChunkEnd,
  Trailers,
  /** Body delimited by the end of the connection. */
  UntilClose,
  Done,
}

/**
 * Reads one response, fed the connection's bytes as they come (`push`) and told when it ends (`end`).
 * `push` returns the response once it is complete, or at once after the head when the body is not
 * wanted, or when the body reaches the cap; undefined while more is needed. Both throw
 * HttpParseError for a malformed response; `end` throws when the connection ended too early.
 * The body refers to the pushed buffers (no copy): push each chunk once and do not reuse it, as a
 * socket's "data" chunks are.
 */
export class Http1ResponseReader {
  private state = State.Head;
  /** Bytes of an unfinished head, trailer line, chunk-size line or chunk end. */
  private pending: Buffer | undefined;
  /** How far into `pending` a head has been searched for its end already (a head that trickles in). */
  private scanned = 0;
  private status = 0;
  private statusText = "";
  private location: string | undefined;
  private wanted = false;
  private remaining = 0;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(
    /** The request's method: no body follows a response to HEAD. */
    private readonly method: string,
    /** Whether the body of a response with this status is read. */
    private readonly wantsBody: (status: number) => boolean,
    private readonly maxBodyBytes: number,
  ) {}

  push(chunk: Buffer): Http1Response | undefined {
    if (this.state === State.Done) return undefined;
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (at < data.length) {
      switch (this.state) {
        case State.Head: {
          // Resume the search where the last push left it (less the two bytes a line end may span).
          const end = headEnd(data, at, Math.max(at, at + this.scanned - 2));
          if (end < 0) {
            this.scanned = data.length - at;
            return this.keep(data, at, MAX_HEAD_BYTES, "HPE_HEADER_OVERFLOW", `response head larger than ${MAX_HEAD_BYTES / 1024} KiB`);
          }
          this.scanned = 0;
          if (end - at > MAX_HEAD_BYTES) throw new HttpParseError("HPE_HEADER_OVERFLOW", `response head larger than ${MAX_HEAD_BYTES / 1024} KiB`);
          const next = this.head(data.toString("latin1", at, end));
          at = skipLineEnd(data, skipLineEnd(data, end));
          if (next) return next;
          break;
        }
        case State.Length:
        case State.ChunkData: {
          // A counted run of body bytes: the rest of a Content-Length body, or of a chunk.
          const n = Math.min(this.remaining, data.length - at);
          this.remaining -= n;
          if (this.take(data, at, n)) return this.response();
          at += n;
          if (this.remaining > 0) break;
          if (this.state === State.Length) return this.finish();
          this.state = State.ChunkEnd;
          break;
        }
        case State.ChunkSize: {
          const nl = data.indexOf(10, at);
          if (nl < 0) return this.keep(data, at, MAX_CHUNK_LINE, "HPE_INVALID_CHUNK_SIZE", "chunk size line too long");
          this.remaining = chunkSize(data.toString("latin1", at, nl));
          at = nl + 1;
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkEnd: {
          // CRLF (or a bare LF) after the data.
          const c = data[at] as number;
          if (c === 13 && at + 1 >= data.length) return this.keep(data, at, 1, "HPE_STRICT", "no line break after a chunk's data");
          if (c === 13 && data[at + 1] === 10) at += 2;
          else if (c === 10) at += 1;
          else throw new HttpParseError("HPE_STRICT", "no line break after a chunk's data");
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          // Trailer fields until an empty line; their content is not used.
          const nl = data.indexOf(10, at);
          if (nl < 0) return this.keep(data, at, MAX_HEAD_BYTES, "HPE_HEADER_OVERFLOW", `trailers larger than ${MAX_HEAD_BYTES / 1024} KiB`);
          const empty = nl === at || (nl === at + 1 && data[at] === 13);
          at = nl + 1;
          if (empty) return this.finish();
          break;
        }
        case State.UntilClose: {
          if (this.take(data, at, data.length - at)) return this.response();
          at = data.length;
          break;
        }
      }
    }
    return undefined;
  }

  /** The connection ended: the response if it is complete by now (a body that runs to the close). */
  end(): Http1Response {
    switch (this.state) {
      // Trailers: after the last chunk the body is complete, whatever became of them.
      case State.Done:
      case State.UntilClose:
      case State.Trailers:
        return this.finish();
      case State.Head:
        // Nothing, or part of a head: as node:http, "socket hang up" (the server closed without a response).
        throw hangUp();
      default:
        throw new Error("connection closed while reading the body");
    }
  }

  /** Keeps data[at..] for the next push; more than `max` bytes of it is a malformed response. */
  private keep(data: Buffer, at: number, max: number, code: string, message: string): undefined {
    if (data.length - at > max) throw new HttpParseError(code, message);
    this.pending = data.subarray(at);
    return undefined;
  }

  /** Parses a complete head (its text without the empty line). The response, when it needs no more bytes. */
  private head(text: string): Http1Response | undefined {
    const lines = text.split("\n");
    const statusLine = stripCr(lines[0] as string);
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) throw new HttpParseError("HPE_INVALID_CONSTANT", statusLine.startsWith("HTTP/") ? "malformed status line" : "the server did not answer in HTTP/1.x");
    const status = Number(m[1]);
    let location: string | undefined;
    const lengths: string[] = [];
    let transferEncoding: string | undefined;
    let last: "location" | "length" | "te" | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = stripCr(lines[i] as string);
      if (line === "") continue;
      const first = line.charCodeAt(0);
      if (first === 32 || first === 9) {
        // obs-fold: a continuation of the previous field's value.
        if (i === 1) throw new HttpParseError("HPE_INVALID_HEADER_TOKEN", "malformed header line");
        const more = line.trim();
        if (last === "location" && location !== undefined) location = `${location} ${more}`.trim();
        else if (last === "length") lengths[lengths.length - 1] = `${lengths[lengths.length - 1] ?? ""} ${more}`.trim();
        else if (last === "te") transferEncoding = `${transferEncoding ?? ""} ${more}`.trim();
        continue;
      }
      const colon = line.indexOf(":");
      if (colon <= 0 || !TOKEN_RE.test(line.slice(0, colon))) throw new HttpParseError("HPE_INVALID_HEADER_TOKEN", "malformed header line");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      last = undefined;
      if (name === "location") {
        if (location === undefined) {
          location = value;
          last = "location";
        }
      } else if (name === "content-length") {
        lengths.push(value);
        last = "length";
      } else if (name === "transfer-encoding") {
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        last = "te";
      }
    }
    if (status < 200 && status !== 101) {
      // An interim response (100 Continue, 103 Early Hints): the final one follows.
      return undefined;
    }
    this.status = status;
    this.statusText = m[2] ?? "";
    this.location = location;
    this.wanted = this.wantsBody(status);
    if (!this.wanted) {
      this.state = State.Done;
      return this.response();
    }
    if (this.method === "HEAD" || status === 101 || status === 204 || status === 304) return this.finish();
    if (transferEncoding !== undefined) {
      const codings = transferEncoding.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "");
      this.state = codings[codings.length - 1] === "chunked" ? State.ChunkSize : State.UntilClose;
      return undefined;
    }
    if (lengths.length > 0) {
      const values = lengths.length === 1 && !lengths[0]?.includes(",") ? lengths : lengths.flatMap((l) => l.split(",").map((v) => v.trim()));
      const only = values[0];
      if (only === undefined || values.some((v) => v !== only) || !/^\d{1,15}$/.test(only)) throw new HttpParseError("HPE_INVALID_CONTENT_LENGTH", "invalid or conflicting Content-Length");
      this.remaining = Number(only);
      if (this.remaining === 0) return this.finish();
      this.state = State.Length;
      return undefined;
    }
    this.state = State.UntilClose;
    return undefined;
  }

  /** Adds n bytes of body from data[at..]; true when that reached the cap (the response is then done). */
  private take(data: Buffer, at: number, n: number): boolean {
    if (n === 0) return false;
    const room = this.maxBodyBytes - this.size;
    if (n > room) {
      if (room > 0) this.chunks.push(data.subarray(at, at + room));
      this.size += room;
      this.truncated = true;
      this.state = State.Done;
      return true;
    }
    this.chunks.push(at === 0 && n === data.length ? data : data.subarray(at, at + n));
    this.size += n;
    return false;
  }

  private finish(): Http1Response {
    this.state = State.Done;
    return this.response();
  }

  private response(): Http1Response {
    const r: Http1Response = { status: this.status, statusText: this.statusText, truncated: this.truncated };
    if (this.location !== undefined) r.location = this.location;
    if (this.wanted) r.body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    return r;
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/**
 * Where the head that starts at `start` ends: the index of the line break that ends its last line
 * (the empty line follows it), or -1 when the empty line has not arrived yet. The search begins at
 * `from` (what is before it was searched already).
 */
function headEnd(data: Buffer, start: number, from: number): number {
  let i = data.indexOf(10, Math.max(start, from));
  while (i >= 0) {
    const next = data[i + 1];
    if (next === 10) return i;
    if (next === 13 && data[i + 2] === 10) return i;
    if (next === undefined || (next === 13 && i + 2 >= data.length)) return -1;
    i = data.indexOf(10, i + 1);
  }
  return -1;
}

/** Past the line break (LF or CRLF) at or right after `at`. */
function skipLineEnd(data: Buffer, at: number): number {
  if (data[at] === 13) at++;
  if (data[at] === 10) at++;
  return at;
}

/** A chunk-size line's size: hex digits, then optional extensions after ";". */
function chunkSize(line: string): number {
  const text = stripCr(line);
  const semi = text.indexOf(";");
  const hex = (semi < 0 ? text : text.slice(0, semi)).trim();
  if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new HttpParseError("HPE_INVALID_CHUNK_SIZE", "malformed chunk size");
  return parseInt(hex, 16);
}
