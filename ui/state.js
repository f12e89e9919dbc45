// @ts-check
// The page's one store: where the screen is (profile, region, open API), what was read there
// (the APIs, the review, the identity), the checked methods and the view shown; and the tickets
// that keep a slow answer for an earlier choice off the screen. place.js changes the place; the
// views subscribe to what they show and change only what is theirs (the selection, the view).
// No DOM here: node's test runner checks it.

/** @typedef {import("./bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("./bindings/Api").Api} Api */
/** @typedef {import("./bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("./bindings/ApiReview").ApiReview} ApiReview */
/** @typedef {import("./bindings/ListCount").ListCount} ListCount */
/** @typedef {import("./bindings/Identity").Identity} Identity */
/** @typedef {import("./bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("./bindings/Ctx").Ctx} Ctx */

/**
 * The kinds of work a ticket is for, each under the kind whose new work makes it stale too: a new
 * profile or region makes everything read for the last one stale, a new API its token check.
 */
const PARENTS = /** @type {const} */ ({
  /** the profile and region: everything read for them */
  context: null,
  /** the open API: its review, its banner, the token check */
  api: "context",
  /** the Token panel's pools, for the region it shows */
  tokenPools: "api",
  /** the app clients of the Token panel's pool */
  tokenClients: "tokenPools",
  /** the User pools view's pools, for the region it shows */
  pools: "context",
  /** the authorizer dialog's pools and app clients */
  dialogPools: "context",
  /** the deploy dialog's preview, for the stage and target it shows */
  deployPreview: "api",
  /** the CORS dialog's plan (a fix of the open API, or an undo from History) */
  corsPlan: "context",
  /** the view shown: what the user chooses makes what the page restores stale */
  view: null,
  /** a sweep: a later one drops the events of an earlier one */
  sweep: null,
  /** an SSO sign-in attempt: a new one, or Cancel, drops the last one's answers */
  sso: null,
});

/** @typedef {keyof typeof PARENTS} Kind */

/**
 * What a piece of work holds while it waits: whether what it began for is still what the screen
 * shows (no newer work of its kind, or of a kind above it, has begun).
 * @typedef {{kind: Kind, current: () => boolean}} Ticket
 */

/**
 * What changed, for the views that show it.
 * - regions: the regions offered; profiles: the profiles listed
 * - profile: the profile chosen; region: the region chosen
 * - context: a new profile or region (or Refresh): everything read before is gone
 * - place: the open API changed (to none, too): profile, region and API are where the screen is
 * - apis: the APIs list, whether it loaded, or an API's open count
 * - identity: who the credentials are (checking, known or unknown)
 * - review: the open API's review arrived (detail: {reloaded, selectAuthorizerId})
 * - reviewFailed: the open API's review could not be read
 * - selection: the checked methods
 * - servedBy: the review shows the editor, or what a stage (or its canary) serves
 * - tab: the view shown (detail: {focus})
 * @typedef {"regions" | "profiles" | "profile" | "region" | "context" | "place" | "apis" | "identity" | "review" | "reviewFailed" | "selection" | "servedBy" | "tab"} Topic
 */

/** @typedef {{reloaded?: boolean, selectAuthorizerId?: string, focus?: boolean}} Detail */

/**
 * Who the credentials of the place are: being asked, known, or unknown (with the call's error).
 * @typedef {{state: "checking"} | {state: "known", identity: Identity} | {state: "unknown", error: Partial<ErrorView>}} IdentityState
 */

export class Store {
  constructor() {
    /** @type {ProfileInfo[]} */
    this.profiles = [];
    /** @type {string[]} the regions the pickers offer */
    this.regions = [];
    /** the chosen profile's id; "" before there is one */
    this.profile = "";
    /** the chosen region; "" before there is one */
    this.region = "";
    /** @type {string | null} the open API */
    this.apiId = null;
    /** @type {Api[]} the region's APIs */
    this.apis = [];
    this.apisLoaded = false;
    /** @type {Promise<boolean> | null} the APIs list being loaded (true once shown), null when none is */
    this.listing = null;
    /** @type {Map<string, ListCount>} what the list says of each API once reviewed (open
     * methods, a stage serving more first) */
    this.listCounts = new Map();
    /** @type {ApiReview | null} the open API as last read */
    this.review = null;
    /** @type {IdentityState} */
    this.identity = { state: "checking" };
    /** what the review's methods are as: "editor", a stage's name, or "STAGE#canary" */
    this.servedBy = "editor";
    /** @type {Set<string>} the checked methods' keys */
    this.selection = new Set();
    /** the view shown: the id of its tab */
    this.tab = "tab-review";
    /** @type {Map<Kind, number>} */
    this.generations = new Map();
    /** @type {Map<Topic, Set<(detail: Detail) => void>>} */
    this.listeners = new Map();
  }

  // --- Tickets: one mechanism for every answer that may come too late.

  /** @param {Kind} kind */
  generation(kind) {
    return this.generations.get(kind) ?? 0;
  }

  /**
   * New work of `kind` begins: earlier tickets of the kind, and of every kind under it, go stale.
   * @param {Kind} kind @returns {Ticket}
   */
  begin(kind) {
    this.generations.set(kind, this.generation(kind) + 1);
    return this.ticket(kind);
  }

