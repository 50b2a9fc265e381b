const whole = /^\{\{\s*params\.(\w+)\s*\}\}$/;
const inner = /\{\{\s*params\.(\w+)\s*\}\}/g;

/** Replaces "{{params.x}}" in a world value: a whole-string placeholder takes the parameter's JSON value. */
export function fillTemplate(value: unknown, params: Record<string, unknown>): unknown {
  if (typeof value === "string") {
    const m = whole.exec(value);
    if (m) return params[m[1]] ?? null;
    return value.replace(inner, (_, k: string) => {
      const v = params[k];
      return typeof v === "string" ? v : JSON.stringify(v ?? null);
    });
  }
  if (Array.isArray(value)) return value.map((v) => fillTemplate(v, params));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, params)]));
  return value;
}
