// A progress bar on stderr for CLIs that read snapshots: shown only on a terminal and only once the
// work has taken a second, redrawn at most ten times a second, erased when done.

export interface ProgressBarOptions {
  /** Where to draw (default process.stderr); nothing is drawn unless it is a TTY. */
  stream?: { isTTY?: boolean; columns?: number; write(text: string): unknown };
  /** Milliseconds before the bar appears (default 1000). */
  delay?: number;
  /** The clock, in milliseconds (default performance.now). */
  now?: () => number;
}

export interface ProgressBar {
  /** Pass as a reader's `onProgress`. */
  readonly onProgress: (done: number, total: number | undefined) => void;
  /** Erases the bar, if it was drawn. */
  stop(): void;
}

export function progressBar(label: string, options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const start = now();
  const delay = options.delay ?? 1000;
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    onProgress(done, total) {
      const t = now();
      if (!stream.isTTY || t - start < delay || t - drawnAt < 100) return;
      drawnAt = t;
      drawn = true;
      stream.write(`\r${line(label, done, total, stream.columns ?? 80)}\x1b[K`);
    },
    stop() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}

function line(label: string, done: number, total: number | undefined, columns: number): string {
  const amount = total ? `${mb(done)}/${mb(total)} MB` : `${mb(done)} MB`;
  if (!total) return `${label} ${amount}`;
  const fraction = Math.min(1, done / total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const width = Math.max(10, Math.min(40, columns - label.length - amount.length - 10));
  const filled = Math.round(fraction * width);
  return `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${percent} ${amount}`;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0);
}
