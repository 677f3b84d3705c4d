import type { CommandContext } from "./command.js";

/** How long work may hold the event loop before it lets Ctrl-C in. */
const SLICE_MS = 30;

/**
 * Calls `visit` for every node, yielding to the event loop every ~30 ms so that Ctrl-C can stop
 * it. The clock is read every `stride` nodes: 1 when a single visit may be slow (a user's regex
 * can backtrack for seconds), a thousand when every visit is a few array reads.
 */
export async function forEachNode(
  ctx: CommandContext,
  count: number,
  visit: (node: number) => void,
  stride = 1024,
): Promise<void> {
  let sliceStart = performance.now();
  for (let node = 0; node < count; node++) {
    visit(node);
    if (node % stride !== 0) continue;
    if (performance.now() - sliceStart > SLICE_MS) {
      await ctx.pause();
      sliceStart = performance.now();
    }
  }
}
