// @ts-check
// The Token panel: "will this token get through?" A token pasted, or signed in for as a pool
// user, is checked on every method of the open API (the verdicts go to the review table's Token
// column), shown decoded, and can be put to AWS's own authorizer test.
// Tokens and the password live only in this panel's fields and variables: never stored, logged,
// put in an attribute or a URL; a new API, profile or region clears them.

import * as api from "../api.js";
import { $, el, busy, errorParts } from "../dom.js";
import { store } from "../state.js";
import { AwsCheck } from "./awstest.js";
import { servedStage } from "./served-logic.js";
import { signInPool, signatureBadge, tokenUseLabel } from "./token-logic.js";

/** @typedef {import("../bindings/ApiReview").ApiReview} ApiReview */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("../bindings/TokenCheck").TokenCheck} TokenCheck */
/** @typedef {import("../bindings/AppClient").AppClient} AppClient */
/** @typedef {import("../bindings/MethodVerdict").MethodVerdict} MethodVerdict */
/** @typedef {import("../state.js").Ticket} Ticket */

/** @type {Record<string, string>} the sign-in form's fields, by the names Rust gives them in ErrorView.field */
const FIELDS = {
  poolRegion: "token-region", pool: "token-pool", client: "token-client", username: "token-username", password: "token-password",
  token: "token-input",
};

/** Seconds since the epoch, in the user's local time; "—" when unknown or beyond what a Date
 * holds (a claim may be any number). @param {number | null} epoch */
const localTime = (epoch) => {
  const date = new Date((epoch ?? NaN) * 1000);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleString();
};

/** @typedef {{setVerdicts: (verdicts: MethodVerdict[] | null) => void}} TokenHost what the panel may ask of the page: the review table's Token column */

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));

