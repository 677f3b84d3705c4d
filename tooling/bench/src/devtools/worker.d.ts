// The little of DevTools' heap snapshot worker that the benchmark calls. Its TypeScript sources are
// bundled by tsdown (aliases in tsdown.config.ts) but are not type-checked with this package's code.
declare module "devtools-heap-snapshot-loader" {
  import type { JSHeapSnapshot } from "devtools-heap-snapshot";
  export class HeapSnapshotLoader {
    constructor(dispatcher: { sendEvent(...args: unknown[]): void });
    parsingComplete: Promise<void>;
    write(chunk: string): void;
    close(): void;
    buildSnapshot(secondWorker: unknown): Promise<JSHeapSnapshot>;
  }
}

declare module "devtools-heap-snapshot" {
  export class JSHeapSnapshot {
    nodeCount: number;
    edgeFieldsCount: number;
    containmentEdges: { length: number };
    rootNode(): { retainedSize(): number };
  }
  export class SecondaryInitManager {
    constructor(port: unknown);
  }
}

declare module "devtools-heap-snapshot-model" {}
