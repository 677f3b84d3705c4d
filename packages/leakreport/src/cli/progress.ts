import type { LoadProgress } from "../find-leaks.js";

const WIDTH = 24;
/** Work shorter than this never shows a bar. */
const DELAY_MS = 1000;

/** A one-line progress bar on a TTY stream; does nothing on a pipe or file. */
export function progressBar(stream: NodeJS.WriteStream) {
  const started = Date.now();
  let shown = false;
  return {
    update(p: LoadProgress) {
      if (!stream.isTTY || Date.now() - started < DELAY_MS) return;
      const share = p.total ? Math.min(1, p.done / p.total) : 0;
      const filled = Math.round(share * WIDTH);
      const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
      stream.write(
        `\r${bar} ${String(Math.round(share * 100)).padStart(3)}%  reading ${p.index + 1}/${p.files} ${p.file}\u001b[K`,
      );
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\u001b[K");
      shown = false;
    },
  };
}
