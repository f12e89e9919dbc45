// @ts-check
// The Review view: the open API's title, kind, owner and summary line above its methods (the
// table of reviewtable.js), with the filters and the selection buttons; a WebSocket API says why
// it is not reviewed instead. It shows the store's place and review.

import { $ } from "../dom.js";
import { store } from "../state.js";
import { ReviewTable } from "./reviewtable.js";

/** @typedef {import("../bindings/ManagedBy").ManagedBy} ManagedBy */
/** @typedef {import("./review-logic.js").Show} Show */

export class ReviewView {
  constructor() {
    this.table = new ReviewTable();
    const path = /** @type {HTMLInputElement} */ ($("path-filter"));
    path.addEventListener("input", () => this.table.setFilter(null, path.value));
    for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="show"]'))) {
      radio.addEventListener("change", () => this.table.setFilter(/** @type {Show} */ (radio.value), null));
    }
    $("select-open").addEventListener("click", () => this.table.selectOpenExceptOptions());
    $("select-none").addEventListener("click", () => this.table.setSelection([]));
    store.on("place", () => this.placeChanged());
    store.on("review", ({ reloaded }) => this.reviewLoaded(!!reloaded));
    store.on("reviewFailed", () => { $("review-summary").textContent = "Could not load the methods."; });
    store.on("selection", () => {
      $("selection-count").textContent = store.selection.size ? `${store.selection.size} selected` : "";
    });
  }

  /** Whether a reviewed API is open (its methods, or their loading, shown). */
  get shown() {
    return !$("review").hidden;
  }

  /** Another API (or none) is open: its head while its methods load, or why it is not reviewed. */
  placeChanged() {
    this.table.clear();
    const apiId = store.apiId;
    $("review-placeholder").hidden = !!apiId;
    if (!apiId) {
      this.showOwner(null);
      $("review").hidden = true;
      $("review-unsupported").hidden = true;
      return;
    }
    const info = store.api(apiId);
    // A WebSocket API is listed, not opened: the review area says why.
    const why = info?.notReviewed ?? null;
    $("review-unsupported").hidden = !why;
    $("review").hidden = !!why;
    if (info && why) {
      $("unsupported-title").textContent = info.name;
      $("unsupported-text").textContent = why;
      return;
    }
    $("review-title").textContent = info ? info.name : apiId;
    this.showOwner(info?.managedBy ?? null);
    $("review-kind").hidden = info?.kind !== "HTTP";
    $("review-kind").textContent = "HTTP API";
    $("review-cors").hidden = true;
    $("review-summary").textContent = "Loading methods…";
  }

  /** @param {boolean} reloaded  the same API read again: its checked methods stay checked */
  reviewLoaded(reloaded) {
    const review = store.review;
    if (!review) return;
    this.table.render(review.methods, reloaded);
    $("review-summary").textContent = review.summaryLine;
    $("review-kind").hidden = review.kind !== "HTTP";
    // An HTTP API's own CORS answers preflights before any route: say so under the title.
    $("review-cors").textContent = review.cors ?? "";
    $("review-cors").hidden = !review.cors;
  }

  /**
   * Who manages the open API, under its name: a CloudFormation stack is a warning (it undoes
   * changes made here at its next update); another tool is only named.
   * @param {ManagedBy | null} managedBy
   */
  showOwner(managedBy) {
    const note = $("api-owner");
    note.hidden = !managedBy;
    note.classList.toggle("stack", !!managedBy?.stack);
    note.title = managedBy ? "As the API's tags say" : "";
    note.textContent = !managedBy ? ""
      : managedBy.stack ? `Managed by CloudFormation stack ${managedBy.stack} — changes made here are undone by the next stack update`
        : managedBy.text;
  }
}
