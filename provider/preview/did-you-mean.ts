/**
 * Edit distance with adjacent transpositions (optimal string alignment): "canry" → "canary" is 1, "cnaary" →
 * "canary" is 1. Case-insensitive: Puppet names are lowercase, a capital is a typo like any other.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) rows[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[s.length][t.length];
}

/** The last segment of a Puppet name (`mymodule::deploy` → `deploy`). */
const leaf = (name: string) => name.slice(name.lastIndexOf(":") + 1);

/**
 * The existing names closest to `name`, best first, at most `limit`: within a third of the name's length in
 * edits (at least 1, at most 3), or the same last segment in another module (`deploy` → `mymodule::deploy`).
 * Nothing close: an empty list, never a guess.
 */
export function closestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  const scored: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const distance = Math.min(
      editDistance(name, candidate),
      // a module prefix added or dropped counts as one edit
      leaf(candidate) === leaf(name) || leaf(candidate) === name || candidate === leaf(name) ? 1 : Infinity,
    );
    if (distance <= threshold) scored.push({ candidate, distance });
  }
  return scored
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** ` (did you mean canary?)`, ` (did you mean a or b?)`, or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const names = closestNames(name, candidates);
  if (names.length === 0) return "";
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
