/**
 * Plain TCP connections on Node's own TCP handle, the one every `net.Socket` wraps, for the http
 * probe's plain `http://` requests to an IP address. And `Wire`, the little the http probe needs of
 * a connection, over either that handle or a `net.Socket` (TLS, host names, and wherever the handle
 * is not used).
 *
 * Why: a `net.Socket` is a stream, and making one, connecting it, reading from it and destroying
 * it runs some hundred JavaScript calls of Node's stream machinery around the few system calls. A
 * probe's requests come in waves (every slot of `--concurrency` frees as its response arrives), so
 * that work adds up between a response and the next request on the same slot. 200 requests at
 * concurrency 50 to a server that answers in 100 ms took 462 ms through `net.Socket` (the least a
 * client can do with one: write the request, ignore the answer) against 428 ms on the handle, the
 * same as a C client on epoll (425 ms), and a whole 200-probe audit went from 1.21× to 1.15× of its
 * ideal (README, "Benchmarks").
 *
 * How it stays safe: the handle comes from `process.binding`, which Node documents as deprecated
 * (DEP0111, a warning only under `--pending-deprecation`, silenced here while it is asked) and which
 * the permission model refuses. It is used only on the Node major version it was tested on (20), only
 * when every piece it needs has the expected shape, and never when `READINESS_NET_SOCKET=1` is set;
 * otherwise the http probe connects with `net.Socket` as before (the tests run it both ways). Every
 * call on a handle is guarded by its state, so nothing is asked of a closed one.
 */
import type { Socket } from "node:net";
import { getSystemErrorName } from "node:util";
import type { AbortHook } from "../types.js";
import { abortError, whenAborted } from "./net.js";

/** What hears a connection: its bytes, its end (the peer closed), and an error. */
export interface WireHandlers {
  data(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

/** A connected connection, as the http probe uses it. */
export interface Wire {
  /** Sends bytes; a failure arrives at the handlers' `error`. */
  write(data: Buffer): void;
  /** Starts delivering to `handlers`. */
  listen(handlers: WireHandlers): void;
  /** Stops delivering (an error that arrives after is ignored, never thrown). */
  unlisten(): void;
  /** Closes the connection; idempotent. */
  destroy(): void;
}

/** A `net.Socket` (or TLS socket) as a Wire. */
export function socketWire(socket: Socket): Wire {
  let handlers: WireHandlers | undefined;
  const onData = (chunk: Buffer): void => handlers?.data(chunk);
  const onEnd = (): void => handlers?.end();
  const onError = (e: Error): void => handlers?.error(e);
  return {
    write: (data) => void socket.write(data),
    listen(h) {
      handlers = h;
      socket.on("data", onData);
      socket.on("end", onEnd);
      socket.on("close", onEnd);
      // Stays after unlisten: an error after the response (a reset while closing) is heard, not thrown.
      socket.on("error", onError);
    },
    unlisten() {
      handlers = undefined;
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
      socket.removeListener("close", onEnd);
    },
    destroy: () => void socket.destroy(),
  };
}

/** Node's TCP handle (`tcp_wrap`'s TCP), as far as it is used here. */
interface TcpHandle {
  connect(req: object, address: string, port: number): number;
  connect6(req: object, address: string, port: number): number;
  writeBuffer(req: object, data: Buffer): number;
  readStart(): number;
  close(): void;
  /** Set only to a function: Node asserts it, aborting the process otherwise. */
  onread: (buffer: ArrayBuffer) => void;
}

interface Bindings {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => { oncomplete?: (status: number) => void; address?: string; port?: number };
  WriteWrap: new () => { handle?: TcpHandle; oncomplete?: (status: number) => void; async?: boolean; buffer?: Buffer };
  SOCKET: number;
  /** Where Node leaves each read's length (or error) and the data's offset in the ArrayBuffer. */
  state: Int32Array;
  kReadBytesOrError: number;
  kArrayBufferOffset: number;
  UV_EOF: number;
}

/** The Node major version the handle path was written and tested against. */
const TESTED_NODE_MAJOR = 20;

let bindings: Bindings | null | undefined;

function loadBindings(): Bindings | null {
  if (Number(process.versions.node.split(".")[0]) !== TESTED_NODE_MAJOR) return null;
  const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== "function") return null;
  const quiet = Object.getOwnPropertyDescriptor(process, "noDeprecation");
  try {
    // DEP0111 is documentation-only; under --pending-deprecation asking would print a warning.
    process.noDeprecation = true;
    const tcp = binding.call(process, "tcp_wrap") as Record<string, unknown>;
    const stream = binding.call(process, "stream_wrap") as Record<string, unknown>;
    const uv = binding.call(process, "uv") as Record<string, unknown>;
    const constants = tcp.constants as Record<string, unknown> | undefined;
    const b = {
      TCP: tcp.TCP,
      TCPConnectWrap: tcp.TCPConnectWrap,
      WriteWrap: stream.WriteWrap,
      SOCKET: constants?.SOCKET,
      state: stream.streamBaseState,
      kReadBytesOrError: stream.kReadBytesOrError,
      kArrayBufferOffset: stream.kArrayBufferOffset,
      UV_EOF: uv.UV_EOF,
    };
    const fine =
      typeof b.TCP === "function" &&
      typeof b.TCPConnectWrap === "function" &&
      typeof b.WriteWrap === "function" &&
      Number.isInteger(b.SOCKET) &&
      b.state instanceof Int32Array &&
      Number.isInteger(b.kReadBytesOrError) &&
      Number.isInteger(b.kArrayBufferOffset) &&
      typeof b.UV_EOF === "number" &&
      b.UV_EOF < 0 &&
      ["connect", "connect6", "writeBuffer", "readStart", "close"].every((m) => typeof (b.TCP as { prototype: Record<string, unknown> }).prototype[m] === "function");
    return fine ? (b as unknown as Bindings) : null;
  } catch {
    // The permission model refuses process.binding; a later Node may not have it.
    return null;
  } finally {
    if (quiet) Object.defineProperty(process, "noDeprecation", quiet);
    else delete (process as { noDeprecation?: boolean }).noDeprecation;
  }
}

/** Whether plain connections use Node's TCP handle (see the module's comment). */
export function tcpHandles(): boolean {
  if (process.env.READINESS_NET_SOCKET === "1") return false;
  if (bindings === undefined) bindings = loadBindings();
  return bindings !== null;
}

/** An errno from libuv as Node's socket errors have it: `code` and `connect ECONNREFUSED 127.0.0.1:80`. */
function errnoError(status: number, syscall: string, address?: string, port?: number): Error {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `E${-status}`;
  }
  const err = new Error(`${syscall} ${code}${address === undefined ? "" : ` ${address}:${port}`}`) as Error & { code?: string; errno?: number; syscall?: string };
  err.code = code;
  err.errno = status;
  err.syscall = syscall;
  return err;
}

