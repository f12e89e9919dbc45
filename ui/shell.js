// @ts-check
// The window around the page: its title (the open API, the profile, the region), the menu bar's
// entries, and the same shortcuts typed in the page itself (GTK takes a menu's accelerator before
// the page sees the key; under WebDriver, and for Ctrl+R, the page sees it), and the page's zoom.

import * as api from "./api.js";
import { setStatus } from "./dom.js";

/** @typedef {import("./bindings/MenuAction").MenuAction} MenuAction */
/** @typedef {import("./bindings/Zoom").Zoom} Zoom */
/** @typedef {"menu" | "page"} Source */

/** A menu action and the same key in the page this close together (ms) are one key press. */
export const SAME_PRESS_MS = 300;

/** @type {Partial<Record<MenuAction, Zoom>>} */
const ZOOM_STEPS = { zoomIn: "in", zoomOut: "out", zoomReset: "reset" };

/**
 * The window's title, "Gatehouse — SecurePets · dev · us-east-1", leaving out what is not chosen.
 * @param {{api?: string | null, profile?: string | null, region?: string | null}} where
 * @returns {string}
 */
export function windowTitle({ api, profile, region }) {
  const place = [api, profile, region].filter(Boolean).join(" · ");
  return place ? `Gatehouse — ${place}` : "Gatehouse";
}

/**
 * The menu entry a key pressed in the page stands for: F5 or Ctrl+R Refresh, Ctrl+F Find, Ctrl+=
 * (or Ctrl++) Zoom In, Ctrl+- Zoom Out, Ctrl+0 Actual Size, F1 or ? the keyboard shortcuts (? only
 * outside a field that takes text, where it is a character); Cmd for Ctrl on macOS.
 * @param {{key: string, ctrlKey: boolean, metaKey: boolean, altKey: boolean}} e
 * @param {boolean} [typing]  the focus is in a field that takes text
 * @returns {MenuAction | null}
 */
export function shortcutAction(e, typing = false) {
  if (e.altKey) return null;
  const command = e.ctrlKey || e.metaKey;
  if (!command) {
    if (e.key === "F5") return "refresh";
    return e.key === "F1" || (e.key === "?" && !typing) ? "shortcuts" : null;
  }
  switch (e.key.toLowerCase()) {
    case "r": return "refresh";
    case "f": return "find";
    case "=": case "+": return "zoomIn";
    case "-": return "zoomOut";
    case "0": return "zoomReset";
    default: return null;
  }
}

/** Whether a key typed in `target` is text: a text field, a text area, a list's type-ahead.
 * @param {EventTarget | null} target */
function takesText(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement
    && !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(target.type);
}

/** Lets one key press through once when both the menu and the page report it. */
export class PressGuard {
  constructor() {
    /** @type {{action: MenuAction, source: Source, at: number} | null} */
    this.last = null;
  }

  /**
   * Whether to carry out `action` now: not when the other source reported it within SAME_PRESS_MS.
   * @param {MenuAction} action @param {Source} source @param {number} now  in ms
   * @returns {boolean}
   */
  admit(action, source, now) {
    const last = this.last;
    if (last && last.action === action && last.source !== source && now - last.at < SAME_PRESS_MS) return false;
    this.last = { action, source, at: now };
    return true;
  }
}

export class Shell {
  /** @param {{refresh: () => void, find: () => void, shortcuts: () => void}} page  what Refresh,
   * Find and Help → Keyboard shortcuts do (the page's own buttons' actions) */
  constructor(page) {
    this.page = page;
    this.guard = new PressGuard();
    this.title = "";
  }

  /** Listens to the menu bar and to the page's keys. */
  start() {
    document.addEventListener("keydown", (e) => {
      const action = shortcutAction(e, takesText(e.target));
      if (!action) return;
      e.preventDefault();
      this.perform(action, "page");
    });
    api.watchMenu((action) => this.perform(action, "menu")).catch(() => {});
  }

  /** @param {MenuAction} action @param {Source} source */
  perform(action, source) {
    if (!this.guard.admit(action, source, performance.now())) return;
    if (action === "refresh") this.page.refresh();
    else if (action === "find") this.page.find();
    else if (action === "shortcuts") this.page.shortcuts();
    else {
      const step = ZOOM_STEPS[action];
      if (step) this.zoom(step);
    }
  }

  /** @param {Zoom} step */
  async zoom(step) {
    try {
      const factor = await api.zoomWindow(step);
      setStatus(`Zoom ${Math.round(factor * 100)}%`);
    } catch (e) {
      setStatus(e?.message ?? "Could not zoom.");
    }
  }

  /**
   * The window's title (and the page's, the same) for what is shown now.
   * @param {{api?: string | null, profile?: string | null, region?: string | null}} where
   */
  setTitle(where) {
    const title = windowTitle(where);
    if (title === this.title) return;
    this.title = title;
    document.title = title;
    api.setWindowTitle(title).catch(() => {});
  }
}
