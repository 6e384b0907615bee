import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAny, connectHost } from "../../../src/util/net.js";
import { closedPort, startTcpServer, type Running } from "../../helpers/servers.js";

let server: Running;
let refused: number;

beforeAll(async () => {
  server = await startTcpServer("127.0.0.1");
  refused = await closedPort("127.0.0.1");
});
afterAll(async () => {
  await server.close();
});

describe("connectHost", () => {
  it("connects to an IP literal without a lookup and names the address it dialed", async () => {
    const { socket, address } = await connectHost("127.0.0.1", server.port, new AbortController().signal);
    expect(address).toBe("127.0.0.1");
    expect(socket.remoteAddress).toBe("127.0.0.1");
    socket.destroy();
  });

  it("rejects with the socket's error when the port is closed", async () => {
    await expect(connectHost("127.0.0.1", refused, new AbortController().signal)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("rejects at once, leaving no listener behind, when the signal aborts mid-connect", async () => {
    const controller = new AbortController();
    const pending = connectHost("127.0.0.1", server.port, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "ABORT_ERR" });
  });

  it("rejects an already aborted signal without connecting", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(connectHost("127.0.0.1", server.port, controller.signal)).rejects.toMatchObject({ code: "ABORT_ERR" });
  });

  it("removes its abort listener once connected", async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<typeof add>): void => {
      added++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<typeof remove>): void => {
      removed++;
      remove(...args);
    };
    const { socket } = await connectHost("127.0.0.1", server.port, signal);
    socket.destroy();
    expect(added).toBe(1);
    expect(removed).toBe(1);
  });
});

describe("connectAny", () => {
  it("falls through a refused address to one that accepts, naming the winner", async () => {
    const { socket, address } = await connectAny(
      [
        { address: "127.0.0.2", family: 4 },
        { address: "127.0.0.1", family: 4 },
      ],
      server.port,
      new AbortController().signal,
    );
    expect(address).toBe("127.0.0.1");
    socket.destroy();
  });
});
