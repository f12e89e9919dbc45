// @ts-check
// Protect: the protect bar under the review, and the preview/apply dialog with its progress bar
// and per-method results (an undo from History uses the same dialog). The methods are the
// store's selection, in the editor; every text about them is Rust's.

import * as api from "../api.js";
import { $, el, setStatus } from "../dom.js";
import { store } from "../state.js";
import { protectAuthorizers } from "./protect-logic.js";

/** @typedef {import("../bindings/ApplyEvent").ApplyEvent} ApplyEvent */
/** @typedef {import("../bindings/ApplyReport").ApplyReport} ApplyReport */
/** @typedef {import("../bindings/ApplyRequest").ApplyRequest} ApplyRequest */
/** @typedef {import("../bindings/ApplySummary").ApplySummary} ApplySummary */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("../bindings/MethodResult").MethodResult} MethodResult */
/** @typedef {import("../bindings/Plan").Plan} Plan */
/** @typedef {import("../bindings/Target").Target} Target */
/** @typedef {import("../bindings/Authorizer").Authorizer} Authorizer */
/** @typedef {import("../bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("../bindings/Ctx").Ctx} Ctx */
/** @typedef {import("../bindings/AuthorizerChoice").AuthorizerChoice} AuthorizerChoice */
/** @typedef {import("../bindings/AuthorizerInput").AuthorizerInput} AuthorizerInput */

/** A method's result as Rust words it; the class (colour and symbol) follows its status. */
function resultCell(/** @type {MethodResult} */ result) {
  return el("span", { class: `result result-${result.status}`, "data-testid": "apply-result", "data-status": result.status },
    result.statusText, result.error ? el("span", { class: "detail" }, result.error) : null);
}

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));

/**
 * What the protect flow may ask of the page: errors shown, the open API read again once it
 * changed, History read again, and the authorizer dialog opened.
 * @typedef {{
 *   showError: (e: Partial<ErrorView>, retry?: () => void) => void,
 *   refreshReview: () => Promise<void>,
 *   loadHistory: () => void,
 *   newAuthorizer: () => void,
 *   changeTemplate: (methods: string[], authorizer: AuthorizerChoice, scopes: string[]) => void,
 *   chooseTemplateAuthorizer: (then: (choice: {poolRegion: string, poolId: string, input: AuthorizerInput}) => void) => void,
 * }} ProtectHost
 */

/** What the preview dialog shows and applies: a protect or unprotect of the open API's methods, or an undo. */
/** @typedef {{kind: "change", target: Target, ctx: Ctx, apiId: string} | {kind: "undo", of: ApplySummary}} Preview */

export class Protect {
  /** @param {ProtectHost} host */
  constructor(host) {
    this.host = host;
    /** @type {Plan | null} */
    this.plan = null;
    /** @type {Preview | null} */
    this.shown = null;
    /** @type {string[]} keys of the methods that failed, for "Retry failed" */
    this.failed = [];
    this.running = false;
    this.applied = false;
    /** @type {(event: ApplyEvent) => void} */
    this.onEvent = () => {};
    $("preview").addEventListener("click", () => this.preview(this.protectTarget()));
    $("unprotect").addEventListener("click", () => this.preview({ kind: "unprotect" }));
    $("as-code").addEventListener("click", () => this.asCode());
    // The warning on a stack-owned API says "change the template instead": so does its button.
    $("preview-as-code").addEventListener("click", () => { this.dialog().close(); this.asCode(); });
    $("apply").addEventListener("click", () => {
      const shown = this.shown;
      if (shown?.kind === "undo") this.apply([], () => api.undoApply(shown.of.id, input("undo-force").checked, this.onEvent));
      else if (this.plan) this.apply(this.plan.items.map((i) => i.key));
    });
    $("undo-force").addEventListener("change", () => { if (this.shown?.kind === "undo") this.previewUndo(this.shown.of); });
    $("retry-failed").addEventListener("click", () => this.apply(this.failed));
    $("preview-close").addEventListener("click", () => this.dialog().close());
    $("preview-dialog").addEventListener("cancel", (e) => { if (this.running) e.preventDefault(); });
    $("preview-dialog").addEventListener("close", () => { if (this.applied) { this.applied = false; this.host.refreshReview(); } });
    $("preview-accept").addEventListener("change", () => this.updateApplyButton());
    $("authorizer-create").addEventListener("click", () => this.host.newAuthorizer());
    store.on("selection", () => this.updateButtons());
    store.on("review", ({ selectAuthorizerId }) => {
      if (!store.review) return;
      this.fillAuthorizers(store.review.authorizers, store.review.kind, selectAuthorizerId);
    });
  }

