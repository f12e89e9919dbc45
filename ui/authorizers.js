// @ts-check
// The authorizer dialog (create or edit a Cognito user pool authorizer) and the Authorizers view.

import * as api from "./api.js";
import { $, el, busy } from "./dom.js";

/** @typedef {import("./bindings/AppClient").AppClient} AppClient */
/** @typedef {import("./bindings/AuthorizerInput").AuthorizerInput} AuthorizerInput */
/** @typedef {import("./bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("./bindings/UserPool").UserPool} UserPool */
/** @typedef {import("./api.js").ApiReview} ApiReview */
/** @typedef {import("./api.js").Authorizer} Authorizer */

export class AuthorizerDialog {
  constructor(app) {
    this.app = app;
    /** @type {UserPool[]} */
    this.pools = [];
    /** @type {AppClient[]} */
    this.clients = [];
    /** @type {UserPool | null} */
    this.pool = null;
    /** @type {Authorizer | null} */
    this.editing = null;
    /** @type {AuthorizerInput | null} what a new authorizer starts with, from Rust */
    this.defaults = null;
    /** @type {((authorizer: Authorizer) => void) | null} */
    this.onDone = null;
    this.nameEdited = false;
    this.loadGen = 0;
    $("ad-region").addEventListener("change", () => this.loadPools());
    $("ad-name").addEventListener("input", () => { this.nameEdited = true; });
    $("ad-regex").addEventListener("input", () => this.regexChanged(true));
    $("ad-cancel").addEventListener("click", () => $("authorizer-dialog").close());
    $("authorizer-form").addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
  }

  fillRegions(/** @type {string[]} */ regions) {
    $("ad-region").replaceChildren(...regions.map((r) => el("option", { value: r }, r)));
  }

  /** What a new authorizer starts with (token source, TTL), asked once from Rust; null (and
   * the error shown) when Rust could not be asked. */
  async defaultInput() {
    try {
      this.defaults ??= await api.authorizerDefaults();
      return this.defaults;
    } catch (e) {
      this.app.showError(e);
      return null;
    }
  }

  /** Shows `region` in the Cognito region picker, adding it when it is not a listed one. */
  showRegion(/** @type {string} */ region) {
    if (![...$("ad-region").options].some((o) => o.value === region)) $("ad-region").append(el("option", { value: region }, region));
    $("ad-region").value = region;
  }

  /**
   * Opens the dialog to create an authorizer; `onDone(authorizer)` runs after AWS created it.
   * @param {(authorizer: Authorizer) => void} onDone
   */
  async openCreate(onDone) {
    const defaults = await this.defaultInput();
    if (!defaults) return;
    this.editing = null;
    this.onDone = onDone;
    this.nameEdited = false;
    $("authorizer-dialog-title").textContent = "New Cognito user pool authorizer";
    $("ad-submit").textContent = "Create authorizer";
    $("ad-region").disabled = false;
    $("ad-name").value = defaults.name;
    $("ad-source").value = defaults.identitySource;
    $("ad-regex").value = defaults.clientIdRegex;
    $("ad-ttl").value = String(defaults.ttlSeconds);
    this.clearErrors();
    this.showRegion(this.app.ctx().region);
    $("authorizer-dialog").showModal();
    this.loadPools();
  }

  /**
   * Opens the dialog on an existing authorizer: its pool stays, the rest can change.
   * @param {Authorizer} authorizer
   * @param {() => void} onDone
   */
  async openEdit(authorizer, onDone) {
    const defaults = await this.defaultInput();
    if (!defaults) return;
    this.editing = authorizer;
    this.onDone = onDone;
    this.nameEdited = true;
    $("authorizer-dialog-title").textContent = `Edit authorizer ${authorizer.name}`;
    $("ad-submit").textContent = "Save changes";
    $("ad-name").value = authorizer.name;
    $("ad-source").value = authorizer.identitySource || defaults.identitySource;
    $("ad-regex").value = authorizer.identityValidationExpression || "";
    $("ad-ttl").value = String(authorizer.ttlSeconds ?? defaults.ttlSeconds);
    this.clearErrors();
    const arn = authorizer.providerArns[0] || "";
    const [, , , region, , rest] = arn.split(":");
    const poolId = (rest || "").replace("userpool/", "");
    if (region) this.showRegion(region);
    $("ad-region").disabled = true;
    $("authorizer-dialog").showModal();
    this.loadPools(poolId);
  }