export class TokenPanel {
  /** @param {TokenHost} host */
  constructor(host) {
    this.host = host;
    // An answer that arrives for an earlier API, profile or region is dropped: each waits with
    // the open API's ticket (store.js), which a new one makes stale.
    /** @type {{id: string, access: string} | null} the sign-in's two tokens, in memory only */
    this.tokens = null;
    /** @type {string | null} the token the shown result is about */
    this.checked = null;
    /** @type {TokenCheck | null} */
    this.result = null;
    /** @type {AppClient[]} the chosen pool's app clients, to name the token's client */
    this.clients = [];
    /** @type {{ticket: Ticket, region: string} | null} the pool list's load, and its region */
    this.pools = null;
    /** The user picked the region: a reloaded review does not move it. */
    this.regionChosen = false;
    this.running = false;

    $("token-toggle").addEventListener("click", () => this.toggle());
    $("token-region").addEventListener("change", () => { this.regionChosen = true; this.loadPools(); });
    $("token-pool").addEventListener("change", () => this.loadClients());
    $("token-signin-form").addEventListener("submit", (e) => { e.preventDefault(); this.signIn(); });
    $("token-check").addEventListener("click", () => this.check($("token-input").value));
    $("token-input").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.check($("token-input").value); }
    });
    $("token-input").addEventListener("input", () => this.syncSwitch());
    for (const radio of this.radios()) {
      radio.addEventListener("change", () => {
        if (!radio.checked || !this.tokens) return;
        const token = radio.value === "access" ? this.tokens.access : this.tokens.id;
        $("token-input").value = token;
        this.check(token);
      });
    }
    this.aws = new AwsCheck(this);
    this.updateButtons();
    store.on("place", () => this.reset());
    store.on("review", ({ reloaded }) => { if (store.review) this.reviewLoaded(store.review, !!reloaded); });
    // The verdicts are for what the review shows: the editor, or a stage as it serves the methods.
    store.on("servedBy", () => { if (this.checked) this.runCheck(this.checked); });
  }

  /** @returns {HTMLInputElement[]} */
  radios() {
    return /** @type {HTMLInputElement[]} */ ([...document.querySelectorAll('input[name="token-use"]')]);
  }

  get open() {
    return !$("token-panel").hidden;
  }

  toggle() {
    const open = !this.open;
    $("token-panel").hidden = !open;
    $("token-toggle").setAttribute("aria-expanded", String(open));
    $("token-toggle").textContent = open ? "Hide token check" : "Check a token…";
    this.showVerdicts();
    if (open) {
      this.ensurePools();
      $("token-input").focus();
    }
  }

  /** The Token column shows the result while the panel is open. */
  showVerdicts() {
    this.host.setVerdicts(this.open && this.result ? this.result.methods : null);
  }

  /** A new API, profile or region: forget every token, the password, the verdicts and the lists. */
  reset() {
    this.tokens = null;
    this.running = false;
    this.regionChosen = false;
    this.pools = null;
    this.clients = [];
    for (const id of ["token-input", "token-username", "token-password"]) $(id).value = "";
    $("token-pool").replaceChildren();
    $("token-client").replaceChildren();
    this.aws.fill([]);
    for (const radio of this.radios()) radio.checked = false;
    $("token-use-switch").hidden = true;
    $("token-signed-in").textContent = "";
    $("token-signed-in").removeAttribute("title");
    $("token-signin-box").open = true;
    this.hideError();
    this.clearResult();
    this.updateButtons();
  }

  /**
   * The review of the API arrived (first load or reload): the methods AWS's test can take, and
   * the pool its Cognito (REST) or JWT (HTTP) authorizer trusts as the place to sign in.
   * @param {ApiReview} review
   * @param {boolean} reloaded  the same API again (after an apply…): a shown result is checked again
   */
  reviewLoaded(review, reloaded) {
    this.aws.fill(review.methods, review.kind);
    if (!this.regionChosen) this.showRegion(signInPool(review.authorizers)?.region ?? store.region);
    if (this.open) this.ensurePools();
    this.updateButtons();
    if (reloaded && this.checked && !this.running) this.check(this.checked);
  }

  /** Shows `region` in the region picker (the app's regions, and this one when missing). */
  showRegion(/** @type {string} */ region) {
    const select = $("token-region");
    if (![...select.options].some((o) => o.value === region)) {
      select.replaceChildren(...[...new Set([...store.regions, region])].map((r) => el("option", { value: r }, r)));
    }
    if (select.value !== region) {
      select.value = region;
      this.pools = null;
    }
  }

  ensurePools() {
    if (!$("token-region").value) this.showRegion(store.region);
    const shown = this.pools;
    if (!shown?.ticket.current() || shown.region !== $("token-region").value) this.loadPools();
  }

  async loadPools() {
    const region = $("token-region").value;
    const ticket = store.begin("tokenPools");
    this.pools = { ticket, region };
    this.clients = [];
    $("token-pool").replaceChildren(el("option", { value: "" }, "Loading…"));
    $("token-client").replaceChildren();
    this.updateButtons();
    try {
      const pools = await api.listPools(store.ctx(), region);
      if (!ticket.current()) return;
      // A pool reads by its name; its id is added where two pools share one.
      const named = (/** @type {string} */ name) => pools.filter((p) => p.name === name).length;
      $("token-pool").replaceChildren(...(pools.length
        ? pools.map((p) => el("option", { value: p.id, title: p.id }, named(p.name) > 1 ? `${p.name} (${p.id})` : p.name))
        : [el("option", { value: "" }, `No user pools in ${region}`)]));
      const trusted = store.review ? signInPool(store.review.authorizers)?.poolId : null;
      if (trusted && pools.some((p) => p.id === trusted)) $("token-pool").value = trusted;
      await this.loadClients();
    } catch (e) {
      if (!ticket.current()) return;
      $("token-pool").replaceChildren(el("option", { value: "" }, "Could not list the pools"));
      this.showError(e, "signin");
    } finally {
      this.updateButtons();
    }
  }

  async loadClients() {
    const poolId = $("token-pool").value;
    const region = $("token-region").value;
    const ticket = store.begin("tokenClients");
    this.clients = [];
    $("token-client").replaceChildren();
    if (!poolId) { this.updateButtons(); return; }
    $("token-client").replaceChildren(el("option", { value: "" }, "Loading…"));
    try {
      const clients = await api.listClients(store.ctx(), region, poolId);
      if (!ticket.current()) return;
      this.clients = clients;
      $("token-client").replaceChildren(...(clients.length
        ? clients.map((c) => el("option", { value: c.id }, c.name))
        : [el("option", { value: "" }, "No app clients")]));
    } catch (e) {
      if (!ticket.current()) return;
      $("token-client").replaceChildren(el("option", { value: "" }, "Could not list the app clients"));
      this.showError(e, "signin");
    } finally {
      this.updateButtons();
    }
  }

  updateButtons() {
    const busyNow = this.running;
    $("token-signin").disabled = busyNow || !$("token-pool").value || !$("token-client").value;
    $("token-check").disabled = busyNow || !store.apiId;
    this.aws.updateButtons(busyNow);
    for (const radio of this.radios()) radio.disabled = busyNow;
  }

  /**
   * Runs one action at a time: its buttons disabled, a progress bar when it takes a while.
   * @param {string} progressId
   * @param {string} statusText
   * @param {() => Promise<void>} work
   */
  async task(progressId, statusText, work) {
    if (this.running) return;
    const ticket = store.ticket("api");
    this.running = true;
    this.updateButtons();
    const done = busy(progressId, statusText);
    try {
      await work();
    } finally {
      done();
      if (ticket.current()) this.running = false;
      this.updateButtons();
    }
  }

  async signIn() {
    await this.task("token-signin-progress", "Signing in…", async () => {
      const ticket = store.ticket("api");
      this.hideError();
      const req = {
        poolRegion: $("token-region").value,
        poolId: $("token-pool").value,
        clientId: $("token-client").value,
        username: $("token-username").value,
        password: $("token-password").value,
      };
      let tokens;
      try {
        tokens = await api.signIn(store.ctx(), req);
      } catch (e) {
        if (ticket.current()) this.showError(e, "signin");
        return;
      } finally {
        req.password = "";
        $("token-password").value = "";
      }
      if (!ticket.current()) return;
      this.tokens = { id: tokens.idToken, access: tokens.accessToken };
      $("token-use-switch").hidden = false;
      /** @type {HTMLInputElement} */ (document.querySelector('[data-testid="token-use-id"]')).checked = true;
      $("token-input").value = this.tokens.id;
      const pool = $("token-pool").selectedOptions[0]?.textContent ?? req.poolId;
      const client = $("token-client").selectedOptions[0]?.textContent ?? req.clientId;
      $("token-signed-in").textContent = `· signed in as ${req.username.trim()} (${pool}, ${client})`;
      $("token-signed-in").title = `Signed in with ${tokens.flow}`;
      await this.runCheck(this.tokens.id);
    });
  }

  /** Checks the token on every method of the open API. @param {string} token */
  async check(token) {
    await this.task("token-check-progress", "Checking the token on every method…", () => this.runCheck(token));
  }

  async runCheck(/** @type {string} */ token) {
    const ticket = store.ticket("api");
    const apiId = store.apiId;
    if (!apiId) return;
    this.hideError();
    this.syncSwitch();
    const shown = store.review ? servedStage(store.review, store.servedBy) : null;
    if (shown?.canary) {
      this.clearResult();
      this.showError({ message: `A token is judged on the editor or on a stage, not on a canary: choose ${shown.stage.name} or the editor under Served by.` }, "check");
      return;
    }
    try {
      /** @type {import("../bindings/CheckTokenRequest").CheckTokenRequest} */
      const req = { apiId, token, methods: null };
      if (shown) req.stage = shown.stage.name;
      const result = await api.checkToken(store.ctx(), req);
      if (!ticket.current()) return;
      this.checked = token;
      this.result = result;
      // The result needs the room more than the form does; one click opens it again.
      $("token-signin-box").open = false;
      this.render(result);
    } catch (e) {
      if (!ticket.current()) return;
      this.clearResult();
      this.showError(e, "check");
    }
  }

  /** The switch shows which kept token is in the box; neither when another one was pasted. */
  syncSwitch() {
    const text = $("token-input").value.trim();
    for (const radio of this.radios()) {
      radio.checked = !!this.tokens && text === (radio.value === "access" ? this.tokens.access : this.tokens.id);
    }
  }

  /** @param {TokenCheck} result */
  render(result) {
    const t = result.token;
    const sig = signatureBadge(t.signature);
    $("token-signature").className = `badge ${sig.cls}`;
    $("token-signature").dataset.signature = t.signature;
    $("token-signature").textContent = sig.label;
    $("token-signature-text").textContent = t.signatureText;
    $("token-summary").textContent = result.stage ? `On ${result.stage}: ${result.summaryLine}` : result.summaryLine;
    $("token-differs").replaceChildren(...result.editorDiffers.map((d) => el("li", {}, d)));
    $("token-differs").hidden = result.editorDiffers.length === 0;
    $("token-note").textContent = t.note ?? "";
    $("token-note").hidden = !t.note;
    $("token-undeployed").textContent = result.undeployedNote ?? "";
    $("token-undeployed").hidden = !result.undeployedNote;

    const client = this.clients.find((c) => c.id === t.clientId);
    const pool = t.poolId
      ? [t.poolName ? el("strong", {}, t.poolName) : null, " ", el("code", {}, t.poolId), ` · ${t.poolRegion ?? ""}`]
      : [el("code", {}, t.issuer || "—")];
    /** @type {[string, any][]} */
    const facts = [
      ["Token", el("span", { "data-testid": "token-use" }, tokenUseLabel(t.use))],
      [t.poolId ? "User pool" : "Issuer", pool],
      ["App client", t.clientId ? [client ? `${client.name} ` : "", el("code", {}, t.clientId)] : "—"],
      ["User", t.username ?? "—"],
      ["Scopes", t.scopes.length ? t.scopes.map((s) => el("span", { class: "tag scope" }, s)) : el("span", { class: "muted" }, "none")],
      ["Issued", localTime(t.issuedAtEpoch)],
      ["Expires", [localTime(t.expiresAtEpoch), " ", el("span", { class: t.expired ? "expired" : "muted" }, `(${t.expiryText})`)]],
    ];
    $("token-facts").replaceChildren(...facts.map(([name, value]) => el("div", {}, el("dt", {}, name), el("dd", {}, value))));
    $("token-header-json").textContent = JSON.stringify(t.header, null, 2);
    $("token-claims-json").textContent = JSON.stringify(t.claims, null, 2);
    $("token-result").hidden = false;
    this.aws.clear();
    this.aws.showCurl();
    this.showVerdicts();
    this.updateButtons();
  }

  clearResult() {
    this.checked = null;
    this.result = null;
    $("token-result").hidden = true;
    $("token-facts").replaceChildren();
    for (const id of ["token-header-json", "token-claims-json", "token-summary", "token-signature", "token-signature-text"]) {
      $(id).textContent = "";
    }
    delete $("token-signature").dataset.signature;
    this.aws.clear();
    this.aws.showCurl();
    this.host.setVerdicts(null);
    this.updateButtons();
  }

  /**
   * An error inside the panel, with AWS's code when it gave one, under the form it concerns; the
   * field it names is marked.
   * @param {Partial<ErrorView>} e
   * @param {"signin" | "check"} where
   */
  showError(e, where) {
    this.hideError();
    (where === "signin" ? $("token-signin-form") : $("token-paste")).after($("token-error"));
    $("token-error").replaceChildren(...errorParts(e));
    $("token-error").dataset.code = e.code ?? e.kind ?? "";
    $("token-error").hidden = false;
    const field = e.field ? FIELDS[e.field] : null;
    if (field) $(field).setAttribute("aria-invalid", "true");
  }

  hideError() {
    $("token-error").hidden = true;
    $("token-error").replaceChildren();
    for (const i of document.querySelectorAll("#token-panel [aria-invalid]")) i.removeAttribute("aria-invalid");
  }
}
