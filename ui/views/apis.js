// @ts-check
// The APIs list: the region's REST, HTTP and WebSocket APIs together, each marked by its kind,
// filtered by name, with its count of open methods once reviewed and a mark when a CloudFormation
// stack manages it. Tab stops at one item (the open API's, else the first): the arrows, Home and
// End move between them; Enter, Space or a click opens one.

import { $, el } from "../dom.js";
import { store } from "../state.js";
import { rowStep } from "../keys.js";
import { apiKindTag, apiMatches } from "./apis-logic.js";

/** @typedef {import("../bindings/Api").Api} Api */
/** @typedef {import("../bindings/ListCount").ListCount} ListCount */

/** What the list may ask of the page: open an API. @typedef {{selectApi: (apiId: string) => void}} ApisHost */

export class ApisView {
  /** @param {ApisHost} host */
  constructor(host) {
    this.host = host;
    $("api-filter").addEventListener("input", () => this.render());
    store.on("apis", () => this.render());
    store.on("place", () => this.markOpen());
  }

  /** The filter's text. @returns {string} */
  filter() {
    return /** @type {HTMLInputElement} */ ($("api-filter")).value;
  }

  render() {
    const { apis, listCounts } = store;
    const shown = apis.filter((a) => apiMatches(a, this.filter()));
    // The items are made anew (a count arrived): the one that had the focus gets it back.
    const focused = /** @type {HTMLElement | null} */ (document.activeElement?.closest('[data-testid="api-item"]') ?? null);
    $("api-list").replaceChildren(...shown.map((a) => this.item(a, listCounts.get(a.id))));
    this.markStop(focused?.dataset.apiId);
    if (focused) this.itemOf(focused.dataset.apiId ?? "")?.focus();
    $("apis-count").textContent = apis.length ? `${shown.length} of ${apis.length}` : "";
    $("apis-empty").hidden = !store.apisLoaded || apis.length > 0;
  }

  /** @param {Api} a @param {ListCount | undefined} count  what the list says of it, once reviewed */
  item(a, count) {
    const tag = apiKindTag(a.kind);
    const item = el("li", {
      class: "api-item", role: "option", tabindex: "-1", "data-testid": "api-item",
      "data-api-name": a.name, "data-api-id": a.id, "data-api-kind": a.kind, "aria-selected": String(a.id === store.apiId),
      title: a.description || a.name,
    },
    el("span", { class: "api-name" }, a.name, tag ? el("span", { class: `kind-tag kind-${a.kind.toLowerCase()}` }, tag) : null,
      a.managedBy?.stack ? el("span", { class: "stack-tag", title: `${a.managedBy.text}: changes made here are undone by its next update` }, "stack") : null,
      el("br"), el("span", { class: "api-id" }, a.id)),
    count ? el("span", {
      class: count.exposed ? "open-count exposed" : "open-count", "data-testid": "open-count",
      title: count.exposed ? "Open methods a stage serves (more than the editor holds), OPTIONS aside" : "Open methods other than OPTIONS",
    }, count.exposed ? `⚠ ${count.text}` : count.text) : null);
    item.addEventListener("click", () => this.host.selectApi(a.id));
    item.addEventListener("focus", () => this.markStop(a.id));
    item.addEventListener("keydown", (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.host.selectApi(a.id); return; }
      const items = this.items();
      const to = rowStep(e.key, items.indexOf(item), items.length, 10);
      if (to === null) return;
      e.preventDefault();
      items[to].focus();
    });
    return item;
  }

  /** @returns {HTMLElement[]} */
  items() {
    return [.../** @type {NodeListOf<HTMLElement>} */ ($("api-list").querySelectorAll('[data-testid="api-item"]'))];
  }

  /** @param {string} apiId @returns {HTMLElement | undefined} */
  itemOf(apiId) {
    return this.items().find((i) => i.dataset.apiId === apiId);
  }

  /** Tab stops at one item: `apiId`'s (the one focused), else the open API's, else the first.
   * @param {string} [apiId] */
  markStop(apiId) {
    const items = this.items();
    const stop = (apiId ? this.itemOf(apiId) : undefined) ?? (store.apiId ? this.itemOf(store.apiId) : undefined) ?? items[0];
    for (const i of items) i.tabIndex = i === stop ? 0 : -1;
  }

  /** The open API is the selected item (the items stay, and so does the focus on one). */
  markOpen() {
    for (const item of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-testid="api-item"]'))) {
      item.setAttribute("aria-selected", String(item.dataset.apiId === store.apiId));
    }
    const focused = /** @type {HTMLElement | null} */ (document.activeElement?.closest('[data-testid="api-item"]') ?? null);
    this.markStop(focused?.dataset.apiId);
  }

  /** Makes an API of the list seen (a sweep's row opened it): a filter that hides it, and so
   * would hide which one is open, is cleared; the list scrolls to it. @param {string} apiId */
  reveal(apiId) {
    const info = store.api(apiId);
    if (info && !apiMatches(info, this.filter())) {
      /** @type {HTMLInputElement} */ ($("api-filter")).value = "";
      this.render();
    }
    document.querySelector(`[data-testid="api-item"][data-api-id="${CSS.escape(apiId)}"]`)?.scrollIntoView({ block: "nearest" });
  }
}
