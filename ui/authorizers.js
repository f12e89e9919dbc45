// @ts-check
// The authorizer dialog (create or edit a Cognito user pool authorizer for a REST API, or a JWT
// authorizer for a Cognito pool on an HTTP API) and the Authorizers view.

import * as api from "./api.js";
import { $, el, busy } from "./dom.js";
import { poolIssuer, poolOfAuthorizer, poolOfIssuer } from "./logic.js";
import { store } from "./state.js";

/** @typedef {import("./bindings/AppClient").AppClient} AppClient */
/** @typedef {import("./bindings/AuthorizerInput").AuthorizerInput} AuthorizerInput */
/** @typedef {import("./bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("./bindings/UserPool").UserPool} UserPool */
/** @typedef {import("./bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("./api.js").ApiReview} ApiReview */
/** @typedef {import("./api.js").Authorizer} Authorizer */

/** @typedef {{showError: (e: Partial<import("./bindings/ErrorView").ErrorView>, retry?: () => void) => void}} AuthorizerDialogHost what the dialog may ask of the page */

export class AuthorizerDialog {
  /** @param {AuthorizerDialogHost} host */
  constructor(host) {
    this.host = host;
    /** @type {UserPool[]} */
    this.pools = [];
    /** @type {AppClient[]} */
    this.clients = [];
    /** @type {UserPool | null} */
    this.pool = null;
    /** @type {Authorizer | null} */
    this.editing = null;
    /** @type {Map<ApiKind, AuthorizerInput>} what a new authorizer starts with, from Rust, per kind of API */
    this.defaults = new Map();
    /** @type {ApiKind} REST: a Cognito authorizer; HTTP: a JWT authorizer */
    this.kind = "REST";
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

  /** What a new authorizer starts with (token source, TTL) for a kind of API, asked once from
   * Rust; null (and the error shown) when Rust could not be asked.
   * @param {ApiKind} kind */
  async defaultInput(kind) {
    try {
      if (!this.defaults.has(kind)) this.defaults.set(kind, await api.authorizerDefaults(kind));
      return this.defaults.get(kind);
    } catch (e) {
      this.host.showError(e);
      return null;
    }
  }

  /** Lays the form out for a kind of API: the JWT fields (issuer, audience) or the Cognito ones
   * (client ID regex, TTL). @param {ApiKind} kind */
  setKind(kind) {
    this.kind = kind === "HTTP" ? "HTTP" : "REST";
    $("authorizer-form").dataset.kind = this.kind;
    $("ad-clients").setAttribute("aria-label", this.kind === "HTTP" ? "Audience: app clients of the pool" : "App clients of the pool");
    $("ad-issuer").value = "";
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
    const kind = store.apiKind();
    const defaults = await this.defaultInput(kind);
    if (!defaults) return;
    this.editing = null;
    this.onDone = onDone;
    this.nameEdited = false;
    this.setKind(kind);
    $("authorizer-dialog-title").textContent = this.kind === "HTTP"
      ? "New JWT authorizer for a Cognito user pool" : "New Cognito user pool authorizer";
    $("ad-submit").textContent = "Create authorizer";
    $("ad-region").disabled = false;
    $("ad-name").value = defaults.name;
    $("ad-source").value = defaults.identitySource;
    $("ad-regex").value = defaults.clientIdRegex;
    $("ad-ttl").value = String(defaults.ttlSeconds);
    this.clearErrors();
    this.showRegion(store.ctx().region);
    $("authorizer-dialog").showModal();
    this.loadPools();
  }

  /**
   * Opens the dialog on an existing authorizer: its pool stays, the rest can change.
   * @param {Authorizer} authorizer
   * @param {() => void} onDone
   */
  async openEdit(authorizer, onDone) {
    const kind = authorizer.kind === "JWT" ? "HTTP" : "REST";
    const defaults = await this.defaultInput(kind);
    if (!defaults) return;
    this.editing = authorizer;
    this.onDone = onDone;
    this.nameEdited = true;
    this.setKind(kind);
    $("ad-issuer").value = authorizer.issuer ?? "";
    $("authorizer-dialog-title").textContent = `Edit ${kind === "HTTP" ? "JWT " : ""}authorizer ${authorizer.name}`;
    $("ad-submit").textContent = "Save changes";
    $("ad-name").value = authorizer.name;
    $("ad-source").value = authorizer.identitySource || defaults.identitySource;
    $("ad-regex").value = authorizer.identityValidationExpression || "";
    $("ad-ttl").value = String(authorizer.ttlSeconds ?? defaults.ttlSeconds);
    this.clearErrors();
    const pool = poolOfAuthorizer(authorizer);
    if (pool) this.showRegion(pool.region);
    $("ad-region").disabled = true;
    $("authorizer-dialog").showModal();
    this.loadPools(pool?.poolId);
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
    if (!this.editing) $("ad-issuer").value = "";
    const done = busy("ad-pools-progress", `Loading user pools in ${region}…`);
    try {
      const pools = await api.listPools(store.ctx(), region);
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
      this.clients = await api.listClients(store.ctx(), $("ad-region").value, pool.id);
    } catch (e) {
      this.clients = [];
      this.showFormError(e);
    }
    if (gen !== this.loadGen) return;
    const http = this.kind === "HTTP";
    // A JWT authorizer trusts the pool by its issuer URL, written here as it will be sent.
    if (http && !this.editing) $("ad-issuer").value = poolIssuer($("ad-region").value, pool.id);
    const audience = http && this.editing ? this.editing.audience : [];
    $("ad-clients").replaceChildren(...(this.clients.length || !http
      ? this.clients.map((c) => el("label", { "data-testid": "client-item", "data-client-id": c.id },
        el("input", { type: "checkbox", value: c.id, checked: audience.includes(c.id), onchange: () => this.clientsChanged() }),
        el("span", {}, c.name), el("code", {}, c.id)))
      : [el("span", { class: "muted" }, `${pool.name} has no app clients: a JWT authorizer needs one in its audience.`)]));
    if (!http) await this.regexChanged(false);
  }

  /** @returns {string[]} the ticked app clients' ids */
  checkedClients() {
    return [...$("ad-clients").querySelectorAll("input:checked")].map((i) => i.value);
  }

  /** The checkboxes write the regex: ^(id1|id2)$ (REST); they are the audience (HTTP). */
  async clientsChanged() {
    if (this.kind === "HTTP") { this.setFieldError("audience", ""); return; }
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
    const http = this.kind === "HTTP";
    return {
      name: $("ad-name").value,
      identitySource: $("ad-source").value,
      clientIdRegex: http ? "" : $("ad-regex").value,
      ttlSeconds: Number.parseInt($("ad-ttl").value, 10),
      audience: http ? this.checkedClients() : [],
      apiKind: this.kind,
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
      // The first field in error takes the focus (the audience: its first app client).
      const first = document.querySelector("#authorizer-form [aria-invalid=true]");
      /** @type {HTMLElement | null} */ (first?.matches("input, select") ? first : first?.querySelector("input"))?.focus();
      return;
    }
    $("ad-submit").disabled = true;
    try {
      const ctx = store.ctx();
      const apiId = store.apiId;
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
    const inputFor = { name: "ad-name", identitySource: "ad-source", clientIdRegex: "ad-regex", ttl: "ad-ttl", audience: "ad-clients" }[field];
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
 * @param {{editAuthorizer: (a: Authorizer) => void, deleteAuthorizer: (a: Authorizer) => Promise<void>}} host  what its buttons may ask of the page
 * @param {ApiReview | null} review  null clears the view
 * @param {string} [apiName]
 */
export function renderAuthorizers(host, review, apiName) {
  $("authorizers-placeholder").hidden = !!review;
  $("authorizers-wrap").hidden = !review;
  $("authorizers-title").textContent = review ? `Authorizers of ${apiName}` : "Authorizers";
  if (!review) { $("authorizer-rows").replaceChildren(); $("authorizers-count").textContent = ""; return; }
  $("authorizers-count").textContent = `${review.authorizers.length} authorizer${review.authorizers.length === 1 ? "" : "s"}`;
  const http = review.kind === "HTTP";
  $("auth-col-pools").textContent = http ? "Issuer / function" : "User pools / function";
  $("auth-col-clients").textContent = http ? "Audience" : "Client ID regex";
  const kinds = { COGNITO_USER_POOLS: "Cognito user pools", TOKEN: "Lambda (token)", REQUEST: "Lambda (request)", JWT: "JWT" };
  const lambda = (/** @type {Authorizer} */ a) => (a.authorizerUri || "").split(":function:").pop().split("/")[0] || "—";
  $("authorizer-rows").replaceChildren(...review.authorizers.map((a) => {
    const jwt = a.kind === "JWT";
    // A Cognito issuer reads as the pools of a REST API's authorizers do (region · pool id); the
    // exact URL is its title. Another issuer is shown whole.
    const issuerPool = jwt ? poolOfIssuer(a.issuer) : null;
    const trusts = jwt ? [el("div", { class: "mono wrap", title: a.issuer, "data-testid": "authorizer-row-issuer", "data-issuer": a.issuer },
      issuerPool ? `${issuerPool.region} · ${issuerPool.poolId}` : a.issuer || "—")]
      : a.providerArns.length ? a.providerArns.map((arn) => el("div", { class: "mono" }, arn.split(":").slice(3, 4).concat(arn.split("/").pop()).join(" · ")))
        : [el("span", { class: "mono" }, lambda(a))];
    const clients = jwt
      ? el("td", { class: "mono", "data-testid": "authorizer-row-audience" }, a.audience.length ? a.audience.map((id) => el("div", {}, id)) : "—")
      : el("td", { class: "mono" }, a.identityValidationExpression || "—");
    // A Cognito authorizer, or a JWT one whose issuer is a Cognito pool: the dialog can show its app clients.
    const editable = a.kind === "COGNITO_USER_POOLS" || !!issuerPool;
    return el("tr", { "data-testid": "authorizer-row", "data-authorizer-id": a.id, "data-authorizer-name": a.name, "data-authorizer-kind": a.kind },
      el("td", {}, el("strong", {}, a.name)),
      el("td", {}, kinds[a.kind] || a.kind),
      el("td", {}, trusts),
      el("td", { class: "mono" }, a.identitySource || "—"),
      clients,
      el("td", {}, a.ttlSeconds === null || a.ttlSeconds === undefined ? "—" : `${a.ttlSeconds} s`),
      el("td", { title: a.usedByText }, a.usedBy.length ? a.usedBy.join(", ") : el("span", { class: "muted" }, a.usedByText)),
      el("td", {},
        editable ? el("button", { type: "button", "data-testid": "authorizer-edit", onclick: () => host.editAuthorizer(a) }, "Edit") : null, " ",
        el("button", { type: "button", "data-testid": "authorizer-delete", onclick: () => host.deleteAuthorizer(a) }, "Delete")));
  }));
}