  /** @param {string} [selectId]  the pool to choose (editing: the authorizer's own) */
  async loadPools(selectId) {
    const gen = ++this.loadGen;
    const region = $("ad-region").value;
    this.pools = [];
    this.pool = null;
    this.clients = [];
    $("ad-pools").replaceChildren();
    $("ad-clients").replaceChildren();
    $("ad-matches").textContent = "";
    const done = busy("ad-pools-progress", `Loading user pools in ${region}…`);
    try {
      const pools = await api.listPools(this.app.ctx(), region);
      if (gen !== this.loadGen) return;
      this.pools = pools;
      const shown = this.editing ? pools.filter((p) => p.id === selectId) : pools;
      $("ad-pools").replaceChildren(...(shown.length ? shown.map((p) => el("label", { "data-testid": "pool-item", "data-pool-id": p.id },
        el("input", { type: "radio", name: "ad-pool", value: p.id, checked: p.id === selectId, disabled: !!this.editing,
          onchange: () => this.choosePool(p) }),
        el("span", {}, p.name), el("code", {}, p.id))) : [el("p", { class: "muted" }, `No user pools in ${region}.`)]));
      const chosen = pools.find((p) => p.id === selectId);
      if (chosen) await this.choosePool(chosen);
    } catch (e) {
      if (gen === this.loadGen) this.showFormError(e);
    } finally {
      done();
    }
  }

  async choosePool(/** @type {UserPool} */ pool) {
    this.pool = pool;
    this.setFieldError("pool", "");
    if (!this.nameEdited) $("ad-name").value = pool.name;
    const gen = this.loadGen;
    try {
      this.clients = await api.listClients(this.app.ctx(), $("ad-region").value, pool.id);
    } catch (e) {
      this.clients = [];
      this.showFormError(e);
    }
    if (gen !== this.loadGen) return;
    $("ad-clients").replaceChildren(...this.clients.map((c) => el("label", { "data-testid": "client-item", "data-client-id": c.id },
      el("input", { type: "checkbox", value: c.id, onchange: () => this.clientsChanged() }),
      el("span", {}, c.name), el("code", {}, c.id))));
    await this.regexChanged(false);
  }

  /** The checkboxes write the regex: ^(id1|id2)$. */
  async clientsChanged() {
    const ids = [...$("ad-clients").querySelectorAll("input:checked")].map((i) => i.value);
    $("ad-regex").value = await api.regexForClients(ids);
    await this.regexChanged(false);
  }

  /** Shows which app clients the regex admits; a typed regex also ticks the boxes it matches. */
  async regexChanged(/** @type {boolean} */ typed) {
    const regex = $("ad-regex").value;
    try {
      const matching = await api.matchClients(regex, this.clients);
      this.setFieldError("clientIdRegex", "");
      if (!regex.trim()) {
        $("ad-matches").textContent = this.clients.length ? "No regex: tokens of every app client are accepted." : "";
      } else {
        const names = this.clients.filter((c) => matching.includes(c.id)).map((c) => c.name);
        $("ad-matches").textContent = names.length ? `Matches: ${names.join(", ")}` : "Matches none of this pool's app clients.";
      }
      if (typed) {
        for (const box of $("ad-clients").querySelectorAll("input")) box.checked = !!regex.trim() && matching.includes(box.value);
      }
    } catch (e) {
      $("ad-matches").textContent = "";
      this.setFieldError(e.field || "clientIdRegex", e.message);
    }
  }

  /** @returns {AuthorizerInput} */
  input() {
    return {
      name: $("ad-name").value,
      identitySource: $("ad-source").value,
      clientIdRegex: $("ad-regex").value,
      ttlSeconds: Number.parseInt($("ad-ttl").value, 10),
      audience: [],
      apiKind: "REST",
    };
  }

