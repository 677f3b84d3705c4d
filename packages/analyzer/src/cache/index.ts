export {
  type CachedSnapshot,
  decodeCachedSnapshot,
  decodeIndexCache,
  encodeIndexCache,
  INDEX_CACHE_VERSION,
  type IndexCacheKey,
} from "./index-cache.js";
