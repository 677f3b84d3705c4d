// Stands in for DevTools' models/heap_snapshot barrel, of which the worker uses HeapSnapshotModel
// only: the rest (the UI-side proxy) has a `const enum` in a namespace that bundlers cannot inline.
import * as HeapSnapshotModel from "devtools-heap-snapshot-model";

export { HeapSnapshotModel };
