// Text from a PE server (or built from its answers) is untrusted: it may echo the token, and it may carry
// terminal control sequences (a node that names itself "\x1b]0;pwned\x07" retitles the operator's terminal).
// Everything that reaches a person goes through `terminalText`; everything that may reach state goes through
// `scrubSecrets`. The tokens to scrub are remembered here as they are read, wherever they came from.

/** Shown in place of a credential. */
export const SECRET_MARKER = "[token]";
/** A text that still held a credential after scrubbing (the marker made a new one) is withheld whole. */
const WITHHELD = "[text withheld: it contained a credential]";
/** Shorter values are not scrubbed: they would eat ordinary words (no PE token is this short). */
const MIN_SECRET_LENGTH = 8;
/** A line longer than this is cut, with a marker saying how much was left out. */
export const MAX_LINE_CHARS = 2_000;
/** A whole message longer than this is cut the same way (many lines). */
export const MAX_TEXT_CHARS = 20_000;

const secrets = new Set<string>();

/** Remembers a credential this process holds, so that no text it prints or records carries it. */
export function rememberSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Forgets a credential (tests that remember many at random must not leave them to later tests). */
export function forgetSecret(value: string): void {
  secrets.delete(value);
}

/** Every remembered credential in `text` replaced by {@link SECRET_MARKER}. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const secret of secrets) {
      if (out.includes(secret)) {
        out = out.split(secret).join(SECRET_MARKER);
        changed = true;
      }
    }
    if (!changed) return out;
  }
  // replacing made a credential again (a token that overlaps the marker): show nothing of it
  for (const secret of secrets) if (out.includes(secret)) return WITHHELD;
  return out;
}

/**
 * `value` with every string in it (keys too) scrubbed of remembered credentials: for data that is kept, such as
 * outputs recorded in state or an error's details. Everything else is kept exactly.
 */
export function scrubSecretsDeep<T>(value: T): T {
  if (secrets.size === 0) return value;
  if (typeof value === "string") return scrubSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubSecretsDeep(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[scrubSecrets(key)] = scrubSecretsDeep(item);
    return out as T;
  }
  return value;
}

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what a
// terminal shows (U+202A-U+202E, U+2066-U+2069)
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters shown escaped (`\x1b`, `\u202e`): printable, and visibly not what the server sent. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}

/** `text` cut to `max` characters, saying how many were left out (never splitting a surrogate pair). */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… [${text.length - end} more characters]`;
}

/**
 * Text safe to show a person: control characters escaped, then remembered credentials scrubbed, then long lines
 * and a long whole cut with a marker (cut last, so no part of a credential is left at a cut).
 */
export function terminalText(text: string): string {
  const scrubbed = scrubSecrets(escapeControls(text));
  const lines = scrubbed.split("\n").map((line) => cutText(line, MAX_LINE_CHARS));
  return cutText(lines.join("\n"), MAX_TEXT_CHARS);
}
