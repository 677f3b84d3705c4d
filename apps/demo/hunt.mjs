// Placeholder main job until the end-to-end demo exists: sample this process's memory.
import { stats } from "@heapmat/dumper";

const sample = stats();
console.log(`heap used ${sample.heapUsed} of ${sample.heapTotal} bytes; rss ${sample.rss} bytes`);
