import type { LoadProgress } from "../find-leaks.js";

const WIDTH = 24;
/** Work shorter than this never shows a bar. */
const DELAY_MS = 1000;
/** Redraw at most this often. */
const FRAME_MS = 100;

/** A one-line progress bar on a TTY stream; does nothing on a pipe or file. */
export function progressBar(stream: NodeJS.WriteStream) {
  const started = Date.now();
  let drawn = 0;
  let shown = false;
  return {
    update(p: LoadProgress) {
      const now = Date.now();
      if (!stream.isTTY || now - started < DELAY_MS) return;
      if (p.phase === "read" && now - drawn < FRAME_MS) return;
      drawn = now;
      // The whole series: the files read, plus the share of the one being read.
      const share = Math.min(1, (p.index + (p.total ? p.done / p.total : 0)) / p.files);
      const filled = p.phase === "analyse" ? WIDTH : Math.round(share * WIDTH);
      const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
      const what =
        p.phase === "analyse"
          ? `analysing ${p.file}`
          : `${String(Math.round(share * 100)).padStart(3)}%  reading ${p.index + 1}/${p.files} ${p.file}`;
      stream.write(`\r${bar} ${what}\u001b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\u001b[K");
      shown = false;
    },
  };
}
