// @ts-check
// Where the screen is: choosing a profile, a region and an API, and reading what they show (the
// identity, the APIs list, the open API's review) into the store. Each answer waits with a ticket
// of the store and is dropped when the user moved on. What the user does wins over what the page
// restores (the last place at start, the open API after Refresh): a view chosen meanwhile stays.

import * as api from "./api.js";
import { busy, setStatus } from "./dom.js";
import { store } from "./state.js";

/** @typedef {import("./bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("./state.js").Ticket} Ticket */

/**
 * What the place needs of the page: the error bar, and the APIs list scrolled to an API.
 * @typedef {{
 *   showError: (e: Partial<ErrorView>, retry?: () => void) => void,
 *   hideError: () => void,
 *   revealApi: (apiId: string) => void,
 * }} PlaceHost
 */

export class Place {
  /** @param {PlaceHost} host */
  constructor(host) {
    this.host = host;
  }

  /** The regions and profiles, then the place the last run left (when its profile is still there). */
  async start() {
    // What the user chooses from now on wins over the place restored below.
    const view = store.ticket("view");
    try {
      store.setRegions(await api.listRegions());
      store.setProfiles(await api.listProfiles());
    } catch (e) {
      this.host.showError(e, () => this.start());
      return;
    }
    if (store.profiles.length === 0) {
      this.host.showError({ kind: "no-credentials", message: "No AWS profiles were found in ~/.aws/config, ~/.aws/credentials or the environment.",
        hint: "Run `aws configure`, set AWS_PROFILE / AWS_ACCESS_KEY_ID, or add a profile, then retry." }, () => location.reload());
      return;
    }
    store.setProfile(store.profiles[0].id);
    const context = store.ticket("context");
    const last = await api.lastPlace().catch(() => null);
    // A profile or region the user picked meanwhile wins too.
    if (!context.current()) return;
    if (last && store.profiles.some((p) => p.id === last.profile)) {
      store.setProfile(last.profile);
      await this.profileChanged({ region: last.region, apiId: last.apiId }, view);
    } else {
      await this.profileChanged();
    }
  }

  /** The user picked a profile. @param {string} id */
  chooseProfile(id) {
    store.setProfile(id);
    this.profileChanged();
  }

  /** The user picked a region (or typed one: Rust refuses one that is no region name). @param {string} region */
  chooseRegion(region) {
    store.setRegion(region);
    this.reloadAll();
  }

  /**
   * The store's profile was chosen: its region, then everything of that region.
   * @param {{region: string | null, apiId: string | null}} [resume]  the region and API the last
   *   run had open: the region instead of the profile's, the API once listed (if it still is)
   * @param {Ticket} [view]  the restore's ticket of the view (see `selectApi`)
   */
  async profileChanged(resume, view) {
    const context = store.begin("context");
    let region = resume?.region;
    if (!region) {
      try {
        region = await api.defaultRegion(store.profile);
      } catch {
        region = "us-east-1";
      }
    }
    if (!context.current()) return;
    store.setRegion(region);
    await this.reopen(this.reloadAll(), resume?.apiId, view);
  }

  /** After a keychain profile is saved or deleted, or an SSO sign-in: the profiles listed again,
   * the choice kept if it still exists. */
  async reloadProfiles() {
    const current = store.profile;
    store.setProfiles(await api.listProfiles());
    if (!store.profiles.some((p) => p.id === current) && store.profiles.length) {
      store.setProfile(store.profiles[0].id);
      await this.profileChanged();
    }
  }

  /**
   * Everything shown belongs to one profile and region: clear it all and load it again.
   * @returns {Promise<boolean>}  resolves once the APIs list is shown (false: it failed, or another switch came first)
   */
  reloadAll() {
    this.host.hideError();
    const context = store.newContext();
    const ctx = store.ctx();
    api.callerIdentity(ctx).then((identity) => {
      if (context.current()) store.setIdentity({ state: "known", identity });
    }).catch((e) => {
      if (context.current()) store.setIdentity({ state: "unknown", error: e });
    });
    const done = busy("apis-progress", `Loading APIs in ${ctx.region}…`);
    const listing = api.listApis(ctx).then((apis) => {
      if (!context.current()) return false;
      store.setApis(apis);
      setStatus(`${apis.length} API${apis.length === 1 ? "" : "s"} in ${ctx.region}`);
      return true;
    }).catch((e) => {
      if (!context.current()) return false;
      // Bad input (a region that is no region name) gives the same answer again: no Retry.
      this.host.showError(e, e.kind === "invalid" ? undefined : () => this.reloadAll());
      return false;
    }).finally(() => {
      done(!context.current());
      if (store.listing === listing) store.listing = null;
    });
    store.listing = listing;
    return listing;
  }

