// @ts-check
// The CORS fix for refused tokens: a dialog with the origin, the preview of each gateway
// response before → after, then its result; the same dialog undoes a fix from History, with
// its own preview (a response changed since is left alone unless "restore anyway"). Every text
// about AWS state is Rust's (the plan and the report).

import * as api from "../api.js";
import { $, busy, el, errorParts, setStatus } from "../dom.js";
import { store } from "../state.js";

/** @typedef {import("../bindings/CorsPlan").CorsPlan} CorsPlan */
/** @typedef {import("../bindings/CorsReport").CorsReport} CorsReport */
/** @typedef {import("../bindings/ApplySummary").ApplySummary} ApplySummary */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */

/**
 * What the dialog may ask of the page: the open API read again, History too.
 * @typedef {{refreshReview: () => Promise<void>, loadHistory: () => void}} CorsHost
 */

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));

export class CorsDialog {
  /** @param {CorsHost} host */
  constructor(host) {
    this.host = host;
    /** @type {CorsPlan | null} */
    this.plan = null;
    /** @type {string | null} the fix an undo undoes; null: a fix */
    this.undoes = null;
    this.running = false;
    this.done = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.typing = undefined;
    $("cors-origin").addEventListener("input", () => {
      clearTimeout(this.typing);
      this.plan = null;
      this.update();
      this.typing = setTimeout(() => this.load(), 350);
    });
    $("cors-force").addEventListener("change", () => this.load());
    $("cors-cancel").addEventListener("click", () => this.dialog().close());
    this.dialog().addEventListener("cancel", (e) => { if (this.running) e.preventDefault(); });
    $("cors-form").addEventListener("submit", (e) => {
      e.preventDefault();
      if (this.done) this.dialog().close();
      else if (!input("cors-confirm").disabled) this.send();
    });
    store.on("place", () => { if (this.dialog().open && !this.running && !this.undoes) this.dialog().close(); });
  }

  /** @returns {HTMLDialogElement} */
  dialog() {
    return /** @type {HTMLDialogElement} */ ($("cors-dialog"));
  }

  /** The fix for the open API. */
  openFix() {
    if (!store.apiId) return;
    this.undoes = null;
    $("cors-title").textContent = `CORS headers for refused tokens · ${store.apiName(store.apiId)}`;
    $("cors-origin-field").hidden = false;
    input("cors-origin").value = "*";
    this.show();
    input("cors-origin").focus();
  }

  /** The undo of a fix, from History. @param {ApplySummary} a */
  openUndo(a) {
    this.undoes = a.id;
    $("cors-title").textContent = `Undo: ${a.title}`;
    $("cors-origin-field").hidden = true;
    this.show();
    input("cors-confirm").focus();
  }

  show() {
    this.done = false;
    input("cors-force").checked = false;
    $("cors-cancel").hidden = false;
    this.dialog().showModal();
    this.load();
  }

  /** Reads the plan for what the dialog shows; a late answer for an earlier one is dropped. */
  async load() {
    const undoes = this.undoes;
    const apiId = store.apiId;
    this.plan = null;
    this.showPlan(null);
    const ticket = store.begin("corsPlan");
    const done = busy("cors-reading", "Reading the gateway responses…", "cors-reading-text");
    try {
      const plan = undoes
        ? await api.corsUndoPreview(undoes, input("cors-force").checked)
        : apiId ? await api.corsPreview(store.ctx(), apiId, input("cors-origin").value) : null;
      if (!ticket.current()) return;
      this.plan = plan;
      this.showPlan(plan);
    } catch (e) {
      if (ticket.current()) this.showError(e);
    } finally {
      if (ticket.current()) done();
    }
  }

  /** @param {Partial<ErrorView>} e */
  showError(e) {
    $("cors-error").replaceChildren(...errorParts(e));
    $("cors-error").hidden = false;
  }

  /** @param {CorsPlan | null} p */
  showPlan(p) {
    $("cors-error").hidden = true;
    $("cors-summary").textContent = p?.summary ?? "";
    const changes = p?.changes ?? [];
    $("cors-changes").replaceChildren(...changes.map((c) =>
      el("tr", { "data-testid": "cors-change", "data-key": c.key },
        el("td", { class: "path" }, c.key),
        el("td", {}, c.beforeText),
        el("td", { class: "arrow" }, "→"),
        el("td", {}, c.afterText),
        el("td", { class: "cors-result", "data-testid": "cors-result" }, ""))));
    $("cors-changes-wrap").hidden = changes.length === 0;
    const skipped = p?.skipped ?? [];
    $("cors-skipped").replaceChildren(...skipped.map((s) => el("li", {}, `${s.key}: left alone — ${s.reason}`)));
    $("cors-skipped-box").hidden = skipped.length === 0 && !input("cors-force").checked;
    this.update();
  }

  update() {
    const p = this.plan;
    const button = input("cors-confirm");
    button.disabled = this.running || (!this.done && (!p || p.changes.length === 0));
    button.textContent = this.done ? "Close" : p?.applyLabel ?? (this.undoes ? "Undo" : "Add the headers");
  }

  async send() {
    const p = this.plan;
    const apiId = store.apiId;
    if (!p) return;
    this.running = true;
    this.update();
    $("cors-cancel").disabled = true;
    const done = busy("cors-reading", this.undoes ? "Restoring the gateway responses…" : "Adding the header…", "cors-reading-text");
    try {
      /** @type {CorsReport} */
      const report = this.undoes
        ? await api.undoCors(this.undoes, input("cors-force").checked)
        : await api.fixCors(store.ctx(), apiId ?? p.apiId, store.apiName(apiId ?? p.apiId), input("cors-origin").value);
      for (const r of report.results) {
        const cell = document.querySelector(`[data-testid=cors-change][data-key="${r.key}"] [data-testid=cors-result]`);
        if (cell) {
          cell.textContent = r.error ? `${r.status} — ${r.error}` : r.status;
          cell.classList.toggle("failed", r.status === "failed");
          /** @type {HTMLElement} */ (cell).dataset.status = r.status;
        }
      }
      $("cors-summary").textContent = report.summary;
      setStatus(report.summary);
      this.done = true;
      $("cors-cancel").hidden = true;
      this.host.loadHistory();
      await this.host.refreshReview();
    } catch (e) {
      this.showError(e);
    } finally {
      done();
      this.running = false;
      $("cors-cancel").disabled = false;
      this.update();
      if (this.done) input("cors-confirm").focus();
    }
  }
}
