// One way of printing sizes across heapmat: the analyzer's (`488 B`, `1.2 KiB`, `3.4 MiB`).
export { formatBytes } from "@heapmat/analyzer";
