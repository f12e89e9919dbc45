// @ts-check
// Small DOM helpers shared by the views.

/**
 * The element of an id. Typed `any` on purpose: the type check is there for the data Rust sends,
 * not for which kind of element each id names.
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id);

/**
 * Creates an element with attributes and children; strings become text nodes (never HTML).
 * @param {string} tag
 * @param {Record<string, any>} [attrs]  class, dataset, onEVENT handlers, or attributes
 * @param {...any} children  nodes, strings or numbers; null, undefined and false are left out
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Shows a progress bar only when the work takes longer than a moment, so fast loads do not flicker.
 * @param {string} progressId  the bar, or what holds it
 * @param {string | null} statusText  null: the bar alone, and the line keeps what it says (what
 *   was just done, which a screen reader is reading out)
 * @param {string} [textId]  where the words go (a dialog's own line); the status line otherwise
 * @returns {(keepStatus?: boolean) => void}  call it when the work is done (keepStatus: work that
 *   newer work replaced leaves the status line to that one)
 */
export function busy(progressId, statusText, textId) {
  const bar = $(progressId);
  const timer = setTimeout(() => { bar.hidden = false; }, 150);
  const say = textId ? (/** @type {string} */ t) => { $(textId).textContent = t; } : setStatus;
  if (statusText !== null) say(statusText);
  return (keepStatus = false) => {
    clearTimeout(timer);
    bar.hidden = true;
    if (!keepStatus && statusText !== null) say("");
  };
}

/** @param {string} text */
export function setStatus(text) {
  $("status").textContent = text || "";
}

/**
 * An error as a line of nodes: AWS's code when it gave one, the message, the hint
 * ("NotAuthorizedException: Incorrect username or password.").
 * @param {{code?: string | null, message?: string, hint?: string | null}} e
 * @returns {(Node | string)[]}
 */
export function errorParts(e) {
  const message = e.message ?? String(e);
  // Rust's message already starts with the code for AWS errors: the code is shown once, in bold.
  const prefix = e.code ? `${e.code}: ` : "";
  return [
    e.code ? el("strong", {}, prefix) : null,
    prefix && message.startsWith(prefix) ? message.slice(prefix.length) : message,
    e.hint ? el("span", { class: "hint" }, e.hint) : null,
  ].filter((part) => part !== null);
}

/** @type {Record<string, string>} the error bar's title for each kind of ErrorView */
const ERROR_TITLES = {
  aws: "AWS refused the request", "no-credentials": "No credentials", unreachable: "AWS is unreachable",
  expired: "Session expired", invalid: "Check your input", "not-found": "Not found", keychain: "Keychain unavailable",
};

/**
 * The error bar: what happened (Rust's message and hint), with Retry when trying again may help.
 * @param {{kind?: string, message?: string, hint?: string | null}} e
 * @param {() => void} [retry]
 */
export function showErrorBar(e, retry) {
  $("error-title").textContent = ERROR_TITLES[e.kind ?? ""] ?? "Something went wrong";
  $("error-message").textContent = e.message ?? String(e);
  $("error-hint").textContent = e.hint ?? "";
  $("error").dataset.kind = e.kind ?? "internal";
  $("error-retry").hidden = !retry;
  $("error-retry").onclick = retry ? () => { hideErrorBar(); retry(); } : null;
  $("error").hidden = false;
}

export function hideErrorBar() {
  $("error").hidden = true;
}

/**
 * The tabs (role="tab"): a click, the arrow keys, Home or End (which also move the focus) choose one.
 * @param {(tabId: string) => void} show
 */
export function wireTabs(show) {
  const tabs = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[role="tab"]')]);
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => show(tab.id));
    tab.addEventListener("keydown", (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const to = e.key === "ArrowRight" ? (i + 1) % tabs.length : e.key === "ArrowLeft" ? (i - 1 + tabs.length) % tabs.length
        : e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : -1;
      if (to < 0) return;
      e.preventDefault();
      tabs[to].focus();
      show(tabs[to].id);
    });
  });
}
