import { beforeAll, describe, expect, inject, it } from "vitest";
import { nodeNameOf } from "../src/naming/edges.js";
import { resolveObject } from "../src/naming/resolve.js";
import { Session } from "../src/session/session.js";
import { elementsOf, valuesOf } from "../src/view/contents.js";

const { first } = inject("snapshots");
let session: Session;

beforeAll(async () => {
  session = await Session.open(first, false);
});

describe("naming objects in a real snapshot", () => {
  it("follows global paths, with [n] for elements", () => {
    const list = resolveObject(session, "global.appCache.list");
    expect(nodeNameOf(session.graph, list)).toBe("Array");
    const second = resolveObject(session, "global.appCache.list[1]");
    expect(nodeNameOf(session.graph, second)).toBe("SessionRecord");
    expect(resolveObject(session, "globalThis.appCache['list']")).toBe(list);
  });

  it("finds module-level variables by file name", () => {
    const sessions = resolveObject(session, "module:leaky-app.mjs#sessions");
    expect(nodeNameOf(session.graph, sessions)).toBe("Map");
    const entries = valuesOf(session.graph, sessions);
    expect(entries).toHaveLength(100);
    expect(entries[0]!.key).toBe("'s0'");
    expect(nodeNameOf(session.graph, entries[0]!.node)).toBe("SessionRecord");
  });

  it("takes ids with or without @, and $N from the last listing", () => {
    const node = resolveObject(session, "global.appCache");
    const id = session.graph.nodeId[node]!;
    expect(resolveObject(session, `@${id}`)).toBe(node);
    expect(resolveObject(session, String(id))).toBe(node);
    session.listed = elementsOf(session.graph, resolveObject(session, "global.appCache.list")).map(
      (e) => e.node,
    );
    expect(resolveObject(session, "$2")).toBe(resolveObject(session, "global.appCache.list[1]"));
  });

  it("says what is wrong, with a suggestion", () => {
    const id = session.graph.nodeId[resolveObject(session, "global.appCache")]!;
    expect(() => resolveObject(session, `@${id + 1}`)).toThrow(
      new RegExp(`no object with id @${id + 1} \\(did you mean @\\d+\\?\\)`),
    );
    expect(() => resolveObject(session, "global.appCache.lst")).toThrow(
      "global.appCache.lst: global.appCache has no property 'lst' (did you mean 'list'?)",
    );
    expect(() => resolveObject(session, "module:leaky-app.mjs#sesions")).toThrow(
      /no variable 'sesions' kept in file:.*leaky-app\.mjs \(did you mean 'sessions'\?\)/,
    );
    expect(() => resolveObject(session, "$99")).toThrow("the last listing had 3 objects");
    expect(() => resolveObject(session, "sessions")).toThrow("can't name an object by 'sessions'");
  });
});
