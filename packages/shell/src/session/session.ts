import { resolve } from "node:path";
import { forPointReads, type HeapGraph, type HeapIndexes, indexHeap } from "@heapmat/analyzer";
import {
  indexCachePath,
  loadCachedSnapshot,
  loadIndexCache,
  saveIndexCache,
} from "@heapmat/analyzer/node";
import { loadSnapshot } from "./load.js";

/** How many recent ids tab completion offers. */
const RECENT_IDS = 50;

/** Where the indexes came from: the sidecar cache, computed now, or not needed yet. */
export type IndexState = "cached" | "computed" | "not yet computed";

/**
 * One loaded snapshot and what the user has seen of it: the graph, its indexes (read from the
 * sidecar cache, else built on first use and cached), the objects the last command listed
 * ($1, $2 …) and recent ids for completion.
 */
export class Session {
  #indexes?: HeapIndexes;
  #state: IndexState;
  #unsaved = false;
  #others = new Map<string, Promise<Session>>();
  /** Node indexes listed by the last command that listed objects. */
  listed: readonly number[] = [];
  /** Object ids the user has seen lately, most recent first. */
  readonly recentIds: number[] = [];

  constructor(
    readonly file: string,
    readonly graph: HeapGraph,
    private readonly progress = true,
    cached?: HeapIndexes | null,
    /** A salvaged read of a truncated file: never cached, so the next plain open refuses it. */
    private readonly salvaged = false,
  ) {
    if (cached) this.#indexes = cached;
    this.#state = cached ? "cached" : "not yet computed";
  }

  /**
   * Loads a snapshot and its indexes: from the sidecar cache alone when it holds the graph too (the
   * snapshot is then not read at all), else the snapshot plus whatever indexes the cache has.
   */
  static async open(file: string, progress = true, salvage = false): Promise<Session> {
    if (salvage)
      return new Session(file, await loadSnapshot(file, progress, true), progress, null, true);
    // A missing, stale or damaged cache only means reading or computing again.
    const whole = await loadCachedSnapshot(file).catch(() => null);
    if (whole) return new Session(file, whole.graph, progress, whole.indexes);
    const graph = await loadSnapshot(file, progress);
    const cached = await loadIndexCache(file, graph).catch(() => null);
    return new Session(file, graph, progress, cached);
  }

  /** Inrefs, distances, dominators, retained sizes: computed lazily, each once. */
  get indexes(): HeapIndexes {
    if (!this.#indexes) {
      this.#indexes = indexHeap(this.graph);
      this.#state = "computed";
      this.#unsaved = true;
    }
    return this.#indexes;
  }

  /**
   * The graph for reading a few objects: on a re-opened cache, it loads only the pages read.
   * It computes no index.
   */
  get pointGraph(): HeapGraph {
    return this.#indexes ? forPointReads(this.#indexes).graph : this.graph;
  }

  get indexState(): IndexState {
    return this.#state;
  }

  get cacheFile(): string {
    return indexCachePath(this.file);
  }

  /**
   * Writes freshly computed indexes to the sidecar cache, so the next start is fast. A folder we
   * cannot write to only means no cache.
   */
  async saveIndexes(): Promise<void> {
    const others = [...this.#others.values()].map((o) =>
      o.then(
        (s) => s.saveIndexes(),
        () => {},
      ),
    );
    if (this.#unsaved && this.#indexes && !this.salvaged) {
      this.#unsaved = false;
      await saveIndexCache(this.file, this.#indexes).catch(() => {});
    }
    await Promise.all(others);
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
      const id = this.pointGraph.nodeId[node]!;
      const at = this.recentIds.indexOf(id);
      if (at >= 0) this.recentIds.splice(at, 1);
      this.recentIds.unshift(id);
    }
    this.recentIds.length = Math.min(this.recentIds.length, RECENT_IDS);
  }
}
