import type { DumpDigest } from "../dumps/digest.js";
import type { ClassDelta } from "../report.js";

const ROWS = 20;

/** Two dumps: objects and bytes per constructor, before and after, the biggest growth first. */
export function diffByClass(before: DumpDigest, after: DumpDigest): ClassDelta[] | null {
  if (!before.population || !after.population) return null;
  const names = new Set([...before.population.keys(), ...after.population.keys()]);
  const rows: ClassDelta[] = [];
  for (const key of names) {
    const a = before.population.get(key) ?? { count: 0, bytes: 0 };
    const b = after.population.get(key) ?? { count: 0, bytes: 0 };
    if (b.count <= a.count && b.bytes <= a.bytes) continue;
    rows.push({
      name: displayName(key),
      countBefore: a.count,
      countAfter: b.count,
      bytesBefore: a.bytes,
      bytesAfter: b.bytes,
    });
  }
  const growth = (row: ClassDelta) => row.bytesAfter - row.bytesBefore;
  return rows.sort((x, y) => growth(y) - growth(x)).slice(0, ROWS);
}

/** "closure:onData" reads as "onData()", "object:Session" as "Session", "hidden:x" as "(hidden) x". */
function displayName(key: string): string {
  if (key === "string") return "string";
  const colon = key.indexOf(":");
  const kind = key.slice(0, colon);
  const name = key.slice(colon + 1);
  if (kind === "closure") return `${name || "(anonymous)"}()`;
  if (kind === "object" || kind === "native" || kind === "regexp") return name;
  return `(${kind}) ${name}`.trimEnd();
}
