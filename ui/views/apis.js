// @ts-check
// The APIs list: the region's REST, HTTP and WebSocket APIs together, each marked by its kind,
// filtered by name, with its count of open methods once reviewed and a mark when a CloudFormation
// stack manages it. Arrows move between them; Enter or a click opens one.

import { $, el } from "../dom.js";
import { store } from "../state.js";
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
    $("api-list").replaceChildren(...shown.map((a) => this.item(a, listCounts.get(a.id))));
    $("apis-count").textContent = apis.length ? `${shown.length} of ${apis.length}` : "";
    $("apis-empty").hidden = !store.apisLoaded || apis.length > 0;
  }

  /** @param {Api} a @param {ListCount | undefined} count  what the list says of it, once reviewed */
  item(a, count) {
    const tag = apiKindTag(a.kind);
    const item = el("li", {
      class: "api-item", role: "option", tabindex: "0", "data-testid": "api-item",
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
    item.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.host.selectApi(a.id); }
      if (e.key === "ArrowDown") { e.preventDefault(); /** @type {HTMLElement | null} */ (item.nextElementSibling)?.focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); /** @type {HTMLElement | null} */ (item.previousElementSibling)?.focus(); }
    });
    return item;
  }

  /** The open API is the selected item (the items stay, and so does the focus on one). */
  markOpen() {
    for (const item of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-testid="api-item"]'))) {
      item.setAttribute("aria-selected", String(item.dataset.apiId === store.apiId));
    }
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
