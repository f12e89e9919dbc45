// @ts-check
// Protect: the protect bar under the review, the preview/apply dialog with its progress bar and
// per-method results, the "not live yet" banner with Deploy, and the History view with Undo.

import * as api from "./api.js";
import { $, el, setStatus } from "./dom.js";
import { deployedText, methodKey, protectAuthorizers } from "./logic.js";
import { store } from "./state.js";

/** @typedef {import("./bindings/ApplyEvent").ApplyEvent} ApplyEvent */
/** @typedef {import("./bindings/ApplyReport").ApplyReport} ApplyReport */
/** @typedef {import("./bindings/ApplySummary").ApplySummary} ApplySummary */
/** @typedef {import("./bindings/MethodResult").MethodResult} MethodResult */
/** @typedef {import("./bindings/Plan").Plan} Plan */
/** @typedef {import("./bindings/Target").Target} Target */
/** @typedef {import("./api.js").Authorizer} Authorizer */
/** @typedef {import("./api.js").Ctx} Ctx */
/** @typedef {import("./bindings/ApiKind").ApiKind} ApiKind */

/** A method's result as Rust words it; the class (colour and symbol) follows its status. */
function resultCell(/** @type {MethodResult} */ result) {
  return el("span", { class: `result result-${result.status}`, "data-testid": "apply-result", "data-status": result.status },
    result.statusText, result.error ? el("span", { class: "detail" }, result.error) : null);
}

/**
 * What the protect flow may ask of the page: the checked methods, and what to do once it changed the API.
 * @typedef {{showError: (e: Partial<import("./bindings/ErrorView").ErrorView>, retry?: () => void) => void, refreshReview: () => Promise<void>, loadHistory: () => void,
 *   markUndeployed: () => void, review: {selected: Set<string>}}} ProtectHost
 */

export class Protect {
  /** @param {ProtectHost} host */
  constructor(host) {
    this.host = host;
    /** @type {Plan | null} */
    this.plan = null;
    /** @type {Target | null} what a protect or unprotect asks; null for an undo */
    this.target = null;
    /** @type {ApplySummary | null} the apply being undone, for an undo */
    this.undoOf = null;
    /** @type {Ctx | null} */
    this.ctx = null;
    /** @type {string | null} */
    this.apiId = null;
    /** @type {string[]} keys of the methods that failed, for "Retry failed" */
    this.failed = [];
    this.running = false;
    this.applied = false;
    /** @type {(event: ApplyEvent) => void} */
    this.onEvent = () => {};
    $("preview").addEventListener("click", () => this.preview(this.protectTarget()));
    $("unprotect").addEventListener("click", () => this.preview({ kind: "unprotect" }));
    $("apply").addEventListener("click", () => this.undoOf
      ? this.apply([], () => api.undoApply(this.undoOf.id, $("undo-force").checked, this.onEvent))
      : this.apply(this.plan.items.map(methodKey)));
    $("undo-force").addEventListener("change", () => this.previewUndo(this.undoOf));
    $("retry-failed").addEventListener("click", () => this.apply(this.failed));
    $("preview-close").addEventListener("click", () => $("preview-dialog").close());
    $("preview-dialog").addEventListener("cancel", (e) => { if (this.running) e.preventDefault(); });
    $("preview-dialog").addEventListener("close", () => { if (this.applied) { this.applied = false; this.host.refreshReview(); } });
    $("preview-accept").addEventListener("change", () => this.updateApplyButton());
    $("deploy").addEventListener("click", () => this.deploy());
    $("deploy-stage").addEventListener("keydown", (e) => { if (e.key === "Enter") this.deploy(); });
  }

  /**
   * The authorizer select lists the API's Cognito authorizers (REST) or JWT authorizers (HTTP).
   * @param {Authorizer[]} authorizers
   * @param {ApiKind} kind
   * @param {string} [selectId]  the one to select (just created), else the current choice stays
   */
  fillAuthorizers(authorizers, kind, selectId) {
    const usable = protectAuthorizers(authorizers, kind);
    const select = $("authorizer-select");
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
    const any = this.host.review.selected.size > 0;
    $("preview").disabled = !any || !$("authorizer-select").value;
    $("unprotect").disabled = !any;
  }

  /** @returns {Target} */
  protectTarget() {
    return { kind: "protect", authorizerId: $("authorizer-select").value, scopes: [] };
  }

  /** @param {Target} target */
  async preview(target) {
    this.undoOf = null;
    const ctx = store.ctx();
    const methods = [...this.host.review.selected];
    if (target.kind === "protect") target.scopes = await api.parseScopes($("scopes").value);
    this.target = target;
    this.ctx = ctx;
    this.apiId = store.apiId;
    this.failed = [];
    setStatus("Preparing the preview…");
    let plan;
    try {
      plan = await api.planChanges(ctx, this.apiId, methods, target);
    } catch (e) {
      setStatus("");
      this.host.showError(e);
      return;
    }
    setStatus("");
    this.plan = plan;
    this.renderPlan(plan);
    $("preview-dialog").showModal();
    $("apply").focus();
  }

