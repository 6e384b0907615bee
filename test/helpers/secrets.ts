/**
 * For tests that a secret never leaves readiness: the forms it could be printed in, how to find a
 * piece of one in output, and a checklist that reads it into every kind of field.
 */

/** The forms readiness could emit a secret in: as it is, URL-encoded (three flavours), JSON-escaped, shell-quoted. */
export function secretForms(secret: string): string[] {
  const strict = encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [secret, encodeURIComponent(secret), encodeURI(secret), strict, JSON.stringify(secret).slice(1, -1), secret.replace(/'/g, `'\\''`)];
}

/** Every piece of `size` characters of `text`. */
export function windows(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= text.length; i++) out.push(text.slice(i, i + size));
  return out;
}

/** The first piece of 8 characters of a form of `secret` that `text` holds (pieces cut inside a surrogate pair aside), if any. */
export function leak(text: string, secret: string): string | undefined {
  for (const form of secretForms(secret)) for (const w of windows(form)) if (!/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(w) && text.includes(w)) return w;
  return undefined;
}

/** `leak`, as a message naming where and showing the text around it (undefined when nothing leaks). */
export function leakMessage(where: string, text: string, secret: string): string | undefined {
  const piece = leak(text, secret);
  if (piece === undefined) return undefined;
  const at = text.indexOf(piece);
  return `${where} holds ${JSON.stringify(piece)} of the secret: …${text.slice(Math.max(0, at - 80), at + 80)}…`;
}

const q = (s: string): string => JSON.stringify(s);

/**
 * A checklist that reads `${env.<name>}` into every kind of text field (the checklist's name and
 * owner, a var, gate and sign-off roles, sign-offs, a section's title and owner, an item's title,
 * owner, description, attestation, evidence, note, why/fix/docs, a waiver, an n/a reason), then
 * the items given (indented as items of the one section, ids other than claimed, waived and na).
 */
export function secretChecklist(name: string, items = ""): string {
  const v = `\${env.${name}}`;
  return `version: 1
name: ${q(`svc ${v}`)}
owner: ${q(v)}
vars:
  token: ${q(v)}
gate:
  signoffs: [${q(`Lead ${v}`)}]
signoffs:
  - { role: ${q(`Lead ${v}`)}, by: ${q(v)}, at: 2026-11-20 }
sections:
  - title: ${q(`Section ${v}`)}
    owner: ${q(v)}
    items:
      - id: claimed
        title: ${q(`Claimed ${v}`)}
        severity: critical
        owner: ${q(v)}
        description: ${q(v)}
        status: done
        attested_by: ${q(v)}
        attested_at: 2026-11-01
        evidence: ${q(v)}
        note: ${q("${vars.token}")}
        why: ${q(v)}
        fix: ${q(v)}
        docs: ${q(v)}
      - id: waived
        title: Waived
        waiver: { reason: ${q(v)}, until: 2099-12-31, by: ${q(v)} }
        probes: [{ tcp: "127.0.0.1:9" }]
      - id: na
        title: Not applicable
        status: n/a
        reason: ${q(v)}
${items}`;
}
