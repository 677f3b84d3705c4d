// Bundled at build time, so the file records which dumper wrote it.
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
