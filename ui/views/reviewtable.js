// @ts-check
// The review table: every method of the open API with its protection badge, and the checkboxes
// of the store's selection — or, read-only, the methods as a stage serves them, each differing
// row saying how. Only the rows in view are in the DOM (an API can have thousands of
// methods): filters recompute a list of indices, scrolling re-renders a window. The keyboard
// moves through it as through one control: Tab stops at one row (a roving tabindex), the arrows,
// Home, End and the page keys move between rows, ← → between a row's checkbox and its path;
// screen readers hear each row's place in the whole list and each badge in words.

import { $ } from "../dom.js";
import { rowStep } from "../keys.js";
import { store } from "../state.js";
import { filterMethods, keysUnder, openNotOptionsKeys } from "./review-logic.js";
import { visibleRows } from "./rows.js";
import { verdictBadge } from "./token-logic.js";

/** @typedef {import("../bindings/MethodView").MethodView} MethodView */
/** @typedef {import("../bindings/MethodVerdict").MethodVerdict} MethodVerdict */
/** @typedef {import("./review-logic.js").Show} Show */
/** @typedef {import("./served-logic.js").RowNote} RowNote */

const esc = (/** @type {unknown} */ s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** Every row is this tall (CSS keeps it so), which lets the scroll position say which rows show. */
const ROW_HEIGHT = 36;
/** Rows rendered above and below the visible ones, so fast scrolling does not show gaps. */
const OVERSCAN = 12;

/** The badge's colour (and its symbol, so that it reads without colour) for each kind of protection;
 * its text comes from Rust. @type {Record<string, string>} */
const BADGE_CLASS = { open: "badge-open", iam: "badge-iam", lambda: "badge-lambda", cognito: "badge-cognito", jwt: "badge-jwt" };

/**
 * @param {MethodView} view
 * @param {number} index  in the views
 * @param {number} position  among the rows the filters show (screen readers hear it as the row's number)
 * @param {boolean} checked
 * @param {Map<string, MethodVerdict> | null} verdicts  a token check's, by method key; null: no column
 * @param {Map<string, RowNote> | null} notes  a stage's differences, by method key; null: the editor
 */
function rowHtml(view, index, position, checked, verdicts, notes) {
  // The badge's colour, symbol and scope tags are for the eye; Rust's words are for the ear.
  const scopes = view.protection.kind === "cognito" || view.protection.kind === "jwt"
    ? view.protection.scopes.map((s) => `<span class="tag scope" title="OAuth scope" aria-hidden="true">${esc(s)}</span>`).join("")
    : "";
  const cors = view.note ? `<span class="tag cors" title="Browsers send no token on the CORS preflight">${esc(view.note)}</span>` : "";
  const label = `Select ${view.key}`;
  const note = notes?.get(view.key);
  const served = !note || note.served;
  const differs = note?.text
    ? `<span class="differs" data-testid="differs" title="${esc(note.text)}">${esc(note.text)}</span>` : "";
  // A stage's rows are read-only: selecting and protecting work on the editor.
  const off = notes ? " disabled" : "";
  const badge = served
    ? `<span class="badge ${BADGE_CLASS[view.protection.kind] ?? "badge-other"}" aria-hidden="true">${esc(view.badge)}</span>${scopes}`
      + `<span class="sr-only" data-testid="protection-spoken">${esc(view.spoken)}${view.note ? ", " : ""}</span>${cors}`
    : '<span class="badge badge-other">Not served</span>';
  const verdict = verdicts?.get(view.key);
  let verdictCell = "";
  if (verdicts) {
    const badge = verdict ? verdictBadge(verdict.verdict) : null;
    verdictCell = verdict && badge
      ? `<td class="verdict" title="${esc(`${badge.label}: ${verdict.reason}`)}"><span class="badge ${badge.cls}" data-testid="token-verdict">${esc(badge.label)}</span>`
        + ` <span class="reason">${esc(verdict.reason)}</span></td>`
      : '<td class="verdict"><span class="muted" title="Not judged" aria-hidden="true">—</span><span class="sr-only">Not judged</span></td>';
  }
  // Focus stops at one row's control only (tabindex set by markStop); a stage's read-only rows
  // are focused by their path cell.
  return `<tr data-testid="method-row" data-index="${index}" aria-rowindex="${position + 2}" data-key="${esc(view.key)}" data-path="${esc(view.path)}" data-verb="${esc(view.verb)}"`
    + ` data-protection="${served ? esc(view.authorizationType) : ""}" data-authorizer-name="${esc(served ? view.authorizerName ?? "" : "")}"`
    + `${note ? ' data-differs="true"' : ""}${served ? "" : ' data-served="false"'}`
    + `${verdict ? ` data-verdict="${esc(verdict.verdict)}"` : ""}${checked ? ' class="checked"' : ""}>`
    + `<td><input type="checkbox" data-testid="method-check" aria-label="${esc(label)}" tabindex="-1"${checked ? " checked" : ""}${off}></td>`
    + `<td class="path"${notes ? ' tabindex="-1"' : ""}><button type="button" class="path-select" data-testid="select-path" tabindex="-1"`
    + ` title="Select ${esc(view.path)} and everything under it" aria-label="Select ${esc(view.path)} and everything under it"${off}>${esc(view.path)}</button></td>`
    + `<td class="verb">${esc(view.verb)}</td>`
    + `<td class="protection">${badge}${differs}</td>`
    + `<td>${view.apiKeyRequired ? "Required" : '<span class="muted" aria-hidden="true">—</span><span class="sr-only">Not required</span>'}</td>${verdictCell}</tr>`;
}

/**
 * The control of a row the focus lands on: its checkbox (column 0) or its path's button (1), or
 * the path cell where they are off (a stage's rows).
 * @param {Element} tr @param {number} column @returns {HTMLElement | null}
 */
function control(tr, column) {
  const c = /** @type {HTMLButtonElement | null} */ (tr.querySelector(column === 0 ? '[data-testid="method-check"]' : ".path-select"));
  return c && !c.disabled ? c : tr.querySelector("td.path");
}

export class ReviewTable {
  constructor() {
    /** @type {MethodView[]} */
    this.views = [];
    /** @type {number[]} indices into views that pass the filters, in order */
    this.shown = [];
    this.range = [0, 0];      // [first, end) of `shown` currently in the DOM
    /** @type {Show} */
    this.show = "all";
    this.text = "";
    /** @type {Map<string, RowNote> | null} a stage's differences by key; null: the editor's rows */
    this.notes = null;
    /** @type {Map<string, MethodVerdict> | null} the token check's verdicts; null hides the Token column */
    this.verdicts = null;
    /** @type {string | null} the method whose row Tab stops at (the last one focused) */
    this.cursorKey = null;
    this.cursor = 0;          // its position in `shown`, or 0
    this.body = /** @type {HTMLTableSectionElement} */ ($("method-rows"));
    this.scroller = /** @type {HTMLElement} */ (this.body.closest(".table-wrap"));
    this.scheduled = false;
    this.scroller.addEventListener("scroll", () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.body.addEventListener("click", (e) => {
      const button = /** @type {HTMLElement} */ (e.target).closest(".path-select");
      if (button) this.selectUnder(this.viewOf(button).path);
    });
    this.body.addEventListener("keydown", (e) => this.keydown(e));
    this.body.addEventListener("focusin", (e) => {
      const tr = /** @type {HTMLElement} */ (e.target).closest("tr[aria-rowindex]");
      if (!tr) return;
      this.cursor = Number(tr.getAttribute("aria-rowindex")) - 2;
      this.cursorKey = /** @type {HTMLElement} */ (tr).dataset.key ?? null;
      this.markStop();
    });
    this.body.addEventListener("change", (e) => {
      const box = /** @type {HTMLInputElement} */ (e.target);
      if (box.dataset.testid !== "method-check") return;
      box.closest("tr")?.classList.toggle("checked", box.checked);
      store.check(this.viewOf(box).key, box.checked);
    });
  }

  /** The method of the row an element is in. @param {Element} inRow @returns {MethodView} */
  viewOf(inRow) {
    return this.views[Number(/** @type {HTMLElement} */ (inRow.closest("tr")).dataset.index)];
  }

  /**
   * The selection after the editor's methods were read: the same API read again keeps the checked
   * methods that remain; another API starts with none.
   * @param {MethodView[]} editor @param {boolean} keepSelection
   */
  trimSelection(editor, keepSelection) {
    const known = new Set(editor.map((v) => v.key));
    store.select(keepSelection ? [...store.selection].filter((key) => known.has(key)) : []);
  }

  /**
   * Shows the editor's methods (`notes` null), or, read-only, the methods as a stage serves them
   * with how each differs; the selection stays the editor's either way.
   * @param {MethodView[]} views @param {Map<string, RowNote> | null} notes
   */
  showRows(views, notes) {
    this.views = views;
    this.notes = notes;
    this.applyFilter();
  }

  /**
   * @param {Show | null} show  null keeps the current one
   * @param {string | null} text  null keeps the current one
   */
  setFilter(show, text) {
    this.show = show ?? this.show;
    this.text = text ?? this.text;
    this.applyFilter();
  }

  applyFilter() {
    const shown = filterMethods(this.views, this.show, this.text);
    this.shown = shown;
    const at = this.cursorKey === null ? -1 : shown.findIndex((i) => this.views[i].key === this.cursorKey);
    this.cursor = Math.max(at, 0);
    $("methods-table").setAttribute("aria-rowcount", String(shown.length + 1));
    $("methods-empty").hidden = shown.length > 0 || this.views.length === 0;
    this.scroller.scrollTop = Math.min(this.scroller.scrollTop, shown.length * ROW_HEIGHT);
    this.draw(true);
    return shown.length;
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.draw(false); });
  }

  /**
   * Puts the rows in view (and a margin) in the DOM, with spacers standing for the rest.
   * @param {boolean} force  redraw even when the same rows are in view (filters, selection changed)
   */
  draw(force) {
    /** @type {HTMLElement | null} */
    const head = this.scroller.querySelector("thead");
    const { first, end, above, below } = visibleRows({
      count: this.shown.length,
      scrollTop: this.scroller.scrollTop - (head?.offsetHeight ?? 0),
      viewport: this.scroller.clientHeight || 600,
      rowHeight: ROW_HEIGHT,
      overscan: OVERSCAN,
    });
    if (!force && first === this.range[0] && end === this.range[1]) return;
    this.range = [first, end];
    // The rows are written anew: a row that had the focus gets it back.
    const active = document.activeElement;
    const focused = active && this.body.contains(active) && active.closest("tr[aria-rowindex]");
    const refocus = focused
      ? { at: Number(focused.getAttribute("aria-rowindex")) - 2, column: active.closest("td.path") ? 1 : 0 } : null;
    const rows = [];
    for (let n = first; n < end; n++) {
      const i = this.shown[n];
      rows.push(rowHtml(this.views[i], i, n, store.selection.has(this.views[i].key), this.verdicts, this.notes));
    }
    const spacer = `<tr class="spacer" aria-hidden="true"><td colspan="${this.verdicts ? 6 : 5}"></td></tr>`;
    this.body.innerHTML = (above ? spacer : "") + rows.join("") + (below ? spacer : "");
    // Heights are set through the DOM: the CSP refuses inline style attributes.
    if (above) /** @type {HTMLElement} */ (this.body.firstElementChild).style.height = `${above}px`;
    if (below) /** @type {HTMLElement} */ (this.body.lastElementChild).style.height = `${below}px`;
    this.markStop();
    const again = refocus && this.rowAt(refocus.at);
    if (refocus && again) control(again, refocus.column)?.focus({ preventScroll: true });
  }

  /** The row at a position among those shown, if it is in the page. @param {number} at */
  rowAt(at) {
    return this.body.querySelector(`tr[aria-rowindex="${at + 2}"]`);
  }

  /** Tab stops at the cursor's row, or at the first row in the page when the cursor's is not. */
  markStop() {
    const rows = /** @type {NodeListOf<HTMLElement>} */ (this.body.querySelectorAll("tr[aria-rowindex]"));
    const stop = this.rowAt(this.cursor) ?? rows[0];
    for (const tr of rows) {
      const c = control(tr, 0);
      if (c) c.tabIndex = tr === stop ? 0 : -1;
    }
  }

  /** The arrows, Home, End and the page keys move between rows; ← → between a row's checkbox and
   * its path. Space and Enter are the controls' own. @param {KeyboardEvent} e */
  keydown(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const target = /** @type {HTMLElement} */ (e.target);
    const tr = target.closest("tr[aria-rowindex]");
    if (!tr) return;
    const at = Number(tr.getAttribute("aria-rowindex")) - 2;
    const column = target.closest("td.path") ? 1 : 0;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      const want = e.key === "ArrowRight" ? 1 : 0;
      const to = control(tr, want);
      if (to && to !== target) { e.preventDefault(); to.focus(); }
      return;
    }
    /** @type {HTMLElement | null} */
    const head = this.scroller.querySelector("thead");
    const page = Math.floor((this.scroller.clientHeight - (head?.offsetHeight ?? 0)) / ROW_HEIGHT) - 1;
    const to = rowStep(e.key, at, this.shown.length, page);
    if (to === null) return;
    e.preventDefault();
    this.focusRow(to, column);
  }

  /** Scrolls a row into view (below the sticky header), puts it in the page, and focuses it.
   * @param {number} at @param {number} column */
  focusRow(at, column) {
    /** @type {HTMLElement | null} */
    const head = this.scroller.querySelector("thead");
    const top = at * ROW_HEIGHT;
    const s = this.scroller;
    if (top < s.scrollTop) s.scrollTop = top;
    else if ((head?.offsetHeight ?? 0) + top + ROW_HEIGHT > s.scrollTop + s.clientHeight) {
      s.scrollTop = (head?.offsetHeight ?? 0) + top + ROW_HEIGHT - s.clientHeight;
    }
    this.cursor = at;
    this.draw(false);
    const tr = this.rowAt(at);
    if (tr) control(tr, column)?.focus();
  }

  /** Checks every open method except OPTIONS (they stay open for the CORS preflight). */
  selectOpenExceptOptions() {
    this.setSelection(openNotOptionsKeys(this.views));
  }

  /** Adds a path and everything under it (/pets takes /pets/{id}, not /petshop) to the selection. */
  selectUnder(/** @type {string} */ path) {
    this.setSelection([...store.selection, ...keysUnder(this.views, path)]);
  }

  setSelection(/** @type {string[]} */ keys) {
    store.select(keys);
    this.draw(true);
  }

  /**
   * Shows a token check's verdicts in a Token column, or (null) takes the column away.
   * @param {MethodVerdict[] | null} verdicts
   */
  setVerdicts(verdicts) {
    this.verdicts = verdicts ? new Map(verdicts.map((v) => [v.key, v])) : null;
    $("token-col").hidden = !this.verdicts;
    $("methods-table").classList.toggle("with-verdicts", !!this.verdicts);
    this.draw(true);
  }

  clear() {
    this.verdicts = null;
    $("token-col").hidden = true;
    $("methods-table").classList.remove("with-verdicts");
    this.views = [];
    this.notes = null;
    this.shown = [];
    this.range = [0, 0];
    this.cursorKey = null;
    this.cursor = 0;
    this.body.replaceChildren();
    store.select([]);
  }
}
