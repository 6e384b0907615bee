import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../../src/import/index.js";
import { suggestProbes } from "../../../src/import/probes.js";

const suggest = (text: string) => suggestProbes(text, text).map((p) => Object.fromEntries(p.fields));

describe("import suggests the stack probes", () => {
  it("a reachable database → postgres (mysql when MySQL is named), Redis → redis, gRPC health → grpc, disk space → disk", () => {
    expect(suggest("Database reachable from the app servers")).toEqual([{ postgres: "${vars.database_url}" }]);
    expect(suggest("App can connect to the database")).toEqual([{ postgres: "${vars.database_url}" }]);
    expect(suggest("MySQL primary is up")).toEqual([{ mysql: "${vars.mysql_url}" }]);
    expect(suggest("Redis cache answers PING")).toEqual([{ redis: "${vars.redis_url}" }]);
    expect(suggest("Redis AOF persistence enabled")).toEqual([]);
    expect(suggest("Optimize database connection pools")).toEqual([]);
    expect(suggest("gRPC health check returns SERVING")).toEqual([{ grpc: "${vars.grpc_endpoint}" }]);
    expect(suggest("Enough free disk space on the data volume")).toEqual([{ disk: "/", min_free: "10%" }]);
    expect(suggest("Database schema reviewed by the DBA")).toEqual([]);
  });

  it("writes the suggestion as a commented postgres probe under the item", () => {
    const r = importMarkdown("# Launch\n- [ ] Database reachable\n", { file: "launch.md" });
    expect(r.yaml).toContain("# probes:  (suggested from line 2 — review, then uncomment)\n");
    expect(r.yaml).toMatch(/#\s+- postgres: \$\{vars\.database_url\}\n/);
    // The target is not in the document: a variable with a TODO, never a made-up address.
    expect(r.yaml).toMatch(/\n {2}database_url: .*# TODO: /);
  });
});