  /** @returns {HTMLDialogElement} */
  dialog() {
    return /** @type {HTMLDialogElement} */ ($("preview-dialog"));
  }

  /**
   * The authorizer select lists the API's Cognito authorizers (REST) or JWT authorizers (HTTP).
   * @param {Authorizer[]} authorizers
   * @param {ApiKind} kind
   * @param {string} [selectId]  the one to select (just created), else the current choice stays
   */
  fillAuthorizers(authorizers, kind, selectId) {
    const usable = protectAuthorizers(authorizers, kind);
    const select = /** @type {HTMLSelectElement} */ ($("authorizer-select"));
    const previous = selectId ?? select.value;
    const what = kind === "HTTP" ? "JWT" : "Cognito";
    select.replaceChildren(...(usable.length
      ? usable.map((a) => el("option", { value: a.id }, `${a.name} (${a.id})`))
      : [el("option", { value: "" }, `No ${what} authorizer yet — create one`)]));
    if (usable.some((a) => a.id === previous)) select.value = previous;
    $("authorizer-create").title = kind === "HTTP" ? "Create a JWT authorizer for a Cognito user pool" : "Create a Cognito user pool authorizer";
    this.updateButtons();
  }

  updateButtons() {
    const any = store.selection.size > 0;
    $("preview").disabled = !any || !input("authorizer-select").value;
    $("unprotect").disabled = !any;
    $("as-code").disabled = !any;
  }

  /** "Change the template": the selection with the authorizer chosen (else one to declare,
   * chosen in the authorizer dialog), written into the API's template instead of sent. */
  async asCode() {
    const methods = [...store.selection];
    if (!methods.length) return;
    store.setServedBy("editor");
    const scopes = await api.parseScopes(input("scopes").value);
    const authorizerId = input("authorizer-select").value;
    if (authorizerId) this.host.changeTemplate(methods, { kind: "existing", authorizerId }, scopes);
    else this.host.chooseTemplateAuthorizer((choice) => this.host.changeTemplate(methods, { kind: "new", ...choice }, scopes));
  }

  /** @returns {Target} */
  protectTarget() {
    return { kind: "protect", authorizerId: input("authorizer-select").value, scopes: [] };
  }

  /** @param {Target} target */
  async preview(target) {
    const apiId = store.apiId;
    if (!apiId) return;
    const ctx = store.ctx();
    const methods = [...store.selection];
    // A protect changes the editor: the review shows the editor again, where the selection is.
    store.setServedBy("editor");
    if (target.kind === "protect") target.scopes = await api.parseScopes(input("scopes").value);
    this.failed = [];
    setStatus("Preparing the preview…");
    let plan;
    try {
      plan = await api.planChanges(ctx, apiId, methods, target);
    } catch (e) {
      setStatus("");
      this.host.showError(e);
      return;
    }
    setStatus("");
    this.shown = { kind: "change", target, ctx, apiId };
    this.plan = plan;
    this.renderPlan(plan, this.shown);
    this.dialog().showModal();
    $("apply").focus();
  }

  /** Undo from History: a fresh preview, "restore anyway" unticked. */
  startUndo(/** @type {ApplySummary} */ entry) {
    input("undo-force").checked = false;
    this.previewUndo(entry);
  }

