export { readSnapshot, type SnapshotFormat, sniffFormat } from "./detect.js";
export { readHeapSnapshot } from "./heapsnapshot.js";
export { readHmat } from "./hmat.js";
export {
  PMAT_KINDS,
  type PmatDetails,
  pmatAddress,
  pmatDescribe,
  pmatDetails,
  pmatString,
  readPmat,
} from "./pmat.js";
export {
  type ByteSource,
  bytesSource,
  gunzipSource,
  type ReadOptions,
  SnapshotReadError,
  streamSource,
} from "./source.js";
export { graphFromV8Columns, type V8Columns, type V8Meta } from "./v8-columns.js";
