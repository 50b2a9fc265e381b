/**
 * Secrets on the plugin's wire. The SDK's provider server tells the engine it accepts secrets, so a secret input
 * arrives wrapped (`{[SIG_KEY]: SECRET_SIG, value}`) and an output wrapped the same way is stored encrypted. The
 * operations work on plain values: the plugin reveals inputs on the way in and wraps outputs on the way out.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): unknown {
  return isSecret(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

/** `value` with every secret inside it unwrapped, and whether there was one. */
export function reveal(value: unknown): { value: unknown; secret: boolean } {
  if (isSecret(value)) return { value: reveal(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(reveal);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [key, reveal(item)] as const);
    return {
      value: Object.fromEntries(entries.map(([key, item]) => [key, item.value])),
      secret: entries.some(([, item]) => item.secret),
    };
  }
  return { value, secret: false };
}

/** A property bag revealed, with the names of its top-level properties that held a secret. */
export function revealProps(props: Props): { props: Props; secretKeys: Set<string> } {
  const secretKeys = new Set<string>();
  const plain: Props = {};
  for (const [key, value] of Object.entries(props ?? {})) {
    const revealed = reveal(value);
    plain[key] = revealed.value;
    if (revealed.secret) secretKeys.add(key);
  }
  return { props: plain, secretKeys };
}

/**
 * The keys of an object that hold a secret: every key when the object itself is one. The names of a scheduled
 * job's secret params, which PE stores as sensitive.
 */
export function secretKeysOf(value: unknown): string[] {
  const revealed = reveal(value);
  const object = revealed.value;
  if (typeof object !== "object" || object === null || Array.isArray(object)) return [];
  if (isSecret(value)) return Object.keys(object);
  return Object.entries(value as Props)
    .filter(([, item]) => reveal(item).secret)
    .map(([key]) => key);
}
