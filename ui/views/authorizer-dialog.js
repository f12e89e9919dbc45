// @ts-check
// The authorizer dialog: create or edit a Cognito user pool authorizer for a REST API, or a JWT
// authorizer for a Cognito pool on an HTTP API. Rust checks the input, writes the client regex
// and names the issuer of each pool.

import * as api from "../api.js";
import { $, el, busy } from "../dom.js";
import { store } from "../state.js";

/** @typedef {import("../bindings/AppClient").AppClient} AppClient */
/** @typedef {import("../bindings/AuthorizerInput").AuthorizerInput} AuthorizerInput */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("../bindings/UserPool").UserPool} UserPool */
/** @typedef {import("../bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("../bindings/Authorizer").Authorizer} Authorizer */
/** @typedef {import("../bindings/AuthorizerView").AuthorizerView} AuthorizerView */

/** @typedef {{showError: (e: Partial<ErrorView>, retry?: () => void) => void}} AuthorizerDialogHost what the dialog may ask of the page */

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
    /** @type {AuthorizerView | null} */
    this.editing = null;
    /** @type {Map<ApiKind, AuthorizerInput>} what a new authorizer starts with, from Rust, per kind of API */
    this.defaults = new Map();
    /** @type {ApiKind} REST: a Cognito authorizer; HTTP: a JWT authorizer */
    this.kind = "REST";
    /** @type {((authorizer: Authorizer) => void) | null} */
    this.onDone = null;
    /** @type {((choice: {poolRegion: string, poolId: string, input: AuthorizerInput}) => void) | null}
     * set when the dialog chooses the authorizer a template declares: nothing is created in AWS */
    this.forTemplate = null;
    this.nameEdited = false;
    /** @type {import("../state.js").Ticket | null} the pools' load under way or shown */
    this.loading = null;
    $("ad-region").addEventListener("change", () => this.loadPools());
    $("ad-name").addEventListener("input", () => { this.nameEdited = true; });
    $("ad-regex").addEventListener("input", () => this.regexChanged(true));
    $("ad-cancel").addEventListener("click", () => $("authorizer-dialog").close());
    $("authorizer-form").addEventListener("submit", (/** @type {Event} */ e) => { e.preventDefault(); this.submit(); });
    store.on("regions", () => this.fillRegions(store.regions));
  }

  fillRegions(/** @type {string[]} */ regions) {
    $("ad-region").replaceChildren(...regions.map((r) => el("option", { value: r }, r)));
  }

  /** What a new authorizer starts with (token source, TTL) for a kind of API, asked once from
   * Rust; null (and the error shown) when Rust could not be asked.
   * @param {ApiKind} kind @returns {Promise<AuthorizerInput | null>} */
  async defaultInput(kind) {
    try {
      const known = this.defaults.get(kind);
      if (known) return known;
      const defaults = await api.authorizerDefaults(kind);
      this.defaults.set(kind, defaults);
      return defaults;
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
    this.forTemplate = null;
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
   * Opens the dialog to choose the authorizer a template will declare: the same fields, and
   * `onChosen` gets the pool and the input instead of anything being created in AWS.
   * @param {(choice: {poolRegion: string, poolId: string, input: AuthorizerInput}) => void} onChosen
   */
  async openForTemplate(onChosen) {
    await this.openCreate(() => {});
    if (!$("authorizer-dialog").hasAttribute("open")) return;
    this.forTemplate = onChosen;
    $("authorizer-dialog-title").textContent = this.kind === "HTTP"
      ? "The JWT authorizer the template declares" : "The Cognito authorizer the template declares";
    $("ad-submit").textContent = "Use in the template";
  }

  /**
   * Opens the dialog on an existing authorizer: its pool (as Rust reads it) stays, the rest can change.
   * @param {AuthorizerView} authorizer
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
    const pool = authorizer.pool;
    if (pool) this.showRegion(pool.region);
    $("ad-region").disabled = true;
    $("authorizer-dialog").showModal();
    this.loadPools(pool?.poolId);
  }

  /** @param {string} [selectId]  the pool to choose (editing: the authorizer's own) */
  async loadPools(selectId) {
    const ticket = this.loading = store.begin("dialogPools");
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
      if (!ticket.current()) return;
      this.pools = pools;
      const shown = this.editing ? pools.filter((p) => p.id === selectId) : pools;
      $("ad-pools").replaceChildren(...(shown.length ? shown.map((p) => el("label", { "data-testid": "pool-item", "data-pool-id": p.id },
        el("input", { type: "radio", name: "ad-pool", value: p.id, checked: p.id === selectId, disabled: !!this.editing,
          onchange: () => this.choosePool(p) }),
        el("span", {}, p.name), el("code", {}, p.id))) : [el("p", { class: "muted" }, `No user pools in ${region}.`)]));
      const chosen = pools.find((p) => p.id === selectId);
      if (chosen) await this.choosePool(chosen);
    } catch (e) {
      if (ticket.current()) this.showFormError(e);
    } finally {
      done();
    }
  }

  async choosePool(/** @type {UserPool} */ pool) {
    this.pool = pool;
    this.setFieldError("pool", "");
    if (!this.nameEdited) $("ad-name").value = pool.name;
    const ticket = this.loading;
    try {
      this.clients = await api.listClients(store.ctx(), $("ad-region").value, pool.id);
    } catch (e) {
      this.clients = [];
      this.showFormError(e);
    }
    if (!ticket?.current()) return;
    const http = this.kind === "HTTP";
    // A JWT authorizer trusts the pool by its issuer URL (Rust's), shown here as it will be sent.
    if (http && !this.editing) $("ad-issuer").value = pool.issuer;
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
      for (const e of errors) this.setFieldError(e.field ?? "", e.message);
      // The first field in error takes the focus (the audience: its first app client).
      const first = document.querySelector("#authorizer-form [aria-invalid=true]");
      /** @type {HTMLElement | null} */ (first?.matches("input, select") ? first : first?.querySelector("input"))?.focus();
      return;
    }
    const apiId = store.apiId;
    const pool = this.pool;
    if (!apiId) return;
    $("ad-submit").disabled = true;
    try {
      const ctx = store.ctx();
      /** @type {Authorizer} */
      let result;
      if (this.forTemplate && pool) {
        const chosen = this.forTemplate;
        this.forTemplate = null;
        $("authorizer-dialog").close();
        chosen({ poolRegion: $("ad-region").value, poolId: pool.id, input });
        return;
      }
      if (this.editing) {
        await api.updateAuthorizer(ctx, apiId, this.editing.id, input);
        result = { ...this.editing, name: input.name };
      } else if (pool) {
        result = await api.createAuthorizer(ctx, apiId, $("ad-region").value, pool.id, input);
      } else {
        return;
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
