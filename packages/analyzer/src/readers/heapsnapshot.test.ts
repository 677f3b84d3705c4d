import { describe, expect, it } from "vitest";
import { takeSnapshot } from "../../test/take-snapshot.js";
import { openSnapshot } from "../node/open.js";

describe("readHeapSnapshot", () => {
  it("reads a real V8 snapshot into a consistent graph", async () => {
    const file = takeSnapshot(`
      class Session { constructor(id) { this.id = id; this.payload = "x".repeat(64) + id; } }
      globalThis.sessions = new Map();
      for (let i = 0; i < 500; i++) globalThis.sessions.set(i, new Session(i));
    `);
    const graph = await openSnapshot(file);

    expect(graph.nodeCount).toBeGreaterThan(1000);
    expect(graph.firstEdge[graph.nodeCount]).toBe(graph.edgeCount);
    expect(graph.nodeKinds).toContain("object");
    const sessionName = graph.strings.indexOf("Session");
    const objectKind = graph.nodeKinds.indexOf("object");
    let sessions = 0;
    for (let i = 0; i < graph.nodeCount; i++) {
      if (graph.nodeName[i] === sessionName && graph.nodeKind[i] === objectKind) sessions++;
    }
    expect(sessions).toBe(500);
    for (let e = 0; e < graph.edgeCount; e++)
      expect(graph.edgeTarget[e]).toBeLessThan(graph.nodeCount);
  });
});