  /** Undo from History: a fresh preview, "restore anyway" unticked. */
  startUndo(/** @type {ApplySummary} */ entry) {
    $("undo-force").checked = false;
    this.previewUndo(entry);
  }

  /** The preview of an undo: what is restored, and what is left alone and why. */
  async previewUndo(/** @type {ApplySummary} */ entry) {
    const force = this.undoOf?.id === entry.id && $("undo-force").checked;
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
    this.undoOf = entry;
    this.plan = plan;
    this.target = null;
    this.renderPlan(plan);
    $("undo-force").checked = force;
    if (!$("preview-dialog").open) $("preview-dialog").showModal();
    $("apply").focus();
  }

  /** Lays out a plan as Rust words it: rows before → after, the summary, warnings, what an undo skips. */
  renderPlan(/** @type {Plan} */ plan) {
    const changes = plan.changeCount;
    const undo = !!this.undoOf;
    $("preview-title").textContent = undo ? `Undo: ${this.undoOf.apiName} · ${this.undoOf.description}`
      : this.target.kind === "protect" ? "Preview: protect methods" : "Preview: remove protection";
    $("preview-summary").textContent = plan.summary;
    const rows = plan.items.map((i) => {
      const unchanged = !i.changes;
      return el("tr", { "data-testid": "preview-row", "data-key": methodKey(i), "data-unchanged": String(unchanged) },
        el("td", {}, el("span", { class: "verb" }, i.verb), " ", el("span", { class: "path" }, i.path)),
        el("td", {}, i.beforeText),
        el("td", { class: "arrow" }, "→"),
        el("td", {}, unchanged ? el("span", { class: "unchanged-label" }, i.afterText) : i.afterText),
        el("td", { class: "result-cell" }, el("span", { class: "result result-pending" }, unchanged ? "not sent" : "")));
    });
    const skipped = plan.skipped;
    // Rows left alone come first: they are what the user must decide about.
    for (const k of [...skipped].reverse()) {
      rows.unshift(el("tr", { "data-testid": "preview-row", "data-key": methodKey(k), "data-skipped": "true" },
        el("td", {}, el("span", { class: "verb" }, k.verb), " ", el("span", { class: "path" }, k.path)),
        el("td", {}, k.foundText),
        el("td", { class: "arrow" }, "→"),
        el("td", {}, k.restoreText),
        el("td", { class: "result-cell" },
          el("span", { class: "result result-skipped", "data-testid": "apply-result", "data-status": "skipped" }, k.reason))));
    }
    $("preview-rows").replaceChildren(...rows);
    const force = $("undo-force").checked;
    $("preview-skipped").hidden = !undo || (skipped.length === 0 && !force);
    $("preview-skipped-text").textContent = plan.skippedSummary
      ?? "Restoring every method, also those changed since the apply.";
    // "Restore anyway" only matters for methods that still exist.
    $("undo-force").parentElement.hidden = !skipped.some((k) => k.found) && !force;
    $("preview-warning-list").replaceChildren(...plan.warningMessages.map((m) => el("li", {}, m)));
    $("preview-warnings").hidden = plan.warningMessages.length === 0;
    $("preview-accept").checked = false;
    $("apply-status").hidden = true;
    $("apply-live").hidden = true;
    $("preview-error").hidden = true;
    $("retry-failed").hidden = true;
    $("apply").hidden = false;
    $("apply").textContent = !changes ? (undo ? "Nothing to restore" : "Nothing to apply")
      : `${undo ? "Undo" : "Apply to"} ${changes} method${changes === 1 ? "" : "s"}`;
    $("preview-close").textContent = "Cancel";
    this.changes = changes;
    this.updateApplyButton();
  }

  updateApplyButton() {
    const blocked = this.plan.warnings.length > 0 && !$("preview-accept").checked;
    $("apply").disabled = this.running || this.changes === 0 || blocked;
  }

