// @ts-check
// The page's one store: which profile, region and API the screen shows, what was read of them,
// and the generations that keep a slow answer for an earlier choice off the screen. app.js writes
// it; the views read it, and call back only through the narrow host each one is given.

import { $ } from "./dom.js";

/** @typedef {import("./bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("./bindings/Api").Api} Api */
/** @typedef {import("./bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("./api.js").ApiReview} ApiReview */
/** @typedef {import("./api.js").Ctx} Ctx */

export const store = {
  /** bumps on every profile/region switch */
  gen: 0,
  /** bumps on every API selection */
  apiGen: 0,
  /** @type {ProfileInfo[]} */
  profiles: [],
  /** @type {string[]} */
  regions: [],
  /** @type {Api[]} */
  apis: [],
  apisLoaded: false,
  /** @type {Promise<boolean> | null} the APIs list being loaded (true once shown), null when none is */
  listing: null,
  /** @type {string | null} the open API */
  apiId: null,
  /** @type {ApiReview | null} the open API as last read */
  lastReview: null,
  /** @type {string} the region before "Other region…" was chosen, to go back to */
  lastRegion: "",
  /** @type {Map<string, number>} open methods other than OPTIONS, per API id */
  openCounts: new Map(),

  /** @returns {Ctx} the profile and region the screen shows (as the pickers say) */
  ctx() {
    return { profile: $("profile").value, region: $("region").value };
  },

  /** @returns {ProfileInfo | undefined} the profile chosen in the picker */
  currentProfile() {
    return this.profiles.find((p) => p.id === $("profile").value);
  },

  /** @param {string} id @returns {string} an API's name, or its id when it is not listed */
  apiName(id) {
    return this.apis.find((a) => a.id === id)?.name ?? id;
  },

  /** @returns {ApiKind} the open API's kind */
  apiKind() {
    return this.lastReview?.kind ?? this.apis.find((a) => a.id === this.apiId)?.kind ?? "REST";
  },
};
