// @ts-check
// The Review view: the open API's title, kind, owner, what its stages serve otherwise (the live
// lines, first) and summary line above its methods (the table of reviewtable.js), with the
// filters and the selection buttons, and the "Served by" picker that shows the methods as a
// stage serves them; a WebSocket API says why it is not reviewed instead. It shows the store's
// place, review and servedBy.

import { $, el, errorParts } from "../dom.js";
import { store } from "../state.js";
import { ReviewTable } from "./reviewtable.js";
import { servedOptions, servedRows, servedStage } from "./served-logic.js";

/** @typedef {import("../bindings/ManagedBy").ManagedBy} ManagedBy */
/** @typedef {import("../bindings/ApiReview").ApiReview} ApiReview */
/** @typedef {import("./review-logic.js").Show} Show */

/** What the view may ask of the page: the CORS fix's dialog. @typedef {{fixCors: () => void}} ReviewHost */

export class ReviewView {
  /** @param {ReviewHost} host */
  constructor(host) {
    this.host = host;
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
    const picker = /** @type {HTMLSelectElement} */ ($("view-select"));
    picker.addEventListener("change", () => store.setServedBy(picker.value));
    $("served-editor").addEventListener("click", () => { store.setServedBy("editor"); picker.focus(); });
    store.on("servedBy", () => this.showServed());
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
    this.showLive(null);
    this.fillPicker(null);
    this.showServed();
  }

  /** @param {boolean} reloaded  the same API read again: its checked methods stay checked */
  reviewLoaded(reloaded) {
    const review = store.review;
    if (!review) return;
    this.table.trimSelection(review.methods, reloaded);
    $("review-kind").hidden = review.kind !== "HTTP";
    // An HTTP API's own CORS answers preflights before any route: say so under the title.
    $("review-cors").textContent = review.cors ?? "";
    $("review-cors").hidden = !review.cors;
    this.showLive(review);
    this.fillPicker(review);
    this.showServed();
  }

  /**
   * What the stages serve otherwise, first (red words where the internet sees a method open, or
   * would after a deploy), why they could not be read, and what a browser would trip on.
   * @param {ApiReview | null} review
   */
  showLive(review) {
    const lines = review?.liveLines ?? [];
    const exposed = new Set((review?.stages ?? [])
      .filter((s) => [...s.differences, ...(s.canary?.differences ?? [])].some((d) => d.openOnStage || d.opensOnDeploy))
      .map((s) => s.line));
    $("live-lines").replaceChildren(...lines.map((line) =>
      el("li", { "data-testid": "live-line", class: exposed.has(line) ? "exposure" : null }, line)));
    $("undeployed-banner").hidden = lines.length === 0;
    const error = review?.stagesError;
    $("stages-error").replaceChildren(...(error ? ["Could not read what the stages serve: ", ...errorParts(error)] : []));
    $("stages-error").hidden = !error;
    $("browser-issues").replaceChildren(...(review?.browser ?? []).map((b) =>
      el("p", { class: "browser-issue", "data-testid": "browser-issue", "data-kind": b.kind },
        b.text, el("span", { class: "fix" }, b.fix),
        b.kind === "gatewayResponsesWithoutCors"
          ? el("button", { type: "button", class: "small cors-fix", "data-testid": "cors-fix", "aria-haspopup": "dialog", onclick: () => this.host.fixCors() }, "Add the headers…")
          : null)));
  }

  /** The "Served by" options for the review (the editor alone while it loads). @param {ApiReview | null} review */
  fillPicker(review) {
    const picker = /** @type {HTMLSelectElement} */ ($("view-select"));
    const options = review ? servedOptions(review) : [{ value: "editor", text: "Editor" }];
    picker.replaceChildren(...options.map((o) => el("option", { value: o.value }, o.text)));
    // A stage gone since (deleted elsewhere) shows the editor again.
    if (!options.some((o) => o.value === store.servedBy)) store.setServedBy("editor");
    picker.value = store.servedBy;
    picker.disabled = options.length < 2;
  }

  /** The methods as the choice shows them: the editor's (selectable), or a stage's (read-only). */
  showServed() {
    const review = store.review;
    const picker = /** @type {HTMLSelectElement} */ ($("view-select"));
    picker.value = store.servedBy;
    const chosen = review ? servedStage(review, store.servedBy) : null;
    for (const id of ["select-open", "select-none"]) $(id).disabled = !!chosen;
    $("served-note").hidden = !chosen;
    if (!review) return;
    const name = store.apiName(review.apiId);
    if (!chosen) {
      $("methods-caption").textContent = `Methods of ${name}`;
      $("review-summary").textContent = review.summaryLine;
      this.table.showRows(review.methods, null);
      return;
    }
    const { stage, canary } = chosen;
    const served = canary && stage.canary ? stage.canary : stage;
    $("review-summary").textContent = served.summaryLine;
    const where = canary && stage.canary ? `${stage.name}'s canary (${stage.canary.percent}% of the traffic)` : stage.name;
    $("served-note-text").textContent = `Showing what ${where} serves, read-only: selecting and protecting work on the editor.`;
    $("methods-caption").textContent = `Methods of ${name}, as ${where} serves them`;
    const { views, notes } = servedRows(review.methods, served.methods, served.differences);
    this.table.showRows(views, notes);
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
