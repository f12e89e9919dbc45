// @ts-check
// The APIs list's pure helpers: how the list marks an API's kind, and which APIs a filter shows.

/** @typedef {import("../bindings/Api").Api} Api */
/** @typedef {import("../bindings/ApiKind").ApiKind} ApiKind */

/** The small tag beside an API's name in the list; none for a REST API.
 * @param {ApiKind} kind @returns {string | null} */
export const apiKindTag = (kind) => ({ HTTP: "HTTP", WEBSOCKET: "WebSocket" })[kind] ?? null;

/** Whether the name filter shows an API: a part of its name, any case; blank shows all.
 * @param {Api} api @param {string} filter */
export const apiMatches = (api, filter) => api.name.toLowerCase().includes(filter.trim().toLowerCase());
