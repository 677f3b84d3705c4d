// No leak: a bounded LRU cache with heavy churn. Entries come and go; the cache never grows.
import { churn, run } from "./harness.mjs";

class CachedPage {
  constructor(url) {
    this.url = url;
    this.body = `<html>${url}</html>`;
  }
}

class LruCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.entries = new Map();
  }

  get(key, load) {
    let value = this.entries.get(key);
    if (value) this.entries.delete(key);
    else value = load(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value);
    return value;
  }
}

const pages = new LruCache(100);
let next = 0;
await run(() => {
  for (let r = 0; r < 60; r++) pages.get(`/page/${next++}`, (url) => new CachedPage(url));
  churn(20);
});
