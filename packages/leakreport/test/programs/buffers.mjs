// Most Buffers are temporary, but one large thumbnail per iteration is kept in a list nobody reads.
import { run } from "./harness.mjs";

const thumbnails = [];

function renderThumbnail(i) {
  const parts = [];
  for (let k = 0; k < 200; k++) parts.push(Buffer.from(`row ${i}:${k} `.repeat(20)));
  const image = Buffer.concat(parts);
  const thumbnail = Buffer.alloc(256 * 1024, i & 0xff);
  thumbnails.push(thumbnail);
  return image.length;
}

await run((i) => {
  for (let t = 0; t < 2; t++) renderThumbnail(i * 2 + t);
});
