// The .hmat format's constants and column decoding (see FORMAT.md). Side-effect free: the
// analyzer imports this as `@heapmat/dumper/format`.
export * from "./format-columns.js";
export * from "./format-constants.js";
