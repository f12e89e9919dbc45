// @ts-check
// The Profiles view: every profile the picker offers, and the form that stores a profile's keys
// in the system keychain. Secrets are cleared from the form as soon as they are saved.

import * as api from "../api.js";
import { $, el, setStatus } from "../dom.js";
import { store } from "../state.js";

/** @typedef {import("../bindings/KeychainProfile").KeychainProfile} KeychainProfile */
/** @typedef {import("../bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("../bindings/ProfileInput").ProfileInput} ProfileInput */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */

/** @type {Record<string, string>} the form's inputs, by the names Rust gives them in ErrorView.field */
const FIELDS = {
  name: "pf-name", accessKeyId: "pf-key", secretAccessKey: "pf-secret", sessionToken: "pf-token",
  region: "pf-region", endpointUrl: "pf-endpoint", roleArn: "pf-role", externalId: "pf-external",
};
/** @type {Record<string, string>} */
const SOURCE = { file: "AWS files", keychain: "keychain", env: "environment" };

/** @typedef {{showError: (e: Partial<ErrorView>, retry?: () => void) => void, reloadProfiles: () => Promise<void>}} ProfilesHost what the view may ask of the page */

export class ProfilesView {
  /** @param {ProfilesHost} host */
  constructor(host) {
    this.host = host;
    /** @type {KeychainProfile | null} */
    this.editing = null;
    $("profile-form").addEventListener("submit", (/** @type {Event} */ e) => { e.preventDefault(); this.save(); });
    $("pf-reset").addEventListener("click", () => this.edit(null));
    store.on("tab", () => { if (store.tab === "tab-profiles") this.load(); });
  }

  async load() {
    /** @type {KeychainProfile[]} */
    let keychain = [];
    $("keychain-status").hidden = true;
    try {
      keychain = await api.keychainProfiles();
    } catch (e) {
      $("keychain-status").textContent = `${e.message} ${e.hint ?? ""}`;
      $("keychain-status").hidden = false;
    }
    const byName = new Map(keychain.map((k) => [k.name, k]));
    // Accounts a sign-in reaches are not profiles to manage: the picker and the sweep list them.
    $("profile-rows").replaceChildren(...store.profiles.filter((p) => p.source !== "account").map((p) => this.row(p, byName.get(p.name))));
  }

  /**
   * @param {ProfileInfo} p
   * @param {KeychainProfile} [k]  its keychain entry, for a keychain profile
   */
  row(p, k) {
    const isKeychain = p.source === "keychain";
    const result = el("div", { class: "test-result", "aria-live": "polite" });
    const details = [
      p.region ? `region ${p.region}` : null,
      k ? `key ${k.accessKeyIdMasked}` : null,
      k?.hasSessionToken ? "session token" : null,
      k?.endpointUrl ? `endpoint ${k.endpointUrl}` : null,
      k?.roleArn ? `assumes ${k.roleArn}` : null,
    ].filter(Boolean);
    return el("li", { class: "history-item profile-row", "data-testid": "profile-row", "data-profile-name": p.name, "data-source": p.source },
      el("header", {},
        el("strong", {}, p.name),
        el("span", { class: `source-badge ${p.source}` }, SOURCE[p.source] ?? p.source),
        el("span", { class: "actions" },
          isKeychain ? el("button", { type: "button", "data-testid": "profile-test", onclick: () => this.test(p.name, result) }, "Test") : null,
          isKeychain && k ? el("button", { type: "button", onclick: () => this.edit(k) }, "Edit") : null,
          isKeychain ? el("button", { type: "button", "data-testid": "profile-delete", onclick: () => this.remove(p.name) }, "Delete") : null)),
      details.length ? el("div", { class: "details" }, details.map((d) => el("span", {}, d))) : null,
      result);
  }

  /**
   * @param {string} name
   * @param {HTMLElement} out
   */
  async test(name, out) {
    out.textContent = "Checking with STS…";
    try {
      const id = await api.testProfile(name);
      out.replaceChildren("✓ Account ", el("strong", {}, id.account), ` · ${id.arn}`);
    } catch (e) {
      out.textContent = `✗ ${e.message}`;
    }
  }

  edit(/** @type {KeychainProfile | null} */ k) {
    this.editing = k;
    this.clearErrors();
    $("profile-form-title").textContent = k ? `Edit ${k.name}` : "Add a keychain profile";
    $("pf-name").value = k?.name ?? "";
    $("pf-key").value = "";
    $("pf-key").placeholder = k ? `${k.accessKeyIdMasked} (leave empty to keep)` : "";
    $("pf-secret").value = "";
    $("pf-secret").placeholder = k ? "(leave empty to keep)" : "";
    $("pf-token").value = "";
    $("pf-region").value = k?.region ?? "";
    $("pf-endpoint").value = k?.endpointUrl ?? "";
    $("pf-role").value = k?.roleArn ?? "";
    $("pf-external").value = k?.externalId ?? "";
    $("pf-name").focus();
  }

  /** @returns {ProfileInput} */
  input() {
    const value = (/** @type {string} */ field) => $(FIELDS[field]).value;
    return {
      originalName: this.editing?.name ?? null,
      name: value("name"),
      accessKeyId: value("accessKeyId"),
      secretAccessKey: value("secretAccessKey"),
      sessionToken: value("sessionToken"),
      region: value("region"),
      endpointUrl: value("endpointUrl"),
      roleArn: value("roleArn"),
      externalId: value("externalId"),
    };
  }

  async save() {
    this.clearErrors();
    const input = this.input();
    const errors = await api.checkProfile(input);
    if (errors.length) {
      for (const e of errors) this.fieldError(e.field ?? "", e.message);
      /** @type {HTMLElement | null} */ (document.querySelector("#profile-form [aria-invalid=true]"))?.focus();
      return;
    }
    $("pf-save").disabled = true;
    try {
      const saved = await api.saveProfile(input);
      // The secret is in the keychain now; it leaves the page.
      for (const id of ["pf-secret", "pf-token", "pf-key"]) $(id).value = "";
      setStatus(`Profile ${saved.name} saved to the keychain (key ${saved.accessKeyIdMasked}).`);
      this.edit(null);
      await this.host.reloadProfiles();
      await this.load();
    } catch (e) {
      if (e.field && FIELDS[e.field]) this.fieldError(e.field, e.message);
      else { $("pf-error").textContent = `${e.message} ${e.hint ?? ""}`; $("pf-error").hidden = false; }
    } finally {
      $("pf-save").disabled = false;
    }
  }

  async remove(/** @type {string} */ name) {
    try {
      await api.deleteProfile(name);
      setStatus(`Profile ${name} deleted, with its keychain item.`);
      if (this.editing?.name === name) this.edit(null);
      await this.host.reloadProfiles();
      await this.load();
    } catch (e) {
      this.host.showError(e);
    }
  }

  /**
   * @param {string} field  as Rust names it (ErrorView.field)
   * @param {string} message
   */
  fieldError(field, message) {
    const p = document.querySelector(`#profile-form .field-error[data-field="${field}"]`);
    if (p) p.textContent = message;
    if (FIELDS[field]) $(FIELDS[field]).setAttribute("aria-invalid", "true");
  }

  clearErrors() {
    for (const p of document.querySelectorAll("#profile-form .field-error")) p.textContent = "";
    for (const i of document.querySelectorAll("#profile-form [aria-invalid]")) i.removeAttribute("aria-invalid");
    $("pf-error").hidden = true;
  }
}
