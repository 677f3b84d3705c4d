// The converter process of dump(). stdin: one JSON line (the job), then V8's JSON when the job
// names no file. stdout: FILE_COMPLETE when the file is complete, then one JSON line (the totals,
// or the error). It gives the dump up, removing
// its temporary files, as soon as its host is gone: nobody would be waiting for the file.
import { createReadStream, unlinkSync } from "node:fs";
import { SnapshotConverter } from "./convert.js";
import { type ConversionJob, type ConversionReply, FILE_COMPLETE } from "./convert-process.js";

const host = process.ppid;

class HostGone extends Error {}

/** An orphan is re-parented (to init or a subreaper): its parent id changes. */
function checkHost(): void {
  if (process.ppid !== host) throw new HostGone("the dumping process is gone");
}

async function convert(): Promise<ConversionReply> {
  const input = process.stdin.setEncoding("utf8")[Symbol.asyncIterator]() as AsyncIterator<string>;
  let head = "";
  let cut = -1;
  while (cut < 0) {
    const next = await input.next();
    if (next.done) throw new HostGone("no job: the dumping process is gone");
    head += next.value;
    cut = head.indexOf("\n");
  }
  const job = JSON.parse(head.slice(0, cut)) as ConversionJob;
  const rest = head.slice(cut + 1);
  let converter: SnapshotConverter | undefined;
  // Stopped (the host cancelled, or someone else): leave no temporary file behind.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const)
    process.on(signal, () => {
      converter?.abort();
      removeJson(job);
      process.exit(1);
    });
  try {
    converter = new SnapshotConverter(job.path, job.options);
    const source = job.json
      ? createReadStream(job.json, { encoding: "utf8", highWaterMark: 1 << 20 })
      : { [Symbol.asyncIterator]: () => input };
    if (rest) converter.write(rest);
    for await (const chunk of source) {
      checkHost();
      converter.write(chunk as string);
    }
    const totals = converter.finish(() => {
      checkHost();
      process.stdout.write(`${FILE_COMPLETE}\n`);
    });
    return { done: true, bytes: totals.bytes, nodes: totals.nodes, edges: totals.edges };
  } catch (error) {
    converter?.abort();
    throw error;
  } finally {
    removeJson(job);
  }
}

function removeJson(job: ConversionJob): void {
  if (job.json)
    try {
      unlinkSync(job.json);
    } catch {}
}

function failure(error: unknown): ConversionReply {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    error: error instanceof Error ? error.message : String(error),
    ...(typeof code === "string" && { code }),
  };
}

convert().then(
  (reply) => process.stdout.write(`${JSON.stringify(reply)}\n`),
  (error) => {
    if (error instanceof HostGone) process.exitCode = 1;
    else process.stdout.write(`${JSON.stringify(failure(error))}\n`);
  },
);