  /** The preview of an undo: what is restored, and what is left alone and why. */
  async previewUndo(/** @type {ApplySummary} */ entry) {
    const force = this.shown?.kind === "undo" && this.shown.of.id === entry.id && input("undo-force").checked;
    setStatus("Reading the API's current state…");
    let plan;
    try {
      plan = await api.planUndo(entry.id, force);
    } catch (e) {
      setStatus("");
      this.host.showError(e, () => this.previewUndo(entry));
      return;
    }
    setStatus("");
    this.shown = { kind: "undo", of: entry };
    this.plan = plan;
    this.renderPlan(plan, this.shown);
    input("undo-force").checked = force;
    if (!this.dialog().open) this.dialog().showModal();
    $("apply").focus();
  }

  /**
   * Lays out a plan as Rust words it: rows before → after, the summary, warnings, what an undo skips.
   * @param {Plan} plan @param {Preview} shown
   */
  renderPlan(plan, shown) {
    const undo = shown.kind === "undo";
    $("preview-title").textContent = shown.kind === "undo" ? `Undo: ${shown.of.apiName} · ${shown.of.description}`
      : shown.target.kind === "protect" ? "Preview: protect methods" : "Preview: remove protection";
    $("preview-summary").textContent = plan.summary;
    const rows = plan.items.map((i) => {
      const unchanged = !i.changes;
      return el("tr", { "data-testid": "preview-row", "data-key": i.key, "data-unchanged": String(unchanged) },
        el("td", {}, el("span", { class: "verb" }, i.verb), " ", el("span", { class: "path" }, i.path)),
        el("td", {}, i.beforeText),
        el("td", { class: "arrow" }, "→"),
        el("td", {}, unchanged ? el("span", { class: "unchanged-label" }, i.afterText) : i.afterText),
        el("td", { class: "result-cell" }, el("span", { class: "result result-pending" }, unchanged ? "not sent" : "")));
    });
    const skipped = plan.skipped;
    // Rows left alone come first: they are what the user must decide about.
    for (const k of [...skipped].reverse()) {
      rows.unshift(el("tr", { "data-testid": "preview-row", "data-key": k.key, "data-skipped": "true" },
        el("td", {}, el("span", { class: "verb" }, k.verb), " ", el("span", { class: "path" }, k.path)),
        el("td", {}, k.foundText),
        el("td", { class: "arrow" }, "→"),
        el("td", {}, k.restoreText),
        el("td", { class: "result-cell" },
          el("span", { class: "result result-skipped", "data-testid": "apply-result", "data-status": "skipped" }, k.reason))));
    }
    $("preview-rows").replaceChildren(...rows);
    const force = input("undo-force").checked;
    $("preview-skipped").hidden = !undo || (skipped.length === 0 && !force);
    $("preview-skipped-text").textContent = plan.skippedSummary
      ?? "Restoring every method, also those changed since the apply.";
    // "Restore anyway" only matters for methods that still exist.
    /** @type {HTMLElement} */ (input("undo-force").parentElement).hidden = !skipped.some((k) => k.found) && !force;
    $("preview-warning-list").replaceChildren(...plan.warningMessages.map((m) => el("li", {}, m)));
    $("preview-warnings").hidden = plan.warningMessages.length === 0;
    $("preview-as-code").hidden = shown.kind !== "change" || shown.target.kind !== "protect"
      || !plan.warnings.some((w) => w.kind === "stackManaged");
    input("preview-accept").checked = false;
    $("apply-status").hidden = true;
    $("apply-live").hidden = true;
    $("preview-error").hidden = true;
    $("retry-failed").hidden = true;
    $("apply").hidden = false;
    $("apply").textContent = plan.applyLabel;
    $("preview-close").textContent = "Cancel";
    this.updateApplyButton();
  }

  updateApplyButton() {
    const plan = this.plan;
    const blocked = !!plan && plan.warnings.length > 0 && !input("preview-accept").checked;
    $("apply").disabled = this.running || !plan || plan.changeCount === 0 || blocked;
  }