  /**
   * Applies to `methods` (all planned, or only the failed ones), or runs `send` (an undo),
   * streaming progress into the rows.
   * @param {string[]} methods
   * @param {() => Promise<ApplyReport>} [send]
   */
  async apply(methods, send) {
    this.running = true;
    this.updateApplyButton();
    $("retry-failed").hidden = true;
    $("preview-error").hidden = true;
    $("apply-status").hidden = false;
    $("apply-progress").value = 0;
    $("apply-progress").max = Math.max(methods.length, 1);
    $("apply-progress-text").textContent = "Starting…";
    $("preview-close").disabled = true;
    const rows = new Map([...$("preview-rows").rows].map((r) => [r.dataset.key, r]));
    for (const key of send ? this.plan.items.filter((i) => i.changes).map(methodKey) : methods) {
      const cell = rows.get(key)?.querySelector(".result-cell");
      if (cell) cell.replaceChildren(el("span", { class: "result result-pending" }, "waiting…"));
    }
    /** @type {import("./api.js").ApplyRequest} */
    const request = {
      apiId: this.apiId,
      apiName: store.apiName(this.apiId),
      methods,
      target: this.target,
      acceptWarnings: $("preview-accept").checked,
    };
    this.onEvent = (ev) => {
      if (ev.event === "started") {
        $("apply-progress").max = Math.max(ev.total, 1);
      } else if (ev.event === "method") {
        $("apply-progress").value = ev.done;
        $("apply-progress-text").textContent = `${ev.done} of ${ev.total} methods done`;
        const cell = rows.get(ev.result.key)?.querySelector(".result-cell");
        if (cell) cell.replaceChildren(resultCell(ev.result));
      }
    };
    try {
      const report = await (send ? send() : api.applyChanges(this.ctx, request, this.onEvent));
      this.applied = true;
      for (const r of report.results) {
        const cell = rows.get(r.key)?.querySelector(".result-cell");
        if (cell) cell.replaceChildren(resultCell(r));
      }
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
      if (report.changed > 0) this.host.markUndeployed();
    } catch (e) {
      // Refused before anything was sent (another writer, bad input, AWS unreachable).
      const started = $("apply-progress").value > 0;
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
      ($("retry-failed").hidden ? $("preview-close") : $("retry-failed")).focus();
    }
  }

  /**
   * The banner: visible while applies to this API are not deployed.
   * @param {Ctx} ctx
   * @param {string} apiId
   * @param {() => boolean} gen  whether the answer is still for what the window shows
   */
  async refreshBanner(ctx, apiId, gen) {
    let text = null;
    try {
      text = (await api.undeployed(ctx, apiId)).text;
    } catch { text = null; }
    if (!gen()) return;
    $("undeployed-banner").hidden = !text;
    $("undeployed-text").textContent = text ?? "";
    if (text) {
      try {
        const stages = await api.listStages(ctx, apiId);
        if (!gen()) return;
        $("stage-options").replaceChildren(...stages.map((s) => el("option", { value: s.name })));
        if (stages.length && !stages.some((s) => s.name === $("deploy-stage").value)) $("deploy-stage").value = stages[0].name;
      } catch { /* the stage can still be typed */ }
    }
  }

  async deploy() {
    const ctx = store.ctx();
    const apiId = store.apiId;
    const stage = $("deploy-stage").value.trim();
    $("deploy").disabled = true;
    $("deploy-progress").hidden = false;
    setStatus(`Deploying to ${stage}…`);
    try {
      const d = await api.deployApi(ctx, apiId, stage, $("deploy-description").value);
      setStatus(`Deployed to ${d.stage} (deployment ${d.id}).`);
      $("undeployed-banner").hidden = true;
      $("deploy-description").value = "";
      this.host.loadHistory();
    } catch (e) {
      setStatus("");
      this.host.showError(e, () => this.deploy());
    } finally {
      $("deploy").disabled = false;
      $("deploy-progress").hidden = true;
    }
  }
}

/** The History view: every apply with its before/after, and Undo. */
/** @typedef {{showError: (e: Partial<import("./bindings/ErrorView").ErrorView>, retry?: () => void) => void, protect: {startUndo: (a: ApplySummary) => void}}} HistoryHost what the view may ask of the page */

export class History {
  /** @param {HistoryHost} host */
  constructor(host) {
    this.host = host;
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
      $("history-list").replaceChildren(...items.map((a) => this.item(a)));
      for (const id of expanded) {
        const d = /** @type {HTMLDetailsElement | null} */ (document.querySelector(`[data-testid=history-item][data-apply-id="${id}"] details`));
        if (d) d.open = true;
      }
    }
    // Another window or a `gatehouse` command may be writing: keep the list current while shown.
    clearTimeout(this.timer);
    if (!$("view-history").hidden) this.timer = setTimeout(() => this.load(), items.some((a) => a.running) ? 1000 : 3000);
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
        a.deployed ? el("span", { class: "pill deployed", "data-testid": "history-deployed" }, deployedText(a.deployed)) : null,
        a.undoneBy ? el("span", { class: "pill" }, "undone") : null,
        a.partlyUndoneBy && !a.undoneBy ? el("span", { class: "pill warn" }, "partly undone") : null,
        a.canUndo ? el("button", { type: "button", "data-testid": "undo", onclick: () => this.host.protect.startUndo(a) }, "Undo…") : null),
      el("details", {}, el("summary", {}, `${a.methods.length} method${a.methods.length === 1 ? "" : "s"}: ${a.description}`),
        el("ul", {}, a.methods.map((m) => el("li", {}, m.text)))));
  }

}
