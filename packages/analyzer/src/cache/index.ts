export { type PackedSource, packedBytes } from "./aligned-columns.js";
export {
  type CachedSnapshot,
  decodeCachedSnapshot,
  decodeIndexCache,
  encodeIndexCache,
  INDEX_CACHE_VERSION,
  type IndexCacheBytes,
  type IndexCacheKey,
} from "./index-cache.js";