  /**
   * ↻ Refresh (the button, F5, Ctrl+R, View → Refresh): a new session, everything loaded again;
   * the open API stays open, read again, unless it is gone.
   */
  async refresh() {
    const apiId = store.apiId;
    const view = store.ticket("view");
    await api.forgetSession(store.profile).catch(() => {});
    await this.reopen(this.reloadAll(), apiId, view);
  }

  /**
   * Opens `apiId` again once the list being loaded is shown, if it is still listed and nothing
   * else was opened or switched to meanwhile.
   * @param {Promise<boolean>} listed  reloadAll's answer
   * @param {string | null | undefined} apiId
   * @param {Ticket} [view]  the restore's ticket of the view
   */
  async reopen(listed, apiId, view) {
    const context = store.ticket("context");
    if (apiId && await listed && context.current() && store.apiId === null && store.api(apiId)) {
      await this.selectApi(apiId, view);
    }
  }

  /**
   * Opens an API of the list, in the Review view, and reads its review. A restore (`view`, its
   * ticket of the view) shows Review only if the user chose no view since: the API still opens
   * behind the view the user is in.
   * @param {string} apiId
   * @param {Ticket} [view]  given for a restore; none for the user's own choice
   */
  async selectApi(apiId, view) {
    const ticket = store.setApi(apiId);
    if (view) store.restore("tab-review", view); else store.choose("tab-review");
    if (store.api(apiId)?.notReviewed) return;
    await this.loadReview(ticket, apiId, false);
  }

  /**
   * Opens an API of any profile and region (a sweep's row): the pickers switch to them, that
   * region's APIs list loads (or the load under way is awaited), then the API is selected as a
   * click in the list selects it, in the Review view.
   * @param {string} profileId
   * @param {string} region
   * @param {string} apiId
   * @returns {Promise<boolean>}  false when it is gone, the list failed, or the user switched again meanwhile
   */
  async openApi(profileId, region, apiId) {
    if (!store.profiles.some((p) => p.id === profileId)) {
      this.host.showError({ kind: "not-found", message: `The profile ${profileId} is no longer in the picker.` });
      return false;
    }
    store.choose("tab-review", { focus: true });
    const view = store.ticket("view");
    const here = store.profile === profileId && store.region === region;
    if (!here) {
      if (store.profile !== profileId) store.setProfile(profileId);
      store.setRegion(region);
    }
    // The list shown serves, unless it lacks the API (listed before it was made): then it loads again.
    const listed = here && store.apisLoaded && store.api(apiId) ? Promise.resolve(true)
      : here && store.listing ? store.listing
        : this.reloadAll();
    const context = store.ticket("context");
    if (!(await listed) || !context.current()) return false;
    if (!store.api(apiId)) {
      this.host.showError({ kind: "not-found", message: `The API ${apiId} is no longer in ${region}.`, hint: "Sweep again to see the APIs as they are now." });
      return false;
    }
    this.host.revealApi(apiId);
    await this.selectApi(apiId, view);
    this.host.revealApi(apiId);
    return context.current() && store.apiId === apiId;
  }

  /**
   * Reads the open API again, keeping the checked methods (after an apply, an undo…).
   * @param {string} [selectAuthorizerId]  the authorizer to select in the protect bar (just created)
   */
  async refreshReview(selectAuthorizerId) {
    if (!store.apiId) return;
    await this.loadReview(store.ticket("api"), store.apiId, true, selectAuthorizerId);
  }

  /**
   * @param {Ticket} ticket  the open API's, when the read began
   * @param {string} apiId
   * @param {boolean} reloaded  the same API read again: its checked methods stay checked
   * @param {string} [selectAuthorizerId]
   */
  async loadReview(ticket, apiId, reloaded, selectAuthorizerId) {
    // Read again after an apply, a deploy or a new authorizer: the status line keeps saying so.
    const done = busy("review-progress", reloaded ? null : "Loading methods…");
    try {
      const started = performance.now();
      const review = await api.reviewApi(store.ctx(), apiId);
      if (!ticket.current()) return;
      const arrived = performance.now();
      store.setReview(review, { reloaded, selectAuthorizerId });
      /** @type {any} */ (window).__gatehouseTimings = { fetchMs: arrived - started, renderMs: performance.now() - arrived };
    } catch (e) {
      if (!ticket.current()) return;
      store.emit("reviewFailed");
      this.host.showError(e, () => { if (ticket.current()) this.loadReview(ticket, apiId, reloaded); });
    } finally {
      done();
    }
  }
}
