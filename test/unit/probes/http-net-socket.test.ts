/**
 * The http probe's whole suite once more with READINESS_NET_SOCKET=1: plain requests to IP addresses
 * through a net.Socket, as on Node versions where Node's TCP handle is not used
 * (src/util/tcp-handle.ts). Every case must come out the same either way.
 */
import { afterAll } from "vitest";

const before = process.env.READINESS_NET_SOCKET;
process.env.READINESS_NET_SOCKET = "1";
afterAll(() => {
  if (before === undefined) delete process.env.READINESS_NET_SOCKET;
  else process.env.READINESS_NET_SOCKET = before;
});

await import("./http.test.js");
