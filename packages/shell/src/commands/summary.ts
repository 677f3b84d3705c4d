import { formatBytes, totalSelfSize } from "@heapmat/analyzer";
import type { Command } from "./command.js";

const FORMATS = { hmat: "heapmat dump", heapsnapshot: "V8 heap snapshot", pmat: "Perl pmat dump" };

/** The banner: which file, from which process, how big. */
export const summary: Command = {
  name: "summary",
  summary: "The dump: file, Node/V8 versions, pid, reason, counts, size",
  usage: "",
  data: true,
  positionals: { max: 0 },
  run({ session }) {
    const { graph } = session;
    const info = graph.info;
    const data = {
      file: session.file,
      format: info.format,
      nodeVersion: info.nodeVersion ?? null,
      v8Version: info.v8Version ?? null,
      pid: info.pid ?? null,
      hostname: info.hostname ?? null,
      reason: info.reason ?? null,
      label: info.label ?? null,
      dumpTime: info.dumpTime ? new Date(info.dumpTime).toISOString() : null,
      objects: graph.nodeCount,
      references: graph.edgeCount,
      totalSize: totalSelfSize(graph),
      indexes: session.indexState,
    };
    const lines = [`${FORMATS[info.format] ?? info.format} ${session.file}`];
    const versions = [
      data.nodeVersion && `Node ${data.nodeVersion}`,
      data.v8Version && `V8 ${data.v8Version}`,
    ].filter(Boolean);
    if (versions.length) lines.push(versions.join(", "));
    const origin = [
      data.pid !== null && `Process ${data.pid}`,
      data.hostname && `on ${data.hostname}`,
    ].filter(Boolean);
    const when = [
      data.reason && `dumped for ${data.reason}`,
      data.label && `(${data.label})`,
      data.dumpTime && `at ${data.dumpTime}`,
    ].filter(Boolean);
    if (origin.length || when.length) {
      lines.push([origin.join(" "), when.join(" ")].filter(Boolean).join(", "));
    }
    lines.push(
      `Heap contains ${data.objects.toLocaleString("en-US")} objects, ` +
        `${data.references.toLocaleString("en-US")} references, ${formatBytes(data.totalSize)}`,
    );
    if (session.indexState === "cached") lines.push(`Indexes read from ${session.cacheFile}`);
    return { lines, json: data };
  },
};
