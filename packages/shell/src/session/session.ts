import { resolve } from "node:path";
import { type HeapGraph, type HeapIndexes, indexHeap } from "@heapmat/analyzer";
import { loadSnapshot } from "./load.js";

/** How many recent ids tab completion offers. */
const RECENT_IDS = 50;

/**
 * One loaded snapshot and what the user has seen of it: the graph, its indexes (built on first
 * use), the objects the last command listed ($1, $2 …) and recent ids for completion.
 */
export class Session {
  #indexes?: HeapIndexes;
  #others = new Map<string, Promise<Session>>();
  /** Node indexes listed by the last command that listed objects. */
  listed: readonly number[] = [];
  /** Object ids the user has seen lately, most recent first. */
  readonly recentIds: number[] = [];

  constructor(
    readonly file: string,
    readonly graph: HeapGraph,
    private readonly progress = true,
  ) {}

  static async open(file: string, progress = true): Promise<Session> {
    return new Session(file, await loadSnapshot(file, progress), progress);
  }

  /** Inrefs, distances, dominators, retained sizes: computed lazily, each once. */
  get indexes(): HeapIndexes {
    this.#indexes ??= indexHeap(this.graph);
    return this.#indexes;
  }

  /** Another snapshot (for diff and count --diff), loaded once per path. */
  other(file: string): Promise<Session> {
    const key = resolve(file);
    let session = this.#others.get(key);
    if (!session) {
      session = Session.open(file, this.progress);
      // A failed load is not cached: the user may fix the path and retry.
      session.catch(() => this.#others.delete(key));
      this.#others.set(key, session);
    }
    return session;
  }

  /** Notes that the user has seen these nodes, for completion of recent ids. */
  remember(nodes: readonly number[]): void {
    for (const node of nodes.slice(0, RECENT_IDS).reverse()) {
      const id = this.graph.nodeId[node]!;
      const at = this.recentIds.indexOf(id);
      if (at >= 0) this.recentIds.splice(at, 1);
      this.recentIds.unshift(id);
    }
    this.recentIds.length = Math.min(this.recentIds.length, RECENT_IDS);
  }
}
