// @ts-check
// Every <dialog> of the page, whichever view opens it: modal (showModal leaves the rest of the
// page inert), Tab and Shift+Tab go round its controls, Escape closes it (a view may refuse while
// it works), and once it closes the focus is back on the control that opened it — or, when a
// re-render took that control away, on its twin, or the nearest place that is still there.

import { loopStep } from "./keys.js";

const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

/** Whether a person can see `node` and reach it with Tab. @param {Element} node */
function tabbable(node) {
  const e = /** @type {HTMLElement} */ (node);
  if (e.tabIndex < 0 || /** @type {HTMLButtonElement} */ (e).disabled || e.closest("[inert]")) return false;
  if (e instanceof HTMLInputElement && e.type === "hidden") return false;
  if (!e.getClientRects().length || getComputedStyle(e).visibility === "hidden") return false;
  // Inside a closed <details>, only its summary shows.
  const details = e.parentElement?.closest("details");
  return !details || details.open || e === details.querySelector(":scope > summary");
}

/** The controls Tab stops at inside `root`, in order; one radio button a group (its checked one,
 * else its first). @param {Element} root @returns {HTMLElement[]} */
export function tabStops(root) {
  const all = /** @type {HTMLElement[]} */ ([...root.querySelectorAll(FOCUSABLE)].filter(tabbable));
  return all.filter((e) => {
    if (!(e instanceof HTMLInputElement) || e.type !== "radio" || !e.name) return true;
    const group = all.filter((o) => o instanceof HTMLInputElement && o.type === "radio" && o.name === e.name);
    return e.checked || (!group.some((o) => /** @type {HTMLInputElement} */ (o).checked) && group[0] === e);
  });
}

/** A CSS selector naming `e` by what survives a re-render: its id, else its test id and the ids
 * in its data (data-apply-id, data-key…); null when it has none. @param {HTMLElement} e */
function identity(e) {
  if (e.id) return `#${CSS.escape(e.id)}`;
  const testid = e.dataset.testid;
  if (!testid) return null;
  const ids = Object.entries(e.dataset)
    .filter(([k]) => k === "key" || k.endsWith("Id"))
    .map(([k, v]) => `[data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${CSS.escape(v ?? "")}"]`);
  return `${e.tagName.toLowerCase()}[data-testid="${CSS.escape(testid)}"]${ids.join("")}`;
}

/**
 * Where the focus goes back to when a dialog closes: the opener when it is still there, else
 * the first of its ancestors still shown (or their twins, re-rendered) — the element itself
 * when it is the opener's twin, its first control otherwise.
 * @param {HTMLElement[]} trail  the opener and its ancestors, at the time the dialog opened
 * @returns {HTMLElement | null}
 */
function returnTarget(trail) {
  const path = trail.map(identity);
  for (let i = 0; i < trail.length; i++) {
    let here = trail[i].isConnected ? trail[i] : null;
    if (!here && path[i]) {
      // The twin, scoped by the ancestors that name themselves (the same History entry's button).
      const scope = path.slice(i + 1).filter(Boolean).reverse().slice(-2);
      here = /** @type {HTMLElement | null} */ (document.querySelector([...scope, path[i]].join(" ")));
    }
    if (!here || here === document.body) continue;
    if (tabbable(here)) return here;
    if (i === 0) continue;
    const first = tabStops(here)[0];
    if (first) return first;
  }
  return null;
}

/** Makes every dialog of the page modal in the ways showModal leaves to the page. */
export function wireDialogs() {
  /** @type {HTMLElement[]} the last controls that had the focus, newest last */
  const recent = [];
  /** @type {Map<HTMLDialogElement, HTMLElement[]>} each open dialog's opener and its ancestors */
  const openers = new Map();
  document.addEventListener("focusin", (e) => {
    if (!(e.target instanceof HTMLElement)) return;
    recent.push(e.target);
    if (recent.length > 16) recent.shift();
  });
  // showModal moves the focus into the dialog at once: its opener is the last control outside.
  new MutationObserver((records) => {
    for (const { target } of records) {
      if (!(target instanceof HTMLDialogElement) || !target.open || openers.has(target)) continue;
      const opener = [...recent].reverse().find((e) => e.isConnected && !target.contains(e));
      const trail = [];
      for (let e = opener ?? null; e && e !== document.body; e = e.parentElement) trail.push(e);
      openers.set(target, trail);
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["open"] });
  // "close" does not bubble: listened to on its way down.
  document.addEventListener("close", (e) => {
    const dialog = e.target;
    if (!(dialog instanceof HTMLDialogElement)) return;
    const trail = openers.get(dialog) ?? [];
    openers.delete(dialog);
    const now = /** @type {HTMLElement | null} */ (document.activeElement);
    // WebKit gives the focus back itself when the opener is still there; a view may have put it
    // somewhere on purpose. Only a focus lost (on the page's body, or hidden) is given back here.
    if (now && now !== document.body && !dialog.contains(now) && tabbable(now)) return;
    returnTarget(trail)?.focus();
  }, true);
  document.addEventListener("keydown", (e) => {
    // Shift+Tab can come as GTK's ISO_Left_Tab, which WebKit names "Unidentified": its code is Tab.
    if ((e.key !== "Tab" && e.code !== "Tab") || e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
    const open = /** @type {HTMLDialogElement[]} */ ([...document.querySelectorAll("dialog[open]")]);
    // The dialog on top: the last opened.
    const dialog = [...openers.keys()].filter((d) => d.open).pop() ?? open[open.length - 1];
    if (!dialog) return;
    const stops = tabStops(dialog);
    const active = document.activeElement;
    let at = stops.findIndex((s) => s === active);
    if (at < 0 && active instanceof HTMLInputElement && active.type === "radio") {
      at = stops.findIndex((s) => s instanceof HTMLInputElement && s.type === "radio" && s.name === active.name);
    }
    let next = loopStep(at, stops.length, e.shiftKey);
    if (at < 0 && active && active !== dialog && dialog.contains(active)) {
      // On a control Tab does not stop at (a row's cell): the stops around it in the page's order.
      const after = stops.findIndex((s) => !!(active.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING));
      const before = (after < 0 ? stops.length : after) - 1;
      next = e.shiftKey ? (before < 0 ? stops.length - 1 : before) : Math.max(after, 0);
    }
    e.preventDefault();
    if (next < 0) return;
    stops[next].focus();
  });
}
