// @ts-check
// "Change the template": for an API owned by code, the protect bar's choice writes the
// protection into its template instead of sending it. The dialog shows the patched template's
// diff (Rust patches the text and words the summary and notes), saves the patched file where
// the user says, and creates a CloudFormation change set on the stack (never executed).

import * as api from "../api.js";
import { $, el, busy } from "../dom.js";
import { store } from "../state.js";

/** @typedef {import("../bindings/AsCodeOutcome").AsCodeOutcome} AsCodeOutcome */
/** @typedef {import("../bindings/AuthorizerChoice").AuthorizerChoice} AuthorizerChoice */
/** @typedef {import("../bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("../bindings/Ctx").Ctx} Ctx */

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));

/** An error as one sentence: AWS's code when it gave one, the message, the hint.
 * @param {Partial<ErrorView>} e */
const sentence = (e) => [e.code && e.kind === "aws" ? `${e.code}:` : "", e.message ?? String(e), e.hint ?? ""]
  .filter(Boolean).join(" ");

/** A unified diff as lines a reader tells apart by their sign and their colour.
 * @param {string} diff */
export function diffLines(diff) {
  return diff.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1).map((line) => {
    const kind = line.startsWith("+++") || line.startsWith("---") ? "file"
      : line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "same";
    return el("span", { class: `diff-line diff-${kind}`, "data-kind": kind }, line || " ");
  });
}

export class TemplateDialog {
  constructor() {
    /** @type {{ctx: Ctx, apiId: string, methods: string[], authorizer: AuthorizerChoice, scopes: string[]} | null} */
    this.request = null;
    /** @type {AsCodeOutcome | null} */
    this.outcome = null;
    this.working = false;
    /** whether the user saved this outcome already (the save path is theirs then) */
    this.saved = false;
    $("template-read").addEventListener("click", () => this.read());
    input("template-path").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); this.read(); } });
    $("template-save").addEventListener("click", () => this.save());
    $("template-change-set-create").addEventListener("click", () => this.changeSet());
    $("template-close").addEventListener("click", () => this.dialog().close());
    this.dialog().addEventListener("cancel", (e) => { if (this.working) e.preventDefault(); });
  }

  /** @returns {HTMLDialogElement} */
  dialog() {
    return /** @type {HTMLDialogElement} */ ($("template-dialog"));
  }

  /**
   * Opens the dialog on the review's selection with the authorizer chosen, and reads the
   * template: the stack's when the API has one, else the file the user names.
   * @param {string[]} methods @param {AuthorizerChoice} authorizer @param {string[]} scopes
   */
  open(methods, authorizer, scopes) {
    const apiId = store.apiId;
    if (!apiId) return;
    this.request = { ctx: store.ctx(), apiId, methods, authorizer, scopes };
    this.outcome = null;
    this.saved = false;
    input("template-save-path").value = "";
    const info = store.apis.find((a) => a.id === apiId);
    const stack = info?.managedBy?.stack;
    input("template-path").value = "";
    input("template-path").placeholder = stack
      ? `The deployed template of stack ${stack}; or a file: ~/pets/template.yaml`
      : "The template's file: ~/pets/template.yaml, main.tf";
    input("template-change-set").value = `gatehouse-protect-${Date.now()}`;
    $("template-change-set-create").hidden = !stack;
    /** @type {HTMLElement} */ (input("template-change-set").parentElement).hidden = !stack;
    $("template-title").textContent = `Change the template of ${info?.name ?? apiId}`;
    this.clear();
    this.dialog().showModal();
    if (stack) this.read();
    else {
      $("template-summary").textContent = `${info?.name ?? "This API"} is not owned by a stack Gatehouse can read: name its template's file.`;
      input("template-path").focus();
    }
  }

  clear() {
    $("template-summary").textContent = "";
    $("template-diff").hidden = true;
    $("template-diff").replaceChildren();
    $("template-notes").replaceChildren();
    $("template-result").textContent = "";
    $("template-error").hidden = true;
    this.enable();
  }

  enable() {
    const patched = this.outcome?.patched;
    $("template-save").disabled = this.working || !patched;
    $("template-change-set-create").disabled = this.working || !patched || patched.changed.length === 0;
    $("template-read").disabled = this.working;
  }

  /** @param {Partial<ErrorView>} e */
  showError(e) {
    $("template-error").textContent = sentence(e);
    $("template-error").hidden = false;
  }

  /** The patch for the selection: Rust reads the template (the path given, else the stack's). */
  async read() {
    const req = this.request;
    if (!req || this.working) return;
    this.working = true;
    this.outcome = null;
    this.clear();
    const path = input("template-path").value.trim();
    const done = busy("template-status", path ? `Reading ${path}…` : "Reading the stack's template…", "template-status-text");
    try {
      const outcome = await api.templateChange(req.ctx, {
        apiId: req.apiId, methods: req.methods, authorizer: req.authorizer, scopes: req.scopes,
      }, path || null);
      this.outcome = outcome;
      this.show(outcome, path);
    } catch (e) {
      this.showError(e);
    } finally {
      done();
      this.working = false;
      this.enable();
    }
    // Next: Save (the diff is above it), or the path field to name another file.
    (this.outcome?.patched ? $("template-save") : input("template-path")).focus();
  }

  /** @param {AsCodeOutcome} o @param {string} path */
  show(o, path) {
    $("template-summary").textContent = o.nothingToDo ?? o.summary;
    const p = o.patched;
    if (!p) return;
    // No file patched (a Terraform API without its configuration): the HCL to add, as it is.
    $("template-diff").replaceChildren(...(p.diff ? diffLines(p.diff)
      : [el("span", { class: "diff-line diff-same" }, p.changed.length ? p.text : "(no change: the template already says so)")]));
    $("template-diff").hidden = false;
    const notes = [...p.notes];
    if (p.already.length) notes.unshift(`Already so in the template: ${p.already.join(", ")}.`);
    $("template-notes").replaceChildren(...notes.map((n) => el("li", {}, n)));
    if (!this.saved) input("template-save-path").value = path || `~/${o.name}`;
  }

  async save() {
    const p = this.outcome?.patched;
    if (!p || this.working) return;
    this.working = true;
    this.enable();
    $("template-error").hidden = true;
    try {
      const written = await api.saveTemplate(input("template-save-path").value, p.text);
      this.saved = true;
      $("template-result").textContent = `Saved the patched template to ${written}.`;
    } catch (e) {
      this.showError(e);
    } finally {
      this.working = false;
      this.enable();
    }
  }

  /** Creates the change set with the patched template: the same patch, made again by Rust. */
  async changeSet() {
    const req = this.request;
    if (!req || !this.outcome?.patched || this.working) return;
    this.working = true;
    this.enable();
    $("template-error").hidden = true;
    const path = input("template-path").value.trim();
    const done = busy("template-status", "Creating the change set…", "template-status-text");
    try {
      const outcome = await api.templateChange(req.ctx, {
        apiId: req.apiId, methods: req.methods, authorizer: req.authorizer, scopes: req.scopes,
        changeSet: input("template-change-set").value.trim(),
      }, path || null);
      const cs = outcome.changeSet;
      if (cs) {
        $("template-result").replaceChildren(
          el("span", {}, `Change set ${cs.name} created on stack ${cs.stack} (not executed). Review it, then execute it:`),
          el("code", { class: "command" }, cs.review),
          el("code", { class: "command" }, cs.execute));
      }
    } catch (e) {
      this.showError(e);
    } finally {
      done();
      this.working = false;
      this.enable();
    }
  }
}
