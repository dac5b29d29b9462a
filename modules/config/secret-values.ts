/**
 * Whether a plain value looks like a secret, for variables given as plain
 * environment values (application.extraEnvironment): names are checked by
 * SECRET_LOOKING_NAME; this looks at the value itself. It recognizes the
 * shapes credentials come in (cloud and SaaS access keys, tokens, JWTs,
 * private keys, URLs with a password) and long random-looking strings; a
 * secret that looks like an ordinary word cannot be told apart, which is why
 * secrets belong in Secrets Manager in the first place.
 */

/** Known credential shapes, each with what it is (the message names it; the value is never shown). */
const CREDENTIAL_SHAPES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: "an AWS access key ID", pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/ },
  { what: "a GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}\b/ },
  { what: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: "a URL with a password", pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

/** Bits of entropy per character of a string (Shannon, over its own characters). */
export function entropyPerCharacter(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Minimum length of a string judged random-looking. */
export const RANDOM_LOOKING_MIN_LENGTH = 24;
/** Minimum entropy per character of a mixed string judged random-looking (random base64 of 18 bytes or more stays above it). */
export const RANDOM_LOOKING_MIN_ENTROPY = 3.3;
/** Minimum entropy per character of a hexadecimal string of 32 digits or more judged random (random hex stays above it). */
export const RANDOM_HEX_MIN_ENTROPY = 3.0;

/**
 * What a value looks like if it looks like a secret, or undefined. URLs
 * without a password, paths, host names, numbers and words are not secrets.
 */
export function secretShapeOf(value: string): string | undefined {
  const known = CREDENTIAL_SHAPES.find((shape) => shape.pattern.test(value));
  if (known) return known.what;
  const token = value.trim();
  if (/^[0-9a-fA-F]{32,}$/.test(token)) return entropyPerCharacter(token) >= RANDOM_HEX_MIN_ENTROPY ? "a long random-looking string" : undefined;
  const urlPathOrHost = /^[a-z][a-z0-9+.-]*:\/\//i.test(token) || /^(?:\/|\.{1,2}\/|~\/)[a-z0-9._-]*(?:\/[a-z0-9._-]*)*$/.test(token) || /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i.test(token);
  if (token.length < RANDOM_LOOKING_MIN_LENGTH || /\s/.test(token) || urlPathOrHost || /^[\d.]+$/.test(token)) return undefined;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((c) => c.test(token)).length;
  if (classes >= 3 && entropyPerCharacter(token) >= RANDOM_LOOKING_MIN_ENTROPY) return "a long random-looking string";
  return undefined;
}
