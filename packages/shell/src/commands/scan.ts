import type { CommandContext } from "./command.js";

/** How long work may hold the event loop before it lets Ctrl-C in. */
const SLICE_MS = 30;

/**
 * Calls `visit` for every node, yielding to the event loop every ~30 ms so that Ctrl-C can stop it.
 * How often the clock is read adapts to the cost per node: every node when each is slow (a
 * backtracking regex), every few thousand when they are cheap.
 */
export async function forEachNode(
  ctx: CommandContext,
  count: number,
  visit: (node: number) => void,
): Promise<void> {
  let stride = 1;
  let since = 0;
  let sliceStart = performance.now();
  let checkStart = sliceStart;
  for (let node = 0; node < count; node++) {
    visit(node);
    if (++since < stride) continue;
    since = 0;
    const now = performance.now();
    stride = now - checkStart > 1 ? Math.max(1, stride >> 1) : Math.min(4096, stride << 1);
    checkStart = now;
    if (now - sliceStart > SLICE_MS) {
      await ctx.pause();
      sliceStart = checkStart = performance.now();
    }
  }
}
