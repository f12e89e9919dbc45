// @ts-check
// A role guarded by an MFA device (a profile of the AWS files with role_arn, source_profile and
// mfa_serial): when a call says the role needs a one-time code, or that STS refused the one sent,
// a dialog asks for it. Continue gives it to Rust, which assumes the role with it on the next call,
// and everything is loaded again. The code is in the page only while it is typed: the input is
// emptied as the code is sent.

import * as api from "../api.js";
import { $, el, errorParts } from "../dom.js";
import { store } from "../state.js";
import { mfaNeed } from "./profile-logic.js";

/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("../bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {NonNullable<ReturnType<typeof mfaNeed>>} MfaNeed */

/**
 * What the dialog needs of the app.
 * @typedef {{
 *   reloadAll: () => void,
 * }} Host
 */

export class MfaPrompt {
  /** @param {Host} host */
  constructor(host) {
    this.host = host;
    /** @type {ProfileInfo | null} the profile the code is for */
    this.profile = null;
    /** @type {{role: string, device: string}} the role and device last named for that profile */
    this.guard = { role: "", device: "" };
    /** @type {Partial<ErrorView> | null} STS's refusal of the last code sent, until the next one */
    this.refusal = null;
    this.sending = false;
    $("error-mfa-open").addEventListener("click", () => this.open());
    $("mfa-form").addEventListener("submit", (/** @type {Event} */ e) => { e.preventDefault(); this.submit(); });
    $("mfa-cancel").addEventListener("click", () => this.close());
    // Escape: the same as Cancel.
    $("mfa-dialog").addEventListener("cancel", (/** @type {Event} */ e) => { e.preventDefault(); this.close(); });
    // The identity is the first call on a profile: its failure may be the role asking for a code.
    store.on("identity", () => { if (store.identity.state === "unknown") this.callFailed(store.identity.error); });
  }

  /** After an error went to the error bar: offer the code there when it is the way out.
   * @param {Partial<ErrorView>} e */
  errorShown(e) {
    const need = this.callFailed(e);
    $("error-mfa-open").hidden = !need;
    if (need && !need.refused) $("error-title").textContent = "MFA code needed";
  }

  /** A call on the current profile failed (the error bar's, or the identity's): ask for the code
   * when the role needs one or refused the last one.
   * @param {Partial<ErrorView>} e @returns {MfaNeed | null} */
  callFailed(e) {
    const need = mfaNeed(e);
    const p = store.currentProfile();
    if (!need || !p || (need.profile && need.profile !== p.name)) return null;
    if (p.id !== this.profile?.id) this.refusal = null;
    this.profile = p;
    this.guard = { role: need.role || this.guard.role, device: need.device || this.guard.device };
    if (need.refused) this.refusal = e;
    if (!$("mfa-dialog").open) this.open();
    else if (need.refused) this.show();
    return need;
  }

  open() {
    if (!this.profile || $("mfa-dialog").open) return;
    this.show();
    $("mfa-dialog").showModal();
    $("mfa-code").focus();
  }

  /** The profile, role and device, and STS's refusal when the last code was refused. */
  show() {
    const fact = (/** @type {string} */ term, /** @type {string} */ value) =>
      value ? [el("dt", {}, term), el("dd", {}, value)] : [];
    $("mfa-facts").replaceChildren(
      ...fact("Profile", this.profile?.name ?? ""), ...fact("Role", this.guard.role), ...fact("Device", this.guard.device));
    this.showError(this.refusal && errorParts(this.refusal));
    $("mfa-code").value = "";
  }

  /** @param {(Node | string)[] | null} parts */
  showError(parts) {
    $("mfa-error").replaceChildren(...(parts ?? []));
    $("mfa-error").hidden = !parts;
    $("mfa-code").setAttribute("aria-invalid", String(!!parts));
  }

  async submit() {
    if (this.sending || !this.profile) return;
    const input = $("mfa-code");
    const code = input.value;
    input.value = "";
    this.sending = true;
    $("mfa-submit").disabled = true;
    try {
      await api.provideMfaCode(this.profile.id, code);
    } catch (e) {
      this.showError(errorParts(e));
      input.focus();
      return;
    } finally {
      this.sending = false;
      $("mfa-submit").disabled = false;
    }
    this.refusal = null;
    this.close();
    // As Refresh does: the next calls assume the role with the code.
    this.host.reloadAll();
  }

  close() {
    $("mfa-code").value = "";
    $("mfa-dialog").close();
    const back = $("error-mfa-open").offsetParent ? $("error-mfa-open") : $("profile");
    back.focus();
  }
}
