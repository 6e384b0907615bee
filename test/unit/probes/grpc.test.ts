import { Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcProbe } from "../../../src/probes/grpc.js";
import { makeContext } from "../../helpers/context.js";
import { closedPort, startTcpServer } from "../../helpers/servers.js";
import { createPki, type Pki } from "../../helpers/tls.js";

/** A real grpc-js server on 127.0.0.1 serving the standard health service. */
async function startHealthServer(credentials = ServerCredentials.createInsecure()): Promise<{ port: number; health: HealthImplementation; server: Server }> {
  const server = new Server();
  const health = new HealthImplementation({ "": "SERVING", "payments.v1.Payments": "SERVING", "search.v1.Search": "NOT_SERVING" });
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", credentials, (err, p) => (err ? reject(err) : resolve(p))));
  return { port, health, server };
}

let plain: Awaited<ReturnType<typeof startHealthServer>>;
beforeAll(async () => {
  plain = await startHealthServer();
});
afterAll(() => plain.server.forceShutdown());

describe("grpc probe", () => {
  it("passes when the server's health is SERVING, and a named service's too", async () => {
    const out = await grpcProbe.run({ grpc: `127.0.0.1:${plain.port}` }, makeContext());
    expect(out).toMatchObject({ result: "pass", observed: { status: "SERVING" } });
    expect(out.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${plain.port}: SERVING in `));
    expect(await grpcProbe.run({ grpc: `localhost:${plain.port}`, service_name: "payments.v1.Payments" }, makeContext())).toMatchObject({ result: "pass" });
  });

  it("fails on NOT_SERVING and on a service the health service does not know", async () => {
    const down = await grpcProbe.run({ grpc: `127.0.0.1:${plain.port}`, service_name: "search.v1.Search" }, makeContext());
    expect(down).toMatchObject({ result: "fail", message: `127.0.0.1:${plain.port} search.v1.Search: health status NOT_SERVING, expected SERVING` });
    const unknown = await grpcProbe.run({ grpc: `127.0.0.1:${plain.port}`, service_name: "nope.v1.Nope" }, makeContext());
    expect(unknown.result).toBe("fail");
    expect(unknown.message).toContain("service unknown to the health service (NOT_FOUND)");
  });

  it("follows a status change", async () => {
    plain.health.setStatus("payments.v1.Payments", "NOT_SERVING");
    try {
      expect(await grpcProbe.run({ grpc: `127.0.0.1:${plain.port}`, service_name: "payments.v1.Payments" }, makeContext())).toMatchObject({ result: "fail" });
    } finally {
      plain.health.setStatus("payments.v1.Payments", "SERVING");
    }
  });

  it("fails on a server without the health service", async () => {
    const server = new Server();
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    try {
      const out = await grpcProbe.run({ grpc: `127.0.0.1:${port}` }, makeContext());
      expect(out).toMatchObject({ result: "fail", message: expect.stringContaining("does not implement grpc.health.v1.Health (UNIMPLEMENTED)") as string });
    } finally {
      server.forceShutdown();
    }
  });

  it("fails on a refused port and at the timeout on a silent server", async () => {
    const port = await closedPort();
    const refused = await grpcProbe.run({ grpc: `127.0.0.1:${port}` }, makeContext({ timeoutMs: 2000 }));
    expect(refused.result).toBe("fail");
    expect(refused).toMatchObject({ result: "fail", message: `127.0.0.1:${port}: connection refused` });
    const silent = await startTcpServer("127.0.0.1");
    try {
      const out = await grpcProbe.run({ grpc: `127.0.0.1:${silent.port}` }, makeContext({ timeoutMs: 300 }));
      expect(out).toMatchObject({ result: "fail", message: `127.0.0.1:${silent.port}: timed out after 300ms` });
    } finally {
      await silent.close();
    }
  });

  describe("over TLS", () => {
    let pki: Pki;
    let tls: Awaited<ReturnType<typeof startHealthServer>>;
    let caFile: string;
    beforeAll(async () => {
      pki = createPki();
      const ca = pki.createCa("gRPC Test Root");
      caFile = ca.certFile;
      const pair = ca.issue({ cn: "localhost", san: "DNS:localhost,IP:127.0.0.1" });
      tls = await startHealthServer(ServerCredentials.createSsl(null, [{ private_key: Buffer.from(pair.key), cert_chain: Buffer.from(pair.cert) }]));
    });
    afterAll(() => {
      tls.server.forceShutdown();
      pki.cleanup();
    });

    it("verifies the server against ca, and refuses it without", async () => {
      const ok = await grpcProbe.run({ grpc: `localhost:${tls.port}`, ca: caFile }, makeContext());
      expect(ok).toMatchObject({ result: "pass", message: expect.stringMatching(/SERVING in .* \(TLS\)$/) as string });
      const untrusted = await grpcProbe.run({ grpc: `localhost:${tls.port}`, tls: true }, makeContext({ timeoutMs: 2000 }));
      expect(untrusted.result).toBe("fail");
      expect(await grpcProbe.run({ grpc: `localhost:${tls.port}`, tls: true, insecure: true }, makeContext())).toMatchObject({ result: "pass" });
    });
  });
});
