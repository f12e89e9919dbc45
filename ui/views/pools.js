// @ts-check
// The User pools view: the pools of a region chosen here (it may differ from the API's region),
// each with its app clients, loaded when the pool is opened. It follows the top bar's region
// whenever the profile or region changes, and loads when shown.

import * as api from "../api.js";
import { $, el, busy } from "../dom.js";
import { store } from "../state.js";

/** @typedef {import("../bindings/UserPool").UserPool} UserPool */
/** @typedef {import("../bindings/Ctx").Ctx} Ctx */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("../state.js").Ticket} Ticket */

/** @typedef {{showError: (e: Partial<ErrorView>, retry?: () => void) => void}} PoolsHost what the view may ask of the page */

const TAB = "tab-pools";

export class PoolsView {
  /** @param {PoolsHost} host */
  constructor(host) {
    this.host = host;
    this.region = "";
    /** @type {Ticket | null} the load whose pools are shown, while they are still for this place */
    this.loaded = null;
    const select = /** @type {HTMLSelectElement} */ ($("pool-region"));
    select.addEventListener("change", () => {
      this.region = select.value;
      this.load();
    });
    store.on("regions", () => select.replaceChildren(...store.regions.map((r) => el("option", { value: r }, r))));
    store.on("context", () => {
      this.reset(store.region);
      if (store.tab === TAB) this.ensureLoaded();
    });
    store.on("tab", () => { if (store.tab === TAB) this.ensureLoaded(); });
  }

  /** A new profile or region: forget what was shown, follow the top bar's region. */
  reset(/** @type {string} */ region) {
    this.region = region;
    this.loaded = null;
    const select = /** @type {HTMLSelectElement} */ ($("pool-region"));
    if (![...select.options].some((o) => o.value === region)) select.append(el("option", { value: region }, region));
    select.value = region;
    $("pool-list").replaceChildren();
    $("pools-count").textContent = "";
    $("pools-empty").hidden = true;
  }

  /** Loads the pools unless they are already on screen for this place and region. */
  async ensureLoaded() {
    if (this.loaded?.current()) return;
    await this.load();
  }

  async load() {
    const ticket = store.begin("pools");
    const ctx = store.ctx();
    const region = this.region;
    $("pool-list").replaceChildren();
    $("pools-empty").hidden = true;
    $("pools-count").textContent = "";
    const done = busy("pools-progress", `Loading user pools in ${region}…`);
    try {
      const pools = await api.listPools(ctx, region);
      if (!ticket.current()) return;
      this.loaded = ticket;
      $("pools-count").textContent = `${pools.length} user pool${pools.length === 1 ? "" : "s"} in ${region}`;
      $("pools-empty").hidden = pools.length > 0;
      $("pool-list").replaceChildren(...pools.map((p) => this.poolItem(p, ctx, region, ticket)));
    } catch (e) {
      if (ticket.current()) this.host.showError(e, () => this.load());
    } finally {
      done();
    }
  }

  /**
   * A pool, its app clients loaded when it is first opened.
   * @param {UserPool} pool
   * @param {Ctx} ctx
   * @param {string} region
   * @param {Ticket} ticket  the list's load (a later answer for another is dropped)
   */
  poolItem(pool, ctx, region, ticket) {
    const clients = el("ul", { "aria-label": `App clients of ${pool.name}` }, el("li", { class: "muted" }, "Loading app clients…"));
    const details = /** @type {HTMLDetailsElement} */ (el("details", {},
      el("summary", {}, el("strong", {}, pool.name), el("span", { class: "pool-id" }, pool.id)),
      clients));
    let loaded = false;
    details.addEventListener("toggle", async () => {
      if (!details.open || loaded) return;
      loaded = true;
      try {
        const list = await api.listClients(ctx, region, pool.id);
        if (!ticket.current()) return;
        clients.replaceChildren(...(list.length
          ? list.map((c) => el("li", { "data-testid": "pool-client", "data-client-id": c.id }, `${c.name} `, el("code", {}, c.id)))
          : [el("li", { class: "muted" }, "No app clients.")]));
      } catch (e) {
        loaded = false;
        clients.replaceChildren(el("li", { class: "muted" }, e.message));
      }
    });
    // A list holds list items: the fold goes inside one.
    return el("li", { class: "pool-item", "data-testid": "pool-item", "data-pool-id": pool.id }, details);
  }
}
