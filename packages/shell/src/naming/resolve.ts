import { UsageError } from "../errors.js";
import type { Session } from "../session/session.js";
import { resolveGlobalPath } from "./globals.js";
import { resolveModuleVariable } from "./modules.js";

/** How objects can be named, for help texts and errors. */
export const NAMING_HELP = [
  "@12345 or 12345        a V8 object id (0x… for a Perl address)",
  "$1, $2 …               the objects the previous command listed",
  "global.path.to.thing   a property path from the global object ([3], ['a b'])",
  "module:<file>#<var>    a module-level variable, e.g. module:app.mjs#sessions",
];

/** Turns what the user typed into a node index, or a UsageError saying what went wrong. */
export function resolveObject(session: Session, name: string): number {
  const listed = /^\$(\d+)$/.exec(name);
  if (listed) {
    const n = Number(listed[1]);
    const node = session.listed[n - 1];
    if (node === undefined) {
      const count = session.listed.length;
      throw new UsageError(
        count === 0
          ? `${name}: no objects listed yet (largest, find, inrefs … list some)`
          : `${name}: the last listing had ${count} object${count === 1 ? "" : "s"} ($1 … $${count})`,
      );
    }
    return node;
  }
  const id = /^@?(\d+)$/.exec(name) ?? /^(0x[0-9a-f]+)$/i.exec(name);
  if (id) return byId(session, Number(id[1]), name);
  if (/^(global|globalThis)([.[]|$)/.test(name)) return resolveGlobalPath(session.pointGraph, name);
  if (name.startsWith("module:")) return resolveModuleVariable(session.graph, name);
  throw new UsageError(
    `can't name an object by '${name}': use @ID, $N, global.path or module:<file>#<var>`,
  );
}

function byId(session: Session, id: number, typed: string): number {
  const node = session.indexes.nodeIndexOf(id);
  if (node >= 0) return node;
  const near = nearestId(session.graph.nodeId, id);
  const hint = near === undefined ? "" : ` (did you mean @${near}?)`;
  throw new UsageError(`no object with id ${typed.startsWith("@") ? typed : `@${typed}`}${hint}`);
}

/** The id closest to a mistyped one: V8 heap ids are odd, so `@124` most likely meant `@123`/`@125`. */
function nearestId(ids: Float64Array, id: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ids.length; i++) {
    const d = Math.abs(ids[i]! - id);
    if (d < bestDistance) {
      bestDistance = d;
      best = ids[i];
    }
  }
  return bestDistance <= Math.max(10, id * 0.001) ? best : undefined;
}
