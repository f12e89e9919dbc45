// @ts-check
// Deploy, from the review at any time: a dialog with the stage (or a new one), its canary when it
// has one, and the preview of every method whose protection changes there, before → after. The
// changes Gatehouse did not make are flagged and must be acknowledged; a change that opens a
// method says so in words. Every text about AWS state is Rust's (the preview).

import * as api from "../api.js";
import { $, busy, el, errorParts, setStatus } from "../dom.js";
import { store } from "../state.js";
import { servedStage } from "./served-logic.js";

/** @typedef {import("../bindings/DeployPreview").DeployPreview} DeployPreview */
/** @typedef {import("../bindings/DeployTarget").DeployTarget} DeployTarget */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */

/** The stage picker's value for "a new stage", typed beside it. */
const NEW_STAGE = "";

/**
 * What the dialog may ask of the page: the open API read again once deployed, History too.
 * @typedef {{refreshReview: () => Promise<void>, loadHistory: () => void}} DeployHost
 */

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));

export class DeployDialog {
  /** @param {DeployHost} host */
  constructor(host) {
    this.host = host;
    /** @type {DeployPreview | null} the preview shown, for the stage and target chosen */
    this.preview = null;
    this.running = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.typing = undefined;
    $("deploy").addEventListener("click", () => this.open());
    $("deploy-stage").addEventListener("change", () => this.stageChanged());
    $("deploy-new-stage").addEventListener("input", () => {
      clearTimeout(this.typing);
      this.preview = null;
      this.update();
      this.typing = setTimeout(() => this.load(), 350);
    });
    for (const radio of this.targets()) radio.addEventListener("change", () => this.load());
    $("deploy-ack").addEventListener("change", () => this.update());
    $("deploy-cancel").addEventListener("click", () => this.dialog().close());
    // Escape closes, except while the deployment is being made.
    this.dialog().addEventListener("cancel", (e) => { if (this.running) e.preventDefault(); });
    $("deploy-form").addEventListener("submit", (e) => {
      e.preventDefault();
      if (!input("deploy-confirm").disabled) this.deploy();
    });
    store.on("place", () => { if (this.dialog().open && !this.running) this.dialog().close(); });
  }

  /** @returns {HTMLDialogElement} */
  dialog() {
    return /** @type {HTMLDialogElement} */ ($("deploy-dialog"));
  }

