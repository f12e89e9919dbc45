// @ts-check
// The Token panel's "Test in AWS": AWS's own authorizer test (TestInvokeAuthorizer) on one method
// with a Cognito authorizer, beside Gatehouse's verdict, and a curl line for the deployed stage.
// An HTTP API's JWT routes get the curl line only: AWS has no authorizer test for HTTP APIs.
// The curl line (built in Rust) holds no token: run, it reads the token with echo off, so a
// pasted line leaves none in the shell's history or in a process list.

import * as api from "../api.js";
import { $, el, errorParts } from "../dom.js";
import { store } from "../state.js";
import { tokenMethods, verdictBadge } from "./token-logic.js";

/** @typedef {import("../bindings/AwsTest").AwsTest} AwsTest */
/** @typedef {import("../bindings/MethodView").MethodView} MethodView */
/** @typedef {import("../bindings/ApiKind").ApiKind} ApiKind */

export class AwsCheck {
  /** @param {import("./token.js").TokenPanel} panel */
  constructor(panel) {
    this.panel = panel;
    /** An HTTP API: no "Test in AWS", the curl line only. */
    this.http = false;
    $("token-test-aws").addEventListener("click", () => this.run());
    $("token-aws-method").addEventListener("change", () => { this.clear(); this.showCurl(); });
    $("token-curl-copy").addEventListener("click", () => this.copy());
  }

  /** The methods the test (REST: a Cognito authorizer) or the curl line (HTTP: a JWT authorizer)
   * can take, the choice kept if it still is one. @param {MethodView[]} methods @param {ApiKind} [kind] */
  fill(methods, kind = "REST") {
    const chosen = $("token-aws-method").value;
    const offered = tokenMethods(methods, kind);
    this.http = kind === "HTTP";
    $("token-aws-method").replaceChildren(...offered.map((m) => el("option", { value: m.key }, m.key)));
    if (offered.some((m) => m.key === chosen)) $("token-aws-method").value = chosen;
    $("token-test-aws").hidden = this.http;
    $("token-aws-http").hidden = !this.http;
    $("token-aws-none").hidden = this.http || offered.length > 0 || methods.length === 0;
  }

  updateButtons(/** @type {boolean} */ running) {
    $("token-test-aws").disabled = this.http || running || !this.panel.checked || !$("token-aws-method").value;
    $("token-curl-copy").disabled = !this.panel.checked;
  }

  clear() {
    const box = $("token-aws-result");
    box.replaceChildren();
    box.hidden = true;
    delete box.dataset.clientStatus;
    delete box.dataset.agrees;
  }

  /** @returns {MethodView | undefined} */
  method() {
    const key = $("token-aws-method").value;
    return store.review?.methods.find((m) => m.key === key);
  }

  /** @returns {string | null}  null when no stage is deployed or no method chosen */
  curl() {
    const view = this.method();
    return (view && this.panel.result?.curl[view.key]) ?? null;
  }

  /** The chosen method's curl line. */
  showCurl() {
    const line = this.curl();
    $("token-curl").textContent = line ?? "";
    $("token-curl").title = line ?? "";
    $("token-curl-row").hidden = !line;
    $("token-curl-status").textContent = "";
  }

  async copy() {
    const line = this.panel.checked ? this.curl() : null;
    if (!line) return;
    try {
      await navigator.clipboard.writeText(line);
      $("token-curl-status").textContent = "Copied. Run it, then paste the token (it is not shown) and press Enter.";
    } catch (e) {
      $("token-curl-status").textContent = `Could not copy: ${e?.message ?? e}`;
    }
  }

  async run() {
    if (this.http) return;
    const view = this.method();
    const token = this.panel.checked;
    const apiId = store.apiId;
    if (!view || !token || !apiId) return;
    await this.panel.task("token-aws-progress", `Asking AWS's authorizer test about ${view.key}…`, async () => {
      const ticket = store.ticket("api");
      this.clear();
      try {
        const answer = await api.testAuthorizer(store.ctx(), { apiId, path: view.path, verb: view.verb, token });
        if (!ticket.current()) return;
        this.render(answer);
        $("token-aws-result").scrollIntoView({ block: "nearest" });
      } catch (e) {
        if (!ticket.current()) return;
        $("token-aws-result").replaceChildren(el("p", { class: "form-error" }, ...errorParts(e)));
        $("token-aws-result").hidden = false;
        $("token-aws-result").scrollIntoView({ block: "nearest" });
      }
    });
  }

  /** @param {AwsTest} r */
  render(r) {
    const ours = verdictBadge(r.verdict);
    const status = r.clientStatus === null
      ? el("strong", {}, "AWS was not asked")
      : el("span", {}, "AWS answered ", el("strong", { "data-testid": "token-aws-status" }, String(r.clientStatus)),
        { 200: " (let through)", 401: " (refused)" }[r.clientStatus] ?? "",
        r.latencyMs === null ? "" : ` in ${r.latencyMs} ms`);
    const claims = Object.keys(r.claims).length ? JSON.stringify(r.claims, null, 2) : null;
    const box = $("token-aws-result");
    box.dataset.clientStatus = r.clientStatus === null ? "none" : String(r.clientStatus);
    box.dataset.agrees = String(r.agrees);
    box.replaceChildren(
      el("p", { class: "aws-line" }, status, ` · authorizer ${r.authorizer} · Gatehouse: `,
        el("span", { class: `badge ${ours.cls}` }, ours.label), " ",
        el("span", { class: `pill ${r.agrees ? "agree" : "warn"}` }, r.agrees ? "✓ they agree" : "✕ they disagree")),
      el("p", { class: "help" }, r.note),
      claims || r.log
        ? el("details", {}, el("summary", {}, claims ? "Claims AWS saw, and its log" : "AWS's log"),
          el("div", { class: "json-pair" }, claims ? el("pre", { "aria-label": "Claims" }, claims) : null,
            r.log ? el("pre", { "aria-label": "Log" }, r.log) : null))
        : null);
    box.hidden = false;
  }
}
