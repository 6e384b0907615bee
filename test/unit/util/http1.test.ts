/**
 * The HTTP/1.1 response reader and request writer the http probe speaks through (src/util/http1.ts).
 * Every response is also fed split at every byte, and byte by byte, and must read the same; the
 * http probe's own tests run it against real servers.
 */
import { describe, expect, it } from "vitest";
import { Http1ResponseReader, HttpParseError, MAX_HEAD_BYTES, serializeRequest, type Http1Response } from "../../../src/util/http1.js";
import { describeNetError } from "../../../src/util/net.js";

const CAP = 1024;
const always = (): boolean => true;

/** Feeds `chunks` in order, then the end of the connection if nothing was returned yet. */
function read(chunks: (string | Buffer)[], o: { method?: string; wants?: (s: number) => boolean; cap?: number; end?: boolean } = {}): Http1Response {
  const r = new Http1ResponseReader(o.method ?? "GET", o.wants ?? always, o.cap ?? CAP);
  for (const c of chunks) {
    const done = r.push(typeof c === "string" ? Buffer.from(c, "latin1") : c);
    if (done) return done;
  }
  if (o.end === false) throw new Error("incomplete");
  return r.end();
}

/** Reads `text` whole, split in two at every position, and a byte at a time: all must agree. */
function readEveryWay(text: string, o: Parameters<typeof read>[1] = {}): Http1Response {
  const whole = read([text], o);
  for (let i = 1; i < text.length; i++) expect(read([text.slice(0, i), text.slice(i)], o), `split at ${i}`).toEqual(whole);
  expect(read([...text], o), "byte by byte").toEqual(whole);
  return whole;
}

