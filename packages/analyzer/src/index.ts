// The analyzer's core: free of node: imports so it also runs in a browser worker.
export * from "./cache/index.js";
export * from "./graph/index.js";
export * from "./queries/index.js";
export * from "./readers/index.js";
