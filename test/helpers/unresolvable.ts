/**
 * A host name no resolver can answer, refused by the system resolver itself (a DNS label may be at
 * most 63 characters): the real lookup path runs and fails with "not found", yet no query leaves
 * the machine, so tests stay on loopback.
 */
export const UNRESOLVABLE_HOST = `${"x".repeat(64)}.invalid`;