  /**
   * A ticket for the work of `kind` now current, without beginning any (reading again what is
   * shown: the open API after an apply).
   * @param {Kind} kind @returns {Ticket}
   */
  ticket(kind) {
    /** @type {Kind[]} */
    const chain = [];
    /** @type {Kind | null} */
    let k = kind;
    while (k !== null) {
      chain.push(k);
      k = PARENTS[k];
    }
    const seen = chain.map((k) => this.generation(k));
    return { kind, current: () => chain.every((k, i) => this.generation(k) === seen[i]) };
  }

  // --- Changes, for the views that show them.

  /**
   * @param {Topic} topic @param {(detail: Detail) => void} listener
   * @returns {() => void}  stops listening
   */
  on(topic, listener) {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, set = new Set());
    set.add(listener);
    return () => set.delete(listener);
  }

  /** @param {Topic} topic @param {Detail} [detail] */
  emit(topic, detail = {}) {
    for (const listener of [...(this.listeners.get(topic) ?? [])]) listener(detail);
  }

  // --- The place.

  /** @returns {Ctx} the profile and region the screen shows */
  ctx() {
    return { profile: this.profile, region: this.region };
  }

  /** @returns {ProfileInfo | undefined} the chosen profile */
  currentProfile() {
    return this.profiles.find((p) => p.id === this.profile);
  }

  /** @param {string | null} id @returns {Api | undefined} an API of the list */
  api(id) {
    return this.apis.find((a) => a.id === id);
  }

  /** @param {string} id @returns {string} an API's name, or its id when it is not listed */
  apiName(id) {
    return this.api(id)?.name ?? id;
  }

  /** @returns {ApiKind} the open API's kind */
  apiKind() {
    return this.review?.kind ?? this.api(this.apiId)?.kind ?? "REST";
  }

  /** @param {string[]} regions */
  setRegions(regions) {
    this.regions = regions;
    this.emit("regions");
  }

  /** @param {ProfileInfo[]} profiles */
  setProfiles(profiles) {
    this.profiles = profiles;
    this.emit("profiles");
  }

  /** @param {string} id */
  setProfile(id) {
    this.profile = id;
    this.emit("profile");
  }

  /** @param {string} region */
  setRegion(region) {
    this.region = region;
    this.emit("region");
  }

  /**
   * Everything read for the last profile and region is gone (a new one, or Refresh): the list,
   * the open API, the identity. Earlier work of the context goes stale.
   * @returns {Ticket}
   */
  newContext() {
    const ticket = this.begin("context");
    this.apis = [];
    this.apisLoaded = false;
    this.listCounts.clear();
    this.identity = { state: "checking" };
    this.emit("context");
    this.emit("apis");
    this.emit("identity");
    this.setApi(null);
    return ticket;
  }

  /**
   * Opens an API (null: none) where the screen is; its review is to be read. Earlier work of
   * the last API goes stale.
   * @param {string | null} apiId @returns {Ticket}
   */
  setApi(apiId) {
    const ticket = this.begin("api");
    this.apiId = apiId;
    this.review = null;
    this.servedBy = "editor";
    this.emit("place");
    return ticket;
  }

  /** @param {Api[]} apis */
  setApis(apis) {
    this.apis = apis;
    this.apisLoaded = true;
    this.emit("apis");
  }

  /** @param {IdentityState} identity */
  setIdentity(identity) {
    this.identity = identity;
    this.emit("identity");
  }

  /**
   * The open API's review arrived.
   * @param {ApiReview} review @param {{reloaded: boolean, selectAuthorizerId?: string}} how
   *   reloaded: the same API read again (after an apply…), its checked methods kept
   */
  setReview(review, how) {
    this.review = review;
    this.listCounts.set(review.apiId, review.listCount);
    this.emit("review", how);
    this.emit("apis");
  }

  // --- What the views change.

  /** The checked methods. @param {Iterable<string>} keys */
  select(keys) {
    this.selection = new Set(keys);
    this.emit("selection");
  }

  /** One method checked or unchecked. @param {string} key @param {boolean} on */
  check(key, on) {
    if (on) this.selection.add(key); else this.selection.delete(key);
    this.emit("selection");
  }

  /**
   * The review shows the methods as the editor holds them ("editor"), or as a stage (its name)
   * or its canary ("STAGE#canary") serves them. Back to the editor when another API opens.
   * @param {string} choice
   */
  setServedBy(choice) {
    if (choice === this.servedBy) return;
    this.servedBy = choice;
    this.emit("servedBy");
  }

  /**
   * The user chose a view (a tab, an API in the list, a sweep's row): it is shown, and what the
   * page is restoring meanwhile will not take the view back.
   * @param {string} tab @param {{focus?: boolean}} [how]
   */
  choose(tab, how = {}) {
    this.begin("view");
    this.show(tab, how);
  }

  /**
   * Shows a view for work that began with `ticket` (the last place coming back at start, the
   * open API after Refresh): only while the user chose no view since.
   * @param {string} tab @param {Ticket} ticket @returns {boolean} whether it is shown
   */
  restore(tab, ticket) {
    if (!ticket.current()) return false;
    this.show(tab);
    return true;
  }

  /** @param {string} tab @param {{focus?: boolean}} [how] */
  show(tab, how = {}) {
    this.tab = tab;
    this.emit("tab", how);
  }
}

/** The page's store. */
export const store = new Store();