  async submit() {
    this.clearErrors();
    const input = this.input();
    if (Number.isNaN(input.ttlSeconds)) input.ttlSeconds = -1;
    /** @type {Pick<ErrorView, "field" | "message">[]} */
    const errors = await api.checkAuthorizer(input);
    if (!this.editing && !this.pool) errors.push({ field: "pool", message: "Choose a user pool" });
    if (errors.length) {
      for (const e of errors) this.setFieldError(e.field, e.message);
      /** @type {HTMLElement | null} */ (document.querySelector("#authorizer-form [aria-invalid=true]"))?.focus();
      return;
    }
    $("ad-submit").disabled = true;
    try {
      const ctx = this.app.ctx();
      const apiId = this.app.apiId;
      let result;
      if (this.editing) {
        await api.updateAuthorizer(ctx, apiId, this.editing.id, input);
        result = { ...this.editing, name: input.name };
      } else {
        result = await api.createAuthorizer(ctx, apiId, $("ad-region").value, this.pool.id, input);
      }
      $("authorizer-dialog").close();
      this.onDone?.(result);
    } catch (e) {
      if (e.field) this.setFieldError(e.field, e.message); else this.showFormError(e);
    } finally {
      $("ad-submit").disabled = false;
    }
  }

  /**
   * @param {string} field  as Rust names it (ErrorView.field)
   * @param {string} message  empty clears it
   */
  setFieldError(field, message) {
    const p = document.querySelector(`#authorizer-form .field-error[data-field="${field}"]`);
    if (!p) { if (message) this.showFormError({ message }); return; }
    p.textContent = message;
    const inputFor = { name: "ad-name", identitySource: "ad-source", clientIdRegex: "ad-regex", ttl: "ad-ttl" }[field];
    if (inputFor) {
      if (message) $(inputFor).setAttribute("aria-invalid", "true"); else $(inputFor).removeAttribute("aria-invalid");
    }
  }

  clearErrors() {
    for (const p of document.querySelectorAll("#authorizer-form .field-error")) p.textContent = "";
    for (const i of document.querySelectorAll("#authorizer-form [aria-invalid]")) i.removeAttribute("aria-invalid");
    $("ad-error").hidden = true;
  }

  showFormError(/** @type {{message?: string}} */ e) {
    $("ad-error").textContent = e.message ?? String(e);
    $("ad-error").hidden = false;
  }
}

/**
 * The Authorizers view: every authorizer of the API, the methods using each, edit and delete.
 * @param {any} app
 * @param {ApiReview | null} review  null clears the view
 * @param {string} [apiName]
 */
export function renderAuthorizers(app, review, apiName) {
  $("authorizers-placeholder").hidden = !!review;
  $("authorizers-wrap").hidden = !review;
  $("authorizers-title").textContent = review ? `Authorizers of ${apiName}` : "Authorizers";
  if (!review) { $("authorizer-rows").replaceChildren(); $("authorizers-count").textContent = ""; return; }
  $("authorizers-count").textContent = `${review.authorizers.length} authorizer${review.authorizers.length === 1 ? "" : "s"}`;
  const kinds = { COGNITO_USER_POOLS: "Cognito user pools", TOKEN: "Lambda (token)", REQUEST: "Lambda (request)" };
  $("authorizer-rows").replaceChildren(...review.authorizers.map((a) => {
    const pools = a.providerArns.length ? a.providerArns.map((arn) => el("div", { class: "mono" }, arn.split(":").slice(3, 4).concat(arn.split("/").pop()).join(" · "))) : [el("span", { class: "mono" }, (a.authorizerUri || "").split(":function:").pop().split("/")[0] || "—")];
    return el("tr", { "data-testid": "authorizer-row", "data-authorizer-id": a.id, "data-authorizer-name": a.name },
      el("td", {}, el("strong", {}, a.name)),
      el("td", {}, kinds[a.kind] || a.kind),
      el("td", {}, pools),
      el("td", { class: "mono" }, a.identitySource || "—"),
      el("td", { class: "mono" }, a.identityValidationExpression || "—"),
      el("td", {}, a.ttlSeconds === null || a.ttlSeconds === undefined ? "—" : `${a.ttlSeconds} s`),
      el("td", { title: a.usedByText }, a.usedBy.length ? a.usedBy.join(", ") : el("span", { class: "muted" }, a.usedByText)),
      el("td", {},
        a.kind === "COGNITO_USER_POOLS" ? el("button", { type: "button", onclick: () => app.editAuthorizer(a) }, "Edit") : null, " ",
        el("button", { type: "button", "data-testid": "authorizer-delete", onclick: () => app.deleteAuthorizer(a) }, "Delete")));
  }));
}
