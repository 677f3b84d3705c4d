// The thin Node layer: file I/O around the core readers.
export { fileSource, openSnapshot } from "./open.js";
