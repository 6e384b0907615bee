/**
 * tinyglobby (with fdir), loaded by the first probe that looks for files: validating a checklist,
 * and every other probe, never needs it (about 1 ms of each start-up otherwise).
 */
type Tinyglobby = typeof import("tinyglobby");

let lib: Promise<Tinyglobby> | undefined;

export function globLib(): Promise<Tinyglobby> {
  return (lib ??= import("tinyglobby"));
}
