import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { openSnapshot } from "../node/open.js";
import { allocationStack } from "./allocation-stack.js";
import type { HeapGraph } from "./heap-graph.js";
import type { HeapIndexes } from "./heap-index.js";
import { histogram } from "./histogram.js";
import { indexHeap } from "./indexes.js";
import { moduleSizes } from "./module-sizes.js";
import { takeTrackedSnapshot } from "./testing/real-snapshots.js";

// Histogram, module sizes and allocation stacks of a real program: two ES modules, one of which
// keeps 100 sessions and a 50-long linked list in module-level variables.
describe("derived views on a real V8 snapshot", () => {
  let graph: HeapGraph;
  let ix: HeapIndexes;
  let cacheUrl: string;
  const nodesOf = (name: string) => {
    const s = graph.strings.indexOf(name);
    const object = graph.nodeKinds.indexOf("object");
    const out: number[] = [];
    for (let i = 0; i < graph.nodeCount; i++)
      if (graph.nodeName[i] === s && graph.nodeKind[i] === object) out.push(i);
    return out;
  };

  beforeAll(async () => {
    const { dir, file } = takeTrackedSnapshot({
      "cache.mjs": [
        "class UserSession { constructor(id) { this.id = id; this.payload = 'p'.repeat(200) + id; } }",
        "class ListNode { constructor(next) { this.next = next; this.data = new Array(8).fill(next ? 1 : 0); } }",
        "const sessions = new Map();",
        "let list = null;",
        "export function remember(id) { sessions.set(id, new UserSession(id)); }",
        "export function grow() { list = new ListNode(list); }",
        "",
      ].join("\n"),
      "main.mjs": [
        'import { grow, remember } from "./cache.mjs";',
        "function makeMany() { for (let i = 0; i < 100; i++) remember(i); }",
        "makeMany();",
        "for (let i = 0; i < 50; i++) grow();",
        "",
      ].join("\n"),
    });
    cacheUrl = pathToFileURL(`${dir}/cache.mjs`).href;
    graph = await openSnapshot(file);
    ix = indexHeap(graph);
  });

  it("groups objects by constructor, and counts nested retention once per class", () => {
    const h = histogram(ix);
    const sessions = nodesOf("UserSession");
    const session = h.className.indexOf("UserSession");
    expect(h.count[session]).toBe(100);
    expect(h.selfSize[session]).toBe(sessions.reduce((sum, n) => sum + graph.nodeSelfSize[n]!, 0));
    expect(h.retainedSize[session]).toBe(sessions.reduce((sum, n) => sum + ix.retainedSize[n]!, 0));

    // Each ListNode dominates the rest of the list: the class retains what its head retains.
    const list = h.className.indexOf("ListNode");
    expect(h.count[list]).toBe(50);
    const head = nodesOf("ListNode").reduce((a, b) =>
      ix.retainedSize[a]! > ix.retainedSize[b]! ? a : b,
    );
    expect(h.retainedSize[list]).toBe(ix.retainedSize[head]);
    expect(h.className).toContain("(closure)");
    expect(h.className).toContain("(string)");
  });

  it("attributes the module's variables and everything they own to the module", () => {
    const m = moduleSizes(ix);
    const entry = m.scriptName.indexOf(cacheUrl);
    expect(entry).toBeGreaterThanOrEqual(0);
    for (const session of nodesOf("UserSession")) expect(m.ownerOf[session]).toBe(entry);
    const [map] = nodesOf("Map").filter((n) => m.ownerOf[n] === entry);
    expect(map).toBeDefined();
    expect(m.retainedSize[entry]).toBeGreaterThan(100 * 200);
    const total = m.retainedSize.reduce((sum, size) => sum + size, m.unattributedSize);
    expect(total).toBe(ix.retainedSize[graph.rootIndex]);
    for (let e = 1; e < m.retainedSize.length; e++)
      expect(m.retainedSize[e - 1]).toBeGreaterThanOrEqual(m.retainedSize[e]!);
  });

  it("gives the allocation stack of an object allocated while tracking", () => {
    const [session] = nodesOf("UserSession");
    const frames = allocationStack(graph, session!);
    expect(frames).not.toBeNull();
    expect(frames![0]).toMatchObject({ functionName: "remember", scriptName: cacheUrl, line: 5 });
    expect(frames!.map((f) => f.functionName)).toContain("makeMany");
  });
});
