import { webService } from "./web-service.js";

/** A starter checklist `readiness init --template NAME` writes. */
export interface Template {
  description: string;
  text: string;
}

/** Every starter template, by name. */
export const templates: Record<string, Template> = {
  "web-service": { description: "HTTP service: health endpoints, tests, delivery, operations", text: webService },
};

export const DEFAULT_TEMPLATE = "web-service";
