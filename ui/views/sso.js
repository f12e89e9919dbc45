// @ts-check
// Signing a profile in to IAM Identity Center (SSO) from the window: the "Sign in with SSO" buttons
// (top bar, error bar) and the dialog with the page to open, the code to compare there, the wait
// for the approval, Cancel and Try again. Rust runs the device flow and writes the token to the
// AWS CLI's cache; no token or secret comes to the page.

import * as api from "../api.js";
import { $, el, errorParts, setStatus } from "../dom.js";
import { store } from "../state.js";
import { ssoSignInNeeded, validFor } from "./profile-logic.js";

/** @typedef {import("../bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("../bindings/SsoPrompt").SsoPrompt} SsoPrompt */

/**
 * What the sign-in needs of the app.
 * @typedef {{
 *   reloadProfiles: () => Promise<void>,
 *   reloadAll: () => void,
 * }} Host
 */

/** @typedef {"closed" | "starting" | "waiting" | "failed"} Phase */

export class SsoSignIn {
  /** @param {Host} host */
  constructor(host) {
    this.host = host;
    /** @type {Phase} */
    this.phase = "closed";
    // Every start and Cancel begins an "sso" ticket (state.js): a dropped attempt's answer is ignored.
    /** @type {ProfileInfo | null} the profile being signed in */
    this.profile = null;
    this.page = "";
    /** @type {Promise<void> | null} the last attempt's wait for the approval, until it settles */
    this.waiting = null;
    /** @type {HTMLElement | null} */
    this.opener = null;
    for (const id of ["sso-login-top", "error-sso-login"]) {
      $(id).addEventListener("click", () => this.open($(id)));
    }
    $("sso-cancel").addEventListener("click", () => this.cancel());
    $("sso-retry").addEventListener("click", () => this.start());
    $("sso-copy").addEventListener("click", () => this.copy());
    // The page is the system browser's business: the window itself never goes there.
    $("sso-link").addEventListener("click", (/** @type {Event} */ e) => { e.preventDefault(); this.copy(); });
    // Escape: the same as Cancel (and the wait in Rust stops too).
    $("sso-dialog").addEventListener("cancel", (/** @type {Event} */ e) => { e.preventDefault(); this.cancel(); });
    store.on("profiles", () => this.update());
    store.on("profile", () => this.update());
    store.on("identity", () => { if (store.identity.state === "known") this.identityLoaded(); });
  }

  /** The top bar's button, for the profile chosen now. */
  update() {
    $("sso-login-top").hidden = !ssoSignInNeeded(store.currentProfile());
  }

  /** After an error went to the error bar: offer the sign-in there when it is the way out.
   * @param {{kind?: string}} e */
  errorShown(e) {
    const p = store.currentProfile();
    const needed = ssoSignInNeeded(p, e);
    $("error-sso-login").hidden = !needed;
    // The picker still says signed in, but the token is gone or dead: let it say so.
    if (needed && p?.sso?.status === "signedIn") this.host.reloadProfiles().catch(() => {});
  }

  /** The identity answered: a token the picker shows as expired may have been renewed meanwhile
   * (the SDK refreshes it with the refresh token). */
  identityLoaded() {
    const p = store.currentProfile();
    if (p?.sso && p.sso.status !== "signedIn") this.host.reloadProfiles().catch(() => {});
  }

  /** @param {HTMLElement} opener */
  open(opener) {
    const p = store.currentProfile();
    if (!p?.sso || this.phase !== "closed") return;
    this.profile = p;
    this.opener = opener;
    $("sso-profile").textContent = `Profile ${p.name} · ${p.sso.startUrl}`;
    $("sso-dialog").showModal();
    this.start();
  }

  async start() {
    const attempt = store.begin("sso");
    const profile = this.profile;
    if (!profile) return;
    this.show("starting");
    // A cancelled wait ends at its next poll: let it end before Rust starts another for the profile.
    if (this.waiting) await this.waiting;
    if (!attempt.current()) return;
    /** @type {SsoPrompt} */
    let prompt;
    try {
      prompt = await api.ssoStart(profile.id);
    } catch (e) {
      if (attempt.current()) this.failed(e);
      return;
    }
    if (!attempt.current()) return;
    this.showPrompt(prompt);
    const approval = api.ssoFinish(profile.id);
    const settled = approval.then(() => {}, () => {});
    this.waiting = settled;
    settled.then(() => { if (this.waiting === settled) this.waiting = null; });
    try {
      const state = await approval;
      if (attempt.current()) this.close();
      setStatus(`Signed in: ${profile.name} is ${state.text}.`);
      // As Refresh does: the new sign-in is used for everything shown (Rust forgot the old sessions).
      await this.host.reloadProfiles();
      this.host.reloadAll();
    } catch (e) {
      if (attempt.current()) this.failed(e);
    }
  }

  cancel() {
    if (this.phase === "closed") return;
    store.begin("sso");
    if (this.profile && (this.phase === "starting" || this.phase === "waiting")) api.ssoCancel(this.profile.id).catch(() => {});
    setStatus(this.phase === "failed" ? "" : "Sign-in cancelled.");
    this.close();
  }

  close() {
    this.phase = "closed";
    $("sso-dialog").close();
    const back = this.opener?.offsetParent ? this.opener : $("profile");
    back.focus();
  }

  /** @param {Phase} phase */
  show(phase) {
    this.phase = phase;
    $("sso-starting").hidden = phase !== "starting";
    $("sso-prompt").hidden = phase !== "waiting";
    $("sso-error").hidden = phase !== "failed";
    $("sso-retry").hidden = phase !== "failed";
    $("sso-cancel").textContent = phase === "failed" ? "Close" : "Cancel";
  }

  /** @param {SsoPrompt} prompt */
  showPrompt(prompt) {
    this.page = prompt.verificationUriComplete ?? prompt.verificationUri;
    // Rust decides what may be opened; an address it refused is shown with why, never linked.
    $("sso-page-line").textContent = prompt.browserNote
      ? `Not opened in your browser: ${prompt.browserNote}. Check the address before you open it:`
      : prompt.browserOpened
        ? "Your browser was opened on the sign-in page:"
        : "Open this page to sign in:";
    $("sso-link").href = prompt.browserNote ? "about:blank" : this.page;
    $("sso-link").textContent = this.page;
    $("sso-copy-status").textContent = "";
    $("sso-user-code").textContent = prompt.userCode;
    $("sso-waiting-text").textContent = `Waiting for the approval in the browser… The code is valid for ${validFor(prompt.expiresIn)}.`;
    this.show("waiting");
    $("sso-copy").focus();
  }

  /** @param {{code?: string | null, message?: string, hint?: string | null}} e */
  failed(e) {
    $("sso-error").replaceChildren(el("strong", { class: "sso-error-title" }, "Not signed in."), " ", ...errorParts(e));
    this.show("failed");
    $("sso-retry").focus();
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.page);
      $("sso-copy-status").textContent = "Address copied: paste it into your browser.";
    } catch (e) {
      $("sso-copy-status").textContent = `Could not copy: ${e?.message ?? e}. Select the address and copy it.`;
    }
  }
}