  /**
   * Applies to `methods` (all planned, or only the failed ones), or runs `send` (an undo),
   * streaming progress into the rows.
   * @param {string[]} methods
   * @param {() => Promise<ApplyReport>} [send]
   */
  async apply(methods, send) {
    const shown = this.shown;
    const plan = this.plan;
    if (!shown || !plan) return;
    this.running = true;
    this.updateApplyButton();
    $("retry-failed").hidden = true;
    $("preview-error").hidden = true;
    $("apply-status").hidden = false;
    const progress = /** @type {HTMLProgressElement} */ ($("apply-progress"));
    progress.value = 0;
    progress.max = Math.max(methods.length, 1);
    $("apply-progress-text").textContent = "Starting…";
    $("preview-close").disabled = true;
    const rows = new Map([.../** @type {HTMLTableSectionElement} */ ($("preview-rows")).rows].map((r) => [r.dataset.key, r]));
    const show = (/** @type {string} */ key, /** @type {HTMLElement} */ content) => rows.get(key)?.querySelector(".result-cell")?.replaceChildren(content);
    for (const key of send ? plan.items.filter((i) => i.changes).map((i) => i.key) : methods) {
      show(key, el("span", { class: "result result-pending" }, "waiting…"));
    }
    this.onEvent = (ev) => {
      if (ev.event === "started") {
        progress.max = Math.max(ev.total, 1);
      } else if (ev.event === "method") {
        progress.value = ev.done;
        $("apply-progress-text").textContent = `${ev.done} of ${ev.total} methods done`;
        show(ev.result.key, resultCell(ev.result));
      }
    };
    try {
      const report = await (send ? send() : shown.kind === "change" ? api.applyChanges(shown.ctx, {
        apiId: shown.apiId,
        apiName: store.apiName(shown.apiId),
        methods,
        target: shown.target,
        acceptWarnings: input("preview-accept").checked,
      }, this.onEvent) : Promise.reject({ kind: "internal", message: "Nothing to apply." }));
      this.applied = true;
      for (const r of report.results) show(r.key, resultCell(r));
      this.failed = report.results.filter((r) => r.status === "failed").map((r) => r.key);
      $("apply-progress-text").textContent = `Done: ${report.summary}.`;
      // A stage that deploys by itself made the change live already: no Deploy needed.
      $("apply-live").textContent = report.liveOn ? `Live on ${report.liveOn}: this stage deploys every change by itself.` : "";
      $("apply-live").hidden = !report.liveOn;
      if (report.stopped) {
        $("preview-error").textContent = report.stopped;
        $("preview-error").hidden = false;
      }
      $("retry-failed").hidden = this.failed.length === 0 || !!send;
      $("preview-skipped").hidden = true;
      if (send) this.host.loadHistory();
      $("apply").hidden = true;
      $("preview-close").textContent = "Close";
    } catch (e) {
      // Refused before anything was sent (another writer, bad input, AWS unreachable).
      const started = progress.value > 0;
      if (!started) {
        $("apply-status").hidden = true;
        for (const cell of document.querySelectorAll("#preview-rows .result-cell .result-pending")) {
          if (cell.textContent === "waiting…") cell.textContent = "";
        }
      }
      $("preview-error").textContent = (started ? "" : "Nothing was applied: ") + (e.message ?? String(e))
        + (e.hint ? ` ${e.hint}` : "");
      $("preview-error").hidden = false;
    } finally {
      this.running = false;
      $("preview-close").disabled = false;
      this.updateApplyButton();
      const next = $("retry-failed").hidden ? $("preview-close") : $("retry-failed");
      next.focus();
      // WebKit moves the focus off a control disabled while it had it (Apply, during the apply)
      // when it next renders, which can come after this: once more then, unless the user moved on.
      requestAnimationFrame(() => {
        const now = document.activeElement;
        const lost = !now || now === document.body || now.closest("dialog") === next.closest("dialog");
        if (now !== next && lost && !this.running && next.closest("dialog")?.open) next.focus();
      });
    }
  }
}
