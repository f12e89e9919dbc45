// @ts-check
// Export as code: the open API's authorizers and method protection as CloudFormation (ready
// for resource import), SAM, Terraform (with import blocks) or CDK, as the editor holds them or
// as the stage shown serves them. Rust writes the code; the dialog shows it and saves it.

import * as api from "../api.js";
import { $, busy } from "../dom.js";
import { store } from "../state.js";

/** @typedef {import("../bindings/Exported").Exported} Exported */

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));

export class ExportDialog {
  constructor() {
    /** @type {Exported | null} */
    this.exported = null;
    /** @type {string | null} the stage exported (null: the editor) */
    this.stage = null;
    this.working = false;
    $("export").addEventListener("click", () => this.open());
    $("export-format").addEventListener("change", () => this.load());
    $("export-save").addEventListener("click", () => this.save());
    $("export-close").addEventListener("click", () => this.dialog().close());
    this.dialog().addEventListener("cancel", (e) => { if (this.working) e.preventDefault(); });
  }

  /** @returns {HTMLDialogElement} */
  dialog() {
    return /** @type {HTMLDialogElement} */ ($("export-dialog"));
  }

  open() {
    const apiId = store.apiId;
    if (!apiId) {
      $("authorizers-placeholder").textContent = "Choose an API on the left, then export it.";
      return;
    }
    // A stage shown is what the export describes; its canary has no export of its own.
    const served = store.servedBy;
    this.stage = served === "editor" ? null : served.split("#")[0];
    $("export-from").textContent = this.stage ? `What stage ${this.stage} serves.` : "As the editor holds it (not yet deployed changes included).";
    $("export-title").textContent = `Export ${store.apiName(apiId)} as code`;
    $("export-result").textContent = "";
    this.dialog().showModal();
    this.load();
  }

  async load() {
    const apiId = store.apiId;
    if (!apiId || this.working) return;
    this.working = true;
    this.exported = null;
    $("export-error").hidden = true;
    $("export-code").textContent = "";
    $("export-save").setAttribute("disabled", "");
    const done = busy("export-status", "Reading the API…", "export-status-text");
    try {
      const exported = await api.exportApi(store.ctx(), apiId, input("export-format").value, this.stage);
      this.exported = exported;
      $("export-code").textContent = exported.text;
      input("export-save-path").value = `~/${exported.name}`;
      $("export-result").textContent = exported.importList
        ? "Save also writes the resources to import beside it (NAME.import.json), for an IMPORT change set." : "";
      $("export-save").removeAttribute("disabled");
    } catch (e) {
      $("export-error").textContent = [e.message ?? String(e), e.hint ?? ""].filter(Boolean).join(" ");
      $("export-error").hidden = false;
    } finally {
      done();
      this.working = false;
    }
  }

  async save() {
    const exported = this.exported;
    if (!exported || this.working) return;
    $("export-error").hidden = true;
    try {
      const path = input("export-save-path").value;
      const written = await api.saveTemplate(path, exported.text);
      let said = `Saved to ${written}.`;
      if (exported.importList) {
        const list = await api.saveTemplate(`${path}.import.json`, exported.importList);
        said += ` The resources to import: ${list}.`;
      }
      $("export-result").textContent = said;
    } catch (e) {
      $("export-error").textContent = e.message ?? String(e);
      $("export-error").hidden = false;
    }
  }
}
