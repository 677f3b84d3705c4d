import { formatBytes } from "../text/bytes.js";

/** One line of a progress bar: `label [#######.....]  58%  12 MiB / 21 MiB`. */
export function renderProgress(label: string, done: number, total: number | undefined): string {
  if (!total) return `${label}  ${formatBytes(done)}`;
  const fraction = Math.min(1, done / total);
  const width = 24;
  const filled = Math.round(fraction * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${label} [${bar}] ${percent}  ${formatBytes(done)} / ${formatBytes(total)}`;
}

/**
 * A progress bar on a TTY stream, shown only once the work has taken `delayMs` (quick loads stay
 * silent), redrawn at most every 100 ms, erased when done.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    private readonly delayMs = 1000,
  ) {}

  update = (done: number, total: number | undefined): void => {
    if (!this.stream.isTTY) return;
    const now = performance.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.shown = true;
    const line = renderProgress(this.label, done, total);
    this.stream.write(`\r${line.slice(0, (this.stream.columns || 80) - 1)}\x1b[K`);
  };

  done(): void {
    if (this.shown) this.stream.write("\r\x1b[K");
    this.shown = false;
  }
}
