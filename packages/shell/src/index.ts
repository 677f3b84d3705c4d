// The shell as a library: the engine the `heapmat` binary drives, for embedding and tests.
export { suggest } from "./text/suggest.js";
export { tokenize } from "./text/tokenize.js";
