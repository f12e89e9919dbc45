// @ts-check
// The History view: every apply as Rust words it, with its before/after, whether it went live,
// and Undo. Kept current while shown: another window or a `gatehouse` command may be writing.

import * as api from "../api.js";
import { $, el } from "../dom.js";
import { store } from "../state.js";
import { deployedText } from "./protect-logic.js";

/** @typedef {import("../bindings/ApplySummary").ApplySummary} ApplySummary */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */

/**
 * What the view may ask of the page: errors shown, and an undo previewed.
 * @typedef {{showError: (e: Partial<ErrorView>, retry?: () => void) => void, startUndo: (a: ApplySummary) => void}} HistoryHost
 */

const TAB = "tab-history";

export class History {
  /** @param {HistoryHost} host */
  constructor(host) {
    this.host = host;
    /** @type {string | null} what is on screen, to re-render only when something changed */
    this.shown = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    store.on("tab", () => { if (store.tab === TAB) this.load(); });
  }

  /** Reads History again if it is shown (an undo or a deploy just changed it). */
  loadIfShown() {
    if (store.tab === TAB) this.load();
  }

  async load() {
    let items;
    try {
      items = await api.listHistory();
    } catch (e) {
      this.host.showError(e, () => this.load());
      return;
    }
    $("history-empty").hidden = items.length > 0;
    const text = JSON.stringify(items);
    if (text !== this.shown) {
      // Re-rendered only when something changed, keeping what the user had expanded.
      this.shown = text;
      const expanded = new Set([...document.querySelectorAll("[data-testid=history-item] details[open]")]
        .map((d) => /** @type {HTMLElement} */ (d.closest("[data-testid=history-item]")).dataset.applyId));
      const focused = this.focused();
      $("history-list").replaceChildren(...items.map((a) => this.item(a)));
      for (const id of expanded) {
        const d = /** @type {HTMLDetailsElement | null} */ (document.querySelector(`[data-testid=history-item][data-apply-id="${id}"] details`));
        if (d) d.open = true;
      }
      if (focused) this.refocus(focused);
    }
    // Another window or a `gatehouse` command may be writing: keep the list current while shown.
    clearTimeout(this.timer);
    if (store.tab === TAB) this.timer = setTimeout(() => this.load(), items.some((a) => a.running) ? 1000 : 3000);
  }

  /** The entry and the control in it that have the focus, if one has. */
  focused() {
    const active = /** @type {HTMLElement | null} */ (document.activeElement);
    const item = /** @type {HTMLElement | null} */ (active?.closest("[data-testid=history-item]") ?? null);
    return active && item ? { applyId: item.dataset.applyId ?? "", testid: active.dataset.testid ?? null } : null;
  }

  /** The list was drawn anew: the focus goes back to the same control of the same entry, or to
   * the entry's summary when that control is gone (an undone entry has no Undo…).
   * @param {{applyId: string, testid: string | null}} was */
  refocus(was) {
    const item = document.querySelector(`[data-testid=history-item][data-apply-id="${CSS.escape(was.applyId)}"]`);
    const control = was.testid ? item?.querySelector(`[data-testid="${CSS.escape(was.testid)}"]`) : null;
    /** @type {HTMLElement | null | undefined} */ (control ?? item?.querySelector("summary"))?.focus();
  }

  /** One apply, as Rust words it, with its state as pills. */
  item(/** @type {ApplySummary} */ a) {
    const when = new Date(a.startedMs).toLocaleString();
    return el("li", { class: "history-item", "data-testid": "history-item", "data-apply-id": a.id, "data-running": String(a.running) },
      el("header", {},
        el("strong", {}, a.title),
        el("span", { class: "when" }, `${when} · ${a.region} · ${a.profile}`),
        el("span", { class: "counts" }, a.countsText),
        a.running ? el("span", { class: "pill running", "data-testid": "running" }, "▶ running") : null,
        !a.finished && !a.running ? el("span", { class: "pill warn" }, "⚠ interrupted") : null,
        a.deployed ? el("span", { class: "pill deployed", "data-testid": "history-deployed" }, deployedText(a, a.deployed)) : null,
        a.undoneBy ? el("span", { class: "pill" }, "undone") : null,
        a.partlyUndoneBy && !a.undoneBy ? el("span", { class: "pill warn" }, "partly undone") : null,
        a.canUndo ? el("button", { type: "button", "data-testid": "undo", onclick: () => this.host.startUndo(a) }, "Undo…") : null),
      el("details", {}, el("summary", {}, a.methodsText),
        el("ul", {}, [...a.methods, ...a.responses].map((m) => el("li", {}, m.text)))));
  }
}