const body = (r: Http1Response): string | undefined => r.body?.toString("latin1");
const error = (f: () => unknown): { code?: string; message: string } => {
  try {
    f();
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  throw new Error("no error");
};

describe("reading a response", () => {
  it("reads a Content-Length body, and only that much", () => {
    const r = readEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello and more", { end: false });
    expect(r).toMatchObject({ status: 200, statusText: "OK", truncated: false });
    expect(body(r)).toBe("hello");
  });

  it("reads a chunked body with extensions and trailers", () => {
    const text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\nA \r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";
    const r = readEveryWay(text, { end: false });
    expect(body(r)).toBe("hello, world0123456789");
  });

  it("prefers Transfer-Encoding over Content-Length, and reads a body that runs to the close", () => {
    expect(body(readEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", { end: false }))).toBe("abc");
    expect(body(readEveryWay("HTTP/1.0 200 OK\r\n\r\nuntil the end"))).toBe("until the end");
    expect(body(readEveryWay("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw bytes"))).toBe("raw bytes");
  });

  it("skips interim 1xx responses, and reads no body after HEAD, 204 or 304", () => {
    const r = readEveryWay("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", { end: false });
    expect(r).toMatchObject({ status: 201, statusText: "Created" });
    expect(body(r)).toBe("ok");
    for (const [text, method] of [
      ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD"],
      ["HTTP/1.1 204 No Content\r\n\r\n", "GET"],
      ["HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", "GET"],
    ] as const) {
      expect(body(readEveryWay(text, { method, end: false })), text).toBe("");
    }
  });

  it("takes LF line ends, no reason phrase, folded lines and the first Location", () => {
    const r = readEveryWay("HTTP/1.1 302\nLocation: /first\n  /folded\nlocation: /second\nContent-Length: 0\n\n", { end: false });
    expect(r).toEqual({ status: 302, statusText: "", location: "/first /folded", body: Buffer.alloc(0), truncated: false });
  });

  it("returns at the head when the body is not wanted", () => {
    const r = read(["HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 1000\r\n\r\npartial"], { wants: () => false, end: false });
    expect(r).toEqual({ status: 301, statusText: "Moved", location: "/x", truncated: false });
  });

  it("stops at the cap, whatever the framing, and says the body was cut", () => {
    const big = "x".repeat(3000);
    for (const text of [
      `HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n${big}`,
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nBB8\r\n${big}\r\n0\r\n\r\n`,
      `HTTP/1.1 200 OK\r\n\r\n${big}`,
    ]) {
      const r = read([text], { end: false });
      expect(r.truncated, text.slice(0, 40)).toBe(true);
      expect(r.body?.length).toBe(CAP);
    }
    // Exactly at the cap is not cut.
    expect(read([`HTTP/1.1 200 OK\r\nContent-Length: ${CAP}\r\n\r\n${"y".repeat(CAP)}`], { end: false }).truncated).toBe(false);
  });
});

describe("a connection that ends early", () => {
  it("before or during the head: the server closed without a response", () => {
    for (const chunks of [[], ["HTTP/1.1 200 OK\r\nContent-Le"]]) {
      const e = error(() => read(chunks));
      expect(e).toEqual({ code: "ECONNRESET", message: "socket hang up" });
      expect(describeNetError(Object.assign(new Error(e.message), e))).toBe("server closed the connection without a response");
    }
  });

  it("during a framed body: closed while reading the body", () => {
    for (const text of ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"]) {
      expect(error(() => read([text])).message).toBe("connection closed while reading the body");
    }
    // After the last chunk, missing trailers' end is forgiven.
    expect(body(read(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n"]))).toBe("ab");
  });
});

describe("a malformed response", () => {
  const cases: [string, string, string][] = [
    ["SSH-2.0-OpenSSH_9.6\r\n\r\n", "HPE_INVALID_CONSTANT", "the server did not answer in HTTP/1.x"],
    ["HTTP/1.1 2000 OK\r\n\r\n", "HPE_INVALID_CONSTANT", "malformed status line"],
    ["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HPE_INVALID_HEADER_TOKEN", "malformed header line"],
    ["HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "HPE_INVALID_HEADER_TOKEN", "malformed header line"],
    ["HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "HPE_INVALID_CONTENT_LENGTH", "invalid or conflicting Content-Length"],
    ["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HPE_INVALID_CONTENT_LENGTH", "invalid or conflicting Content-Length"],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HPE_INVALID_CHUNK_SIZE", "malformed chunk size"],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", "HPE_STRICT", "no line break after a chunk's data"],
  ];
  for (const [text, code, message] of cases) {
    it(`${message}: ${JSON.stringify(text.slice(0, 30))}`, () => {
      const e = error(() => read([text], { end: false }));
      expect(e).toEqual({ code, message });
      expect(describeNetError(Object.assign(new HttpParseError(code, message)))).toBe(`invalid HTTP response (${message})`);
    });
  }

  it("refuses a head or a chunk-size line without end before it fills memory", () => {
    const r = new Http1ResponseReader("GET", always, CAP);
    const line = Buffer.from(`X-Pad: ${"p".repeat(1000)}\r\n`);
    expect(r.push(Buffer.from("HTTP/1.1 200 OK\r\n"))).toBeUndefined();
    let thrown: unknown;
    try {
      for (let i = 0; i < MAX_HEAD_BYTES / line.length + 2; i++) r.push(line);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: "HPE_HEADER_OVERFLOW", message: "response head larger than 64 KiB" });
    const chunked = error(() => read(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "1".repeat(5000)], { end: false }));
    expect(chunked).toEqual({ code: "HPE_INVALID_CHUNK_SIZE", message: "chunk size line too long" });
  });
});

describe("writing a request", () => {
  it("writes the request line, the headers as given and the body, in one buffer", () => {
    const bytes = serializeRequest("POST", "/a?b=1", { host: "h:1", "x-id": "caf\u00e9" }, Buffer.from("{}"));
    expect(bytes.toString("latin1")).toBe("POST /a?b=1 HTTP/1.1\r\nhost: h:1\r\nx-id: caf\u00e9\r\n\r\n{}");
  });

  it("says Content-Length: 0 for a body-less POST, as node:http does, and nothing for GET", () => {
    expect(serializeRequest("POST", "/", { host: "h" }).toString()).toBe("POST / HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n");
    expect(serializeRequest("GET", "/", { host: "h" }).toString()).toBe("GET / HTTP/1.1\r\nhost: h\r\n\r\n");
  });

  it("refuses what cannot be sent, without echoing a header's value", () => {
    expect(() => serializeRequest("GE T", "/", {})).toThrow('invalid HTTP method "GE T"');
    expect(() => serializeRequest("GET", "/a b", {})).toThrow("the request path has a character that cannot be sent");
    expect(() => serializeRequest("GET", "/", { "x y": "1" })).toThrow('invalid header name "x y"');
    for (const value of ["secret\r\nInjected: 1", "a\u0000b", "\u20ac"]) {
      const e = error(() => serializeRequest("GET", "/", { authorization: value }));
      expect(e.message).toMatch(/^header authorization has a character that cannot be sent/);
      expect(e.message).not.toContain(value);
    }
  });
});