/** A connected TCP handle as a Wire. */
class HandleWire implements Wire {
  private handlers: WireHandlers | undefined;
  private closed = false;

  constructor(
    private readonly b: Bindings,
    private readonly handle: TcpHandle,
  ) {}

  write(data: Buffer): void {
    if (this.closed) return;
    const req = new this.b.WriteWrap();
    req.handle = this.handle;
    // Kept by the request while the kernel takes it.
    req.buffer = data;
    req.async = false;
    req.oncomplete = (status) => {
      if (status < 0) this.handlers?.error(errnoError(status, "write"));
    };
    const status = this.handle.writeBuffer(req, data);
    if (status < 0) this.handlers?.error(errnoError(status, "write"));
  }

  listen(handlers: WireHandlers): void {
    if (this.closed) return;
    this.handlers = handlers;
    const { state, kReadBytesOrError, kArrayBufferOffset, UV_EOF } = this.b;
    this.handle.onread = (buffer) => {
      const n = state[kReadBytesOrError] as number;
      if (this.closed) return;
      if (n > 0) this.handlers?.data(Buffer.from(buffer, state[kArrayBufferOffset], n));
      else if (n === UV_EOF) this.handlers?.end();
      else if (n < 0) this.handlers?.error(errnoError(n, "read"));
    };
    const status = this.handle.readStart();
    if (status < 0) this.handlers.error(errnoError(status, "read"));
  }

  unlisten(): void {
    this.handlers = undefined;
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers = undefined;
    // Not `onread = null`: Node's setter asserts a function and aborts the process on anything else.
    // A closed handle reads nothing more, and onread checks `closed` anyway.
    this.handle.close();
  }
}

const ABORTED = Symbol("aborted");

/**
 * Connects to `address` (an IP address of `family`) on Node's TCP handle; the Wire is connected when
 * this resolves. Call only when `tcpHandles()` is true. An abort (through `onAbort` when given, else
 * the signal) closes the handle and rejects as `connectHost` does.
 */
export function connectHandle(address: string, family: 4 | 6, port: number, signal: AbortSignal, onAbort?: AbortHook): Promise<Wire> {
  const b = bindings;
  if (!b) return Promise.reject(new Error("TCP handles are not in use (tcpHandles() is false)"));
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<Wire>((resolve, reject) => {
    const handle = new b.TCP(b.SOCKET);
    const wire = new HandleWire(b, handle);
    let done = false;
    const settle = (status: number | typeof ABORTED): void => {
      if (done) return;
      done = true;
      stopListening();
      if (status === 0) return resolve(wire);
      // Closing a handle whose connect is pending cancels it; the cancelled completion finds us done.
      wire.destroy();
      reject(status === ABORTED ? abortError(signal) : errnoError(status, "connect", address, port));
    };
    const stopListening = whenAborted(signal, onAbort, () => settle(ABORTED));
    const req = new b.TCPConnectWrap();
    req.oncomplete = (status) => settle(status);
    req.address = address;
    req.port = port;
    const status = family === 6 ? handle.connect6(req, address, port) : handle.connect(req, address, port);
    if (status < 0) settle(status);
  });
}
