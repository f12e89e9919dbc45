// @ts-check
// The APIs list: the region's REST, HTTP and WebSocket APIs together, each marked by its kind,
// filtered by name, with its count of open methods once reviewed and a mark when a CloudFormation
// stack manages it. Arrows move between them.

import { $, el } from "./dom.js";
import { apiKindTag } from "./logic.js";

/** @typedef {import("./bindings/Api").Api} Api */

/**
 * Lays the list out.
 * @param {Api[]} apis
 * @param {{filter: string, selectedId: string | null, openCounts: Map<string, number>, loaded: boolean,
 *   onSelect: (apiId: string) => void}} at
 */
export function renderApiList(apis, { filter, selectedId, openCounts, loaded, onSelect }) {
  const needle = filter.trim().toLowerCase();
  const shown = apis.filter((a) => !needle || a.name.toLowerCase().includes(needle));
  $("api-list").replaceChildren(...shown.map((a) => {
    const open = openCounts.get(a.id);
    const tag = apiKindTag(a.kind);
    const item = el("li", {
      class: "api-item", role: "option", tabindex: "0", "data-testid": "api-item",
      "data-api-name": a.name, "data-api-id": a.id, "data-api-kind": a.kind, "aria-selected": String(a.id === selectedId),
      title: a.description || a.name,
    },
    el("span", { class: "api-name" }, a.name, tag ? el("span", { class: `kind-tag kind-${a.kind.toLowerCase()}` }, tag) : null,
      a.managedBy?.stack ? el("span", { class: "stack-tag", title: `${a.managedBy.text}: changes made here are undone by its next update` }, "stack") : null,
      el("br"), el("span", { class: "api-id" }, a.id)),
    open === undefined ? null : el("span", { class: "open-count", title: "Open methods other than OPTIONS" }, open === 0 ? "all protected" : `${open} open`));
    item.addEventListener("click", () => onSelect(a.id));
    item.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onSelect(a.id); }
      if (e.key === "ArrowDown") { e.preventDefault(); /** @type {HTMLElement | null} */ (item.nextElementSibling)?.focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); /** @type {HTMLElement | null} */ (item.previousElementSibling)?.focus(); }
    });
    return item;
  }));
  $("apis-count").textContent = apis.length ? `${shown.length} of ${apis.length}` : "";
  $("apis-empty").hidden = !loaded || apis.length > 0;
}
