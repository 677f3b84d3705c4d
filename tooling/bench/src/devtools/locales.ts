// Stands in for DevTools' build-generated core/i18n/locales.js: the heap snapshot worker only needs
// English strings, which are in its sources.
export const LOCALES = ["en-US"];
export const BUNDLED_LOCALES = ["en-US"];
export const DEFAULT_LOCALE = "en-US";
export const REMOTE_FETCH_PATTERN = "";
export const LOCAL_FETCH_PATTERN = "";
