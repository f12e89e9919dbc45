// @ts-check
// Help → Keyboard shortcuts (also the top bar's ? button, and ? or F1 typed in the page): a
// dialog listing the keys the page answers, from the one list in keys.js.

import { $, el } from "../dom.js";
import { SHORTCUTS } from "../keys.js";

/** "Ctrl+=" as keys a person presses: <kbd>Ctrl</kbd>+<kbd>=</kbd>. @param {string} keys */
function keyCaps(keys) {
  const parts = keys === "Ctrl++" ? ["Ctrl", "+"] : keys.split("+");
  return parts.flatMap((p, i) => (i ? ["+", el("kbd", {}, p)] : [el("kbd", {}, p)]));
}

export class ShortcutsDialog {
  constructor() {
    // One table (the columns line up), a group of rows under its own header for each part.
    $("shortcuts-list").replaceChildren(el("table", { class: "methods shortcuts" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Keys"), el("th", { scope: "col" }, "What they do"))),
      ...SHORTCUTS.map((group) => el("tbody", { "data-testid": "shortcuts-group" },
        el("tr", {}, el("th", { scope: "rowgroup", colspan: "2", class: "group" },
          group.title)),
        ...group.shortcuts.map((s) => el("tr", { "data-testid": "shortcut" },
          el("td", { class: "keys" }, ...s.keys.flatMap((k, i) => (i ? [" or ", ...keyCaps(k)] : keyCaps(k)))),
          el("td", {}, s.what)))))));
    $("shortcuts-open").addEventListener("click", () => this.open());
    $("shortcuts-close").addEventListener("click", () => this.dialog().close());
  }

  /** @returns {HTMLDialogElement} */
  dialog() {
    return /** @type {HTMLDialogElement} */ ($("shortcuts-dialog"));
  }

  /** Opens the list (not over another dialog: its keys are the ones that count there). */
  open() {
    if (document.querySelector("dialog[open]")) return;
    this.dialog().showModal();
    // The list itself, so that the arrow and page keys scroll it.
    $("shortcuts-list").focus();
  }
}
