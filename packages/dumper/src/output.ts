// A file written under a temporary name and renamed when complete, so no half-written file ever
// exists under the final name (a killed process leaves only `<name>.<pid>.tmp`).
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";

export class OutputFile {
  readonly tmp: string;
  private fd: number;

  constructor(readonly path: string) {
    this.tmp = `${path}.${process.pid}.tmp`;
    try {
      unlinkSync(this.tmp);
    } catch {}
    this.fd = openSync(this.tmp, "wx", 0o600);
  }

  write(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) at += writeSync(this.fd, bytes, at);
  }

  commit(): void {
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }

  /** Removes the temporary file; never throws. */
  abort(): void {
    try {
      if (this.fd >= 0) closeSync(this.fd);
    } catch {}
    this.fd = -1;
    try {
      unlinkSync(this.tmp);
    } catch {}
  }
}
