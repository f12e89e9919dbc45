// @ts-check
// The keyboard, free of the DOM: where the arrow keys take the focus in a list of rows, where Tab
// goes round at a dialog's edges, and the shortcuts Help → Keyboard shortcuts lists (each
// entry's keys are the ones the page answers; ui/test/keys.test.js holds them to it).

/**
 * Where a key moves the focus in a list of `count` rows from `at`: ↑ ↓ one row, Home and End the
 * first and last, Page Up and Page Down `page` rows; null for a key that does not move it.
 * @param {string} key  KeyboardEvent.key
 * @param {number} at  the focused row (-1: none yet)
 * @param {number} count
 * @param {number} page  rows in view
 * @returns {number | null}
 */
export function rowStep(key, at, count, page) {
  if (count === 0) return null;
  const last = count - 1;
  const from = Math.min(Math.max(at, 0), last);
  switch (key) {
    case "ArrowDown": return at < 0 ? 0 : Math.min(from + 1, last);
    case "ArrowUp": return Math.max(from - 1, 0);
    case "Home": return 0;
    case "End": return last;
    case "PageDown": return Math.min(from + Math.max(page, 1), last);
    case "PageUp": return Math.max(from - Math.max(page, 1), 0);
    default: return null;
  }
}

/**
 * Where Tab (or Shift+Tab) goes inside a modal dialog of `count` tabbable controls, in the
 * page's order, from control `at` (-1: from the dialog itself): the next (previous) one, round
 * to the other end at an edge. The page decides every step: WebKit's own order stops on the
 * dialog element as well.
 * @param {number} at @param {number} count @param {boolean} back  Shift held
 * @returns {number}  -1 when there is no control to go to
 */
export function loopStep(at, count, back) {
  if (count === 0) return -1;
  if (at < 0) return back ? count - 1 : 0;
  return (at + (back ? -1 : 1) + count) % count;
}

/**
 * One shortcut as Help lists it: the keys (each a press, "Ctrl+=", or a key alone, "↓"; any of
 * them does it) and what it does; `action` names the menu entry the keys stand for.
 * @typedef {{keys: string[], what: string, action?: string}} Shortcut
 * @typedef {{title: string, shortcuts: Shortcut[]}} ShortcutGroup
 */

/** @type {ShortcutGroup[]} */
export const SHORTCUTS = [
  {
    title: "Anywhere",
    shortcuts: [
      { keys: ["Tab", "Shift+Tab"], what: "Next or previous control" },
      { keys: ["F5", "Ctrl+R"], what: "Refresh: read everything again", action: "refresh" },
      { keys: ["Ctrl+F"], what: "Find: the filter of the view shown", action: "find" },
      { keys: ["Ctrl+=", "Ctrl++"], what: "Zoom in", action: "zoomIn" },
      { keys: ["Ctrl+-"], what: "Zoom out", action: "zoomOut" },
      { keys: ["Ctrl+0"], what: "Actual size", action: "zoomReset" },
      { keys: ["?", "F1"], what: "These keyboard shortcuts", action: "shortcuts" },
      { keys: ["Ctrl+Q"], what: "Quit Gatehouse" },
    ],
  },
  {
    title: "Views (Review, Authorizers, History…)",
    shortcuts: [
      { keys: ["←", "→"], what: "Previous or next view" },
      { keys: ["Home", "End"], what: "First or last view" },
    ],
  },
  {
    title: "APIs list",
    shortcuts: [
      { keys: ["↑", "↓"], what: "Previous or next API" },
      { keys: ["Home", "End"], what: "First or last API" },
      { keys: ["Enter", "Space"], what: "Open the API" },
    ],
  },
  {
    title: "Methods table",
    shortcuts: [
      { keys: ["↑", "↓"], what: "Previous or next method" },
      { keys: ["Home", "End"], what: "First or last method" },
      { keys: ["Page Up", "Page Down"], what: "A screenful up or down" },
      { keys: ["←", "→"], what: "Between a method's checkbox and its path" },
      { keys: ["Space"], what: "On the checkbox: select or unselect the method" },
      { keys: ["Enter", "Space"], what: "On the path: select it and everything under it" },
    ],
  },
  {
    title: "Sweep",
    shortcuts: [
      { keys: ["↑", "↓"], what: "Previous or next API" },
      { keys: ["Enter", "Space"], what: "Open the API in Review" },
    ],
  },
  {
    title: "Fields",
    shortcuts: [
      { keys: ["↑", "↓", "←", "→"], what: "In a group of choices (All, Open, Protected; the user pools): the previous or next one" },
      { keys: ["Space"], what: "On a checkbox or a choice: tick it" },
      { keys: ["Ctrl+Enter"], what: "In the token field: check the token" },
      { keys: ["Enter"], what: "In Other region: use the region typed; in a dialog's field: its main button" },
      { keys: ["Escape"], what: "In Other region: back to the list" },
    ],
  },
  {
    title: "Dialogs",
    shortcuts: [
      { keys: ["Tab", "Shift+Tab"], what: "Go round the dialog's controls" },
      { keys: ["Escape"], what: "Close the dialog (not while it is at work); the focus goes back where it was" },
    ],
  },
];

/**
 * A key as Help writes it, as the page sees it pressed: "Ctrl+=" → {key: "=", ctrlKey: true}.
 * @param {string} keys
 * @returns {{key: string, ctrlKey: boolean, metaKey: boolean, altKey: boolean, shiftKey: boolean}}
 */
export function pressOf(keys) {
  const parts = keys === "Ctrl++" ? ["Ctrl", "+"] : keys.split("+");
  const key = parts[parts.length - 1];
  const named = { "↑": "ArrowUp", "↓": "ArrowDown", "←": "ArrowLeft", "→": "ArrowRight", Space: " ", "Page Up": "PageUp", "Page Down": "PageDown" };
  return {
    key: /** @type {Record<string, string>} */ (named)[key] ?? key,
    ctrlKey: parts.includes("Ctrl"),
    metaKey: false,
    altKey: false,
    shiftKey: parts.includes("Shift"),
  };
}
