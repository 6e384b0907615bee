import { kubernetes } from "./kubernetes.js";
import { library } from "./library.js";
import { webService } from "./web-service.js";
import { worker } from "./worker.js";

/** A starter checklist `readiness init --template NAME` writes. */
export interface Template {
  description: string;
  text: string;
}

/** Every starter template, by name. */
export const templates: Record<string, Template> = {
  "web-service": { description: "HTTP service: health and readiness endpoints, observability, delivery, security, operations", text: webService },
  worker: { description: "background worker or queue consumer: liveness, dependencies (a matrix), backlog, idempotency, shutdown", text: worker },
  library: { description: "published library or SDK: tests and coverage, changelog and semver, docs, license, supply chain", text: library },
  kubernetes: { description: "service on Kubernetes: manifest checks (probes, resources, replicas, security) and live rollout health", text: kubernetes },
};

export const DEFAULT_TEMPLATE = "web-service";
