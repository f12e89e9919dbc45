// @ts-check
// The Authorizers view: every authorizer of the open API, what it trusts (as Rust words it), the
// methods using each, Edit (in the authorizer dialog) and Delete.

import * as api from "../api.js";
import { $, el, setStatus } from "../dom.js";
import { store } from "../state.js";

/** @typedef {import("../bindings/ApiReview").ApiReview} ApiReview */
/** @typedef {import("../bindings/AuthorizerView").AuthorizerView} AuthorizerView */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */

/**
 * What the view's buttons may ask of the page: the dialog opened on an authorizer, errors shown,
 * and the open API read again after a delete.
 * @typedef {{
 *   editAuthorizer: (a: AuthorizerView) => void,
 *   showError: (e: Partial<ErrorView>, retry?: () => void) => void,
 *   refreshReview: () => Promise<void>,
 * }} AuthorizersHost
 */

export class AuthorizersView {
  /** @param {AuthorizersHost} host */
  constructor(host) {
    this.host = host;
    store.on("review", () => this.render(store.review));
    // Another API's authorizers stay until its own arrive; none, or a WebSocket API, has none.
    store.on("place", () => { if (!store.apiId || store.api(store.apiId)?.notReviewed) this.render(null); });
  }

  /** @param {ApiReview | null} review  null clears the view */
  render(review) {
    $("authorizers-placeholder").hidden = !!review;
    $("authorizers-wrap").hidden = !review;
    $("authorizers-title").textContent = review ? `Authorizers of ${store.apiName(review.apiId)}` : "Authorizers";
    if (!review) { $("authorizer-rows").replaceChildren(); $("authorizers-count").textContent = ""; return; }
    $("authorizers-count").textContent = review.authorizersText;
    const http = review.kind === "HTTP";
    $("auth-col-pools").textContent = http ? "Issuer / function" : "User pools / function";
    $("auth-col-clients").textContent = http ? "Audience" : "Client ID regex";
    $("authorizer-rows").replaceChildren(...review.authorizers.map((a) => this.row(a)));
  }

  /** @param {AuthorizerView} a */
  row(a) {
    const jwt = a.kind === "JWT";
    // A Cognito issuer reads as a REST API's pools do (region · pool id); the exact URL is its title.
    const trusts = jwt ? [el("div", { class: "mono wrap", title: a.issuer, "data-testid": "authorizer-row-issuer", "data-issuer": a.issuer },
      a.trusts[0] ?? "—")]
      : a.providerArns.length ? a.trusts.map((line) => el("div", { class: "mono" }, line))
        : [el("span", { class: "mono" }, a.trusts[0] ?? "—")];
    const clients = jwt
      ? el("td", { class: "mono", "data-testid": "authorizer-row-audience" }, a.audience.length ? a.audience.map((id) => el("div", {}, id)) : "—")
      : el("td", { class: "mono" }, a.identityValidationExpression || "—");
    // A Cognito authorizer, or a JWT one whose issuer is a Cognito pool: the dialog can show its app clients.
    const editable = a.kind === "COGNITO_USER_POOLS" || (jwt && !!a.pool);
    return el("tr", { "data-testid": "authorizer-row", "data-authorizer-id": a.id, "data-authorizer-name": a.name, "data-authorizer-kind": a.kind },
      el("td", {}, el("strong", {}, a.name)),
      el("td", {}, a.kindText),
      el("td", {}, trusts),
      el("td", { class: "mono" }, a.identitySource || "—"),
      clients,
      el("td", {}, a.ttlSeconds === null || a.ttlSeconds === undefined ? "—" : `${a.ttlSeconds} s`),
      el("td", { title: a.usedByText }, a.usedBy.length ? a.usedBy.join(", ") : el("span", { class: "muted" }, a.usedByText)),
      el("td", {},
        editable ? el("button", { type: "button", "data-testid": "authorizer-edit", onclick: () => this.host.editAuthorizer(a) }, "Edit") : null, " ",
        el("button", { type: "button", "data-testid": "authorizer-delete", onclick: () => this.remove(a) }, "Delete")));
  }

  /** @param {AuthorizerView} a */
  async remove(a) {
    const apiId = store.apiId;
    if (!apiId) return;
    try {
      await api.deleteAuthorizer(store.ctx(), apiId, a.id);
      setStatus(`Authorizer ${a.name} deleted.`);
      await this.host.refreshReview();
    } catch (e) {
      this.host.showError(e);
    }
  }
}
