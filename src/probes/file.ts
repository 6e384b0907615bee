import type { Probe, ProbeSpecBase } from "../types.js";

/** Spec of a `file` probe. (Stub: replaced by the real implementation.) */
export interface FileSpec extends ProbeSpecBase {
  file: unknown;
}

export const fileProbe: Probe<FileSpec> = {
  type: "file",
  description: "file probe (not implemented yet)",
  schema: { type: "object", required: ["file"], properties: { file: {} } },
  target: (spec) => String(spec.file),
  run: () => Promise.resolve({ result: "fail", message: "the file probe is not implemented yet" }),
};