  /** @returns {HTMLInputElement[]} */
  targets() {
    return [.../** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="deploy-target"]'))];
  }

  /** The stage chosen, or typed; "" when none yet. */
  stage() {
    const picked = /** @type {HTMLSelectElement} */ ($("deploy-stage")).value;
    return picked === NEW_STAGE ? input("deploy-new-stage").value.trim() : picked;
  }

  /** @returns {DeployTarget} */
  target() {
    const value = this.targets().find((r) => r.checked)?.value;
    return value === "canary" || value === "promote" ? value : "stage";
  }

  /** Opens the dialog on the stage the review shows (else the first whose serving differs). */
  open() {
    const review = store.review;
    if (!store.apiId || !review) return;
    const select = /** @type {HTMLSelectElement} */ ($("deploy-stage"));
    select.replaceChildren(
      ...review.stages.map((s) => el("option", { value: s.name }, s.label)),
      el("option", { value: NEW_STAGE }, "New stage…"));
    const shown = servedStage(review, store.servedBy);
    const first = shown?.stage ?? review.stages.find((s) => s.line) ?? review.stages[0];
    select.value = first ? first.name : NEW_STAGE;
    $("deploy-title").textContent = `Deploy ${store.apiName(store.apiId)}`;
    input("deploy-description").value = "";
    input("deploy-new-stage").value = "";
    $("deploy-error").hidden = true;
    this.dialog().showModal();
    this.stageChanged(shown?.canary);
    select.focus();
  }

  /** A stage was chosen: its canary offered when it has one (the canary first), the preview read.
   * @param {boolean} [canary] */
  stageChanged(canary) {
    const name = /** @type {HTMLSelectElement} */ ($("deploy-stage")).value;
    const isNew = name === NEW_STAGE;
    $("deploy-new-field").hidden = !isNew;
    const stage = store.review?.stages.find((s) => s.name === name);
    $("deploy-target").hidden = !stage?.canary;
    if (stage?.canary) {
      $("deploy-canary-label").textContent = `Deploy to the canary (${stage.canary.percent}%)`;
    }
    for (const r of this.targets()) r.checked = r.value === (stage?.canary && canary !== false ? "canary" : "stage");
    if (isNew) input("deploy-new-stage").focus();
    this.load();
  }

  /** Reads the preview for the stage and target chosen; a late answer for an earlier choice is dropped. */
  async load() {
    const apiId = store.apiId;
    const stage = this.stage();
    this.preview = null;
    this.showPreview(null);
    if (!apiId || !stage) return;
    const ticket = store.begin("deployPreview");
    const done = busy("deploy-reading", `Reading what ${stage} serves…`, "deploy-reading-text");
    try {
      const preview = await api.deployPreview(store.ctx(), apiId, stage, this.target());
      if (!ticket.current()) return;
      this.preview = preview;
      this.showPreview(preview);
    } catch (e) {
      if (ticket.current()) this.showError(e);
    } finally {
      if (ticket.current()) done();
    }
  }

  /** @param {Partial<ErrorView>} e */
  showError(e) {
    $("deploy-error").replaceChildren(...errorParts(e));
    $("deploy-error").hidden = false;
  }

  /** Lays out a preview as Rust words it (null: none yet). @param {DeployPreview | null} p */
  showPreview(p) {
    $("deploy-error").hidden = true;
    $("deploy-summary").textContent = p ? p.summary : "";
    $("deploy-refusal").textContent = p?.refusal ?? "";
    $("deploy-refusal").hidden = !p?.refusal;
    const changes = p?.changes ?? [];
    $("deploy-changes").replaceChildren(...changes.map((c) =>
      el("tr", { "data-testid": "deploy-change", "data-key": c.key, "data-by-gatehouse": String(c.byGatehouse), "data-opens": String(c.opens) },
        el("td", { class: "path" }, c.key),
        el("td", {}, c.before),
        el("td", { class: "arrow" }, "→"),
        el("td", {}, c.after),
        el("td", {},
          c.byGatehouse ? null : el("span", { class: "flag not-ours" }, "not made by Gatehouse"),
          c.opens ? el("span", { class: "flag opens" }, "opens it to anyone") : null))));
    $("deploy-changes-wrap").hidden = changes.length === 0;
    const notOurs = changes.filter((c) => !c.byGatehouse);
    // The box says they are not Gatehouse's: each line is the change itself.
    $("deploy-not-ours").replaceChildren(...notOurs.map((c) => el("li", {}, `${c.key}: ${c.before} → ${c.after}`)));
    $("deploy-ack-box").hidden = notOurs.length === 0 || !!p?.refusal;
    input("deploy-ack").checked = false;
    this.update();
  }

  /** Deploy is enabled for a preview that is not refused, with others' changes acknowledged. */
  update() {
    const p = this.preview;
    const ok = !!p && !p.refusal && (p.notByGatehouse.length === 0 || input("deploy-ack").checked);
    input("deploy-confirm").disabled = this.running || !ok;
    input("deploy-confirm").textContent = { canary: "Deploy to the canary", promote: "Promote the canary", stage: "Deploy" }[p?.target ?? "stage"];
  }

  async deploy() {
    const apiId = store.apiId;
    const p = this.preview;
    if (!apiId || !p) return;
    this.running = true;
    this.update();
    $("deploy-cancel").disabled = true;
    const done = busy("deploy-reading",
      { canary: `Deploying to ${p.stage}'s canary…`, promote: `Promoting ${p.stage}'s canary…`, stage: `Deploying to ${p.stage}…` }[p.target],
      "deploy-reading-text");
    try {
      const { deployment } = await api.deployToStage(store.ctx(), apiId, p.stage, p.target,
        input("deploy-description").value, input("deploy-ack").checked);
      setStatus(p.target === "promote"
        ? `Promoted ${p.stage}'s canary: the stage serves deployment ${deployment.id}.`
        : `Deployed to ${deployment.stage} (deployment ${deployment.id}).`);
      this.running = false;
      this.dialog().close();
      this.host.loadHistory();
      await this.host.refreshReview();
    } catch (e) {
      this.showError(e);
    } finally {
      done();
      this.running = false;
      $("deploy-cancel").disabled = false;
      this.update();
    }
  }
}
