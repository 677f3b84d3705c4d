// V8 snapshot JSON chunks in, a .hmat file out: parser, writer and output file wired together.
import { createReadStream, readFileSync } from "node:fs";
import { decodeHmat, writeV8Json } from "./hmat-reader.js";
import { type HmatTotals, HmatWriter, type HmatWriterOptions } from "./hmat-writer.js";
import { OutputFile } from "./output.js";
import { V8JsonParser } from "./v8-parser.js";
import { VERSION } from "./version.js";

export class SnapshotConverter {
  private readonly file: OutputFile;
  private readonly writer: HmatWriter;
  private readonly parser: V8JsonParser;

  constructor(path: string, options: HmatWriterOptions) {
    this.file = new OutputFile(path);
    try {
      this.writer = new HmatWriter((bytes) => this.file.write(bytes), options);
    } catch (error) {
      this.file.abort();
      throw error;
    }
    this.parser = new V8JsonParser(this.writer);
  }

  /** Feeds one chunk; on error the temporary file is removed and the error rethrown. */
  write(chunk: string): void {
    try {
      this.parser.write(chunk);
    } catch (error) {
      this.file.abort();
      throw error;
    }
  }

  /** Completes the file under its final name; `beforeCommit` may throw to give it up instead. */
  finish(beforeCommit?: () => void): HmatTotals {
    try {
      this.parser.end();
      const totals = this.writer.finish();
      beforeCommit?.();
      this.file.commit();
      return totals;
    } catch (error) {
      this.file.abort();
      throw error;
    }
  }

  abort(): void {
    this.file.abort();
  }
}

export interface ConvertOptions {
  redact?: boolean;
  maxString?: number;
  /** zlib level 1..9 (default 6). */
  level?: number;
}

/** Converts a V8 .heapsnapshot file to .hmat, streaming (bounded memory). */
export async function convertFile(
  input: string,
  output: string,
  options: ConvertOptions = {},
): Promise<HmatTotals> {
  const converter = new SnapshotConverter(output, {
    info: { producer: `@heapmat/dumper ${VERSION}`, reason: "convert", source: input },
    ...options,
  });
  try {
    for await (const chunk of createReadStream(input, { encoding: "utf8", highWaterMark: 1 << 20 }))
      converter.write(chunk as string);
    return converter.finish();
  } catch (error) {
    converter.abort();
    throw error;
  }
}

/**
 * Rewrites an existing .hmat with `redact` and/or `maxString` applied (e.g. before sharing it).
 * Reads the whole file; throws HmatFormatError on bad input.
 */
export function convertHmat(
  input: string,
  output: string,
  options: ConvertOptions = {},
): HmatTotals {
  const decoded = decodeHmat(readFileSync(input), input);
  const info: Record<string, unknown> = { ...decoded.info, source: input };
  // The command line may carry secrets too (the dumper's own redact leaves these out).
  if (options.redact) {
    if (Array.isArray(info.argv)) info.argv = info.argv.slice(0, 2);
    if (Array.isArray(info.execArgv)) info.execArgv = [];
  }
  const converter = new SnapshotConverter(output, { info, ...options });
  try {
    writeV8Json(decoded, (text) => converter.write(text));
    return converter.finish();
  } catch (error) {
    converter.abort();
    throw error;
  }
}
