// @ts-check
// The sweep's table: one row per API, placed where the sort puts it as it arrives (a frame at a
// time, however many arrived), and, as a sweep can bring thousands, only the rows in view are in
// the page, as in the review table. Regions that could not be read are rows of their own, above.
// A header sorts, the filter narrows, a row (click, Enter) opens its API.

import { $, el, errorParts } from "../dom.js";
import { visibleRows } from "./rows.js";
import {
  DEFAULT_SWEEP_SORT, compareSweepErrors, compareSweepLines, nextSweepSort, openText, sortedIndex, sweepErrorMatches,
  sweepErrorWhere, sweepLineMatches,
} from "./sweep-logic.js";

/** @typedef {import("../bindings/SweepError").SweepError} SweepError */
/** @typedef {import("./sweep-logic.js").SweepLine} SweepLine */
/** @typedef {import("./sweep-logic.js").SweepColumn} SweepColumn */
/** Where the sweep is: nothing swept yet, under way, or ended. @typedef {"before" | "running" | "after"} SweepPhase */

/** The table's columns, for the rows that span them. */
const COLUMNS = 9;
/** Every row is this tall (CSS keeps it so): the scroll position says which rows are in view. */
const ROW_HEIGHT = 36;
/** Rows drawn above and below those in view: scrolling redraws only near the edge of them. */
const OVERSCAN = 30;

const plural = (/** @type {number} */ n, /** @type {string} */ one) => `${n.toLocaleString()} ${one}${n === 1 ? "" : "s"}`;

export class SweepTable {
  /**
   * @param {(profileId: string) => string} nameOf  what a profile is called, by id
   * @param {(row: {profile: string, region: string, apiId: string}) => void} onOpen
   */
  constructor(nameOf, onOpen) {
    this.nameOf = nameOf;
    this.onOpen = onOpen;
    /** @type {SweepPhase} */
    this.phase = "before";
    /** Whether the last sweep was cancelled (then an empty table says so, not "no API"). */
    this.cancelled = false;
    /** @type {SweepLine[]} every API row, as they arrived */
    this.lines = [];
    /** @type {SweepLine[]} the rows that pass the filter, in the table's order */
    this.shown = [];
    /** @type {SweepLine[]} rows arrived since the last frame */
    this.pending = [];
    /** @type {SweepError[]} */
    this.errors = [];
    this.errorsChanged = false;
    this.resort = false;       // the sort or the filter changed: order every row again
    this.frame = 0;
    /** @type {WeakMap<SweepLine, HTMLElement>} each row's <tr>, built the first time it is drawn */
    this.trs = new WeakMap();
    /** @type {WeakMap<HTMLElement, SweepLine>} and back */
    this.lineOf = new WeakMap();
    this.sort = DEFAULT_SWEEP_SORT;
    this.filter = "";
    this.body = $("sweep-rows");
    this.scroller = this.body.closest(".table-wrap");
    this.range = [0, 0];       // [first, end) of `shown` drawn in the page
    this.above = spacer();
    this.below = spacer();
    this.wire();
    this.showSort();
  }

  wire() {
    $("sweep-filter").addEventListener("input", () => {
      this.filter = $("sweep-filter").value;
      this.scroller.scrollTop = 0;
      this.resort = true;
      this.errorsChanged = true;
      this.schedule();
    });
    $("sweep-table").querySelector("thead").addEventListener("click", (/** @type {MouseEvent} */ e) => {
      const button = /** @type {HTMLElement} */ (e.target).closest(".sort");
      if (!button) return;
      this.sort = nextSweepSort(this.sort, /** @type {SweepColumn} */ (/** @type {HTMLElement} */ (button.closest("th")).dataset.column));
      this.showSort();
      this.scroller.scrollTop = 0;
      this.resort = true;
      this.schedule();
    });
    this.scroller.addEventListener("scroll", () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.body.addEventListener("click", (/** @type {MouseEvent} */ e) => {
      const tr = /** @type {HTMLElement} */ (e.target).closest("tr");
      if (tr) this.open(tr);
    });
    this.body.addEventListener("keydown", (/** @type {KeyboardEvent} */ e) => {
      const tr = /** @type {HTMLElement} */ (e.target);
      if (tr.tagName !== "TR") return;
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.open(tr); }
      const step = e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : 0;
      if (step) {
        e.preventDefault();
        const line = this.lineOf.get(tr);
        if (line) this.focusRow(this.shown.indexOf(line) + step);
      }
    });
  }

  /** A new sweep starts with an empty table. */
  clear() {
    this.lines = [];
    this.shown = [];
    this.pending = [];
    this.errors = [];
    this.trs = new WeakMap();
    this.lineOf = new WeakMap();
    this.range = [0, 0];
    this.body.replaceChildren();
    $("sweep-errors").replaceChildren();
    this.schedule();
  }

  /** @param {SweepLine} line */
  add(line) {
    this.lines.push(line);
    this.pending.push(line);
    this.schedule();
  }

  /** @param {SweepError} error */
  addError(error) {
    this.errors.push(error);
    this.errorsChanged = true;
    this.schedule();
  }

  /** Rows are laid out once a frame, however many arrived in between. */
  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.flush(); });
  }

  flush() {
    if (this.errorsChanged) this.renderErrors();
    const pending = this.pending;
    this.pending = [];
    let changedFrom = Infinity;   // the first position whose row changed
    if (this.resort) {
      this.resort = false;
      this.shown = this.lines.filter((l) => sweepLineMatches(l, this.filter)).sort((a, b) => compareSweepLines(a, b, this.sort));
      changedFrom = -1;
    } else {
      // Each new row goes where the sort puts it: the table is not sorted again every frame.
      const compare = (/** @type {SweepLine} */ a, /** @type {SweepLine} */ b) => compareSweepLines(a, b, this.sort);
      for (const line of pending) {
        if (!sweepLineMatches(line, this.filter)) continue;
        const at = sortedIndex(this.shown, line, compare);
        this.shown.splice(at, 0, line);
        changedFrom = Math.min(changedFrom, at);
      }
    }
    this.draw(changedFrom < this.range[1]);
    this.showCounts();
  }

  /** Where the rows start in the scrolled table (below its header and the error rows). */
  rowsOffset() {
    return this.body.getBoundingClientRect().top - this.scroller.getBoundingClientRect().top + this.scroller.scrollTop;
  }

  /**
   * Puts the rows in view (and a margin) in the page, spacers standing for the others. Rows are
   * drawn again only when those drawn changed or the view nears the edge of them.
   * @param {boolean} force  the rows drawn changed (sort, filter, a row arrived among them)
   */
  draw(force) {
    const at = {
      count: this.shown.length,
      scrollTop: this.scroller.scrollTop - this.rowsOffset(),
      viewport: this.scroller.clientHeight || 600,
      rowHeight: ROW_HEIGHT,
    };
    const needed = visibleRows({ ...at, overscan: 4 });
    const [first, end] = this.range;
    if (force || needed.first < first || needed.end > end || end > this.shown.length) {
      const drawn = visibleRows({ ...at, overscan: OVERSCAN });
      this.range = [drawn.first, drawn.end];
      const focused = document.activeElement;
      const rows = document.createDocumentFragment();
      for (let n = drawn.first; n < drawn.end; n++) rows.append(this.tr(this.shown[n]));
      this.body.replaceChildren(this.above, rows, this.below);
      if (focused instanceof HTMLElement && focused !== document.activeElement && this.body.contains(focused)) focused.focus({ preventScroll: true });
    }
    // Heights are set through the DOM: the CSP refuses inline style attributes.
    this.above.hidden = this.range[0] === 0;
    this.above.style.height = `${this.range[0] * ROW_HEIGHT}px`;
    this.below.hidden = this.range[1] >= this.shown.length;
    this.below.style.height = `${(this.shown.length - this.range[1]) * ROW_HEIGHT}px`;
  }

  /** Moves the focus to the row at a position of the table, drawing it first if needed. @param {number} n */
  focusRow(n) {
    if (n < 0 || n >= this.shown.length) return;
    if (n < this.range[0] || n >= this.range[1]) {
      this.scroller.scrollTop = this.rowsOffset() + n * ROW_HEIGHT - this.scroller.clientHeight / 2;
      this.draw(false);
    }
    this.tr(this.shown[n]).focus();
  }

  renderErrors() {
    this.errorsChanged = false;
    const shown = this.errors.filter((e) => sweepErrorMatches(e, this.nameOf(e.profile), this.filter)).sort(compareSweepErrors);
    $("sweep-errors").replaceChildren(...shown.map((e) => el("tr", {
      class: "sweep-error", role: "row", "data-testid": "sweep-error", "data-profile": e.profile, "data-region": e.region ?? "", "data-code": e.code,
    }, el("td", { role: "cell", colspan: COLUMNS },
      el("span", { class: "sweep-error-where" }, `${sweepErrorWhere(e, this.nameOf(e.profile))}:`),
      " ", ...errorParts({ code: e.code, message: e.message })))));
  }

  /** @param {SweepLine} line @returns {HTMLElement} */
  tr(line) {
    let tr = this.trs.get(line);
    if (!tr) {
      tr = rowElement(line);
      this.trs.set(line, tr);
      this.lineOf.set(tr, line);
    }
    return tr;
  }

  showCounts() {
    const total = this.lines.length;
    $("sweep-count").textContent = total === 0 ? ""
      : this.filter.trim() ? `${this.shown.length.toLocaleString()} of ${plural(total, "API")}` : plural(total, "API");
    // Only the rows in view are in the page: the table says how many there are.
    $("sweep-table").dataset.rows = String(this.shown.length);
    $("sweep-table").dataset.total = String(total);
    const empty = $("sweep-empty");
    empty.hidden = this.shown.length > 0 || $("sweep-errors").childElementCount > 0 || this.phase === "running";
    empty.textContent = total > 0 ? "No API matches the filter."
      : this.phase === "after" ? (this.cancelled ? "Cancelled before any API was read." : "No REST or HTTP API in these regions.")
      : "Tick profiles and regions, then Sweep.";
  }

  /** Shows the sorted column's direction on its header. */
  showSort() {
    for (const th of /** @type {NodeListOf<HTMLElement>} */ ($("sweep-table").querySelectorAll("th[data-column]"))) {
      if (th.dataset.column === this.sort.column) th.setAttribute("aria-sort", this.sort.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
  }

  /** @param {HTMLElement} tr */
  open(tr) {
    const { testid, profile, region, apiId } = tr.dataset;
    if (testid === "sweep-row" && profile && region && apiId) this.onOpen({ profile, region, apiId });
  }
}

/** A cell's text, in an element of its own: cells clip what overflows, and text set straight in
 * a clipping box reads as hidden to WebKit's WebDriver. @param {string | number} t */
const text = (t) => el("span", {}, t);

/** A row standing for the rows above or below those drawn. */
function spacer() {
  return el("tr", { class: "spacer", "aria-hidden": "true", hidden: true }, el("td", { colspan: COLUMNS }));
}

/**
 * One API's row: its cells, and in its attributes what a click opens.
 * @param {SweepLine} line
 * @returns {HTMLElement}
 */
function rowElement({ row: r, profileName, owner }) {
  const options = r.openOptions ? `; ${r.openOptions} OPTIONS open too (the CORS preflight, counted apart)` : "";
  return el("tr", {
    "data-testid": "sweep-row", role: "row", tabindex: "0", "data-profile": r.profile, "data-account": r.account, "data-region": r.region,
    "data-api-name": r.name, "data-api-id": r.apiId, "data-open": r.open, "data-kind": r.kind,
    title: `Open ${r.name} (${profileName}, ${r.region}) in Review`,
  },
  el("td", { role: "cell", title: r.profile }, text(profileName)),
  el("td", { role: "cell", class: "mono" }, text(r.account)),
  el("td", { role: "cell", class: "mono" }, text(r.region)),
  el("td", { role: "cell" }, el("span", { class: "sweep-kind" }, r.kind)),
  el("td", { role: "cell", class: "sweep-name", title: `${r.name} (${r.apiId})` }, text(r.name), " ", el("span", { class: "api-id" }, r.apiId)),
  el("td", { role: "cell", class: "num" }, text(r.methods)),
  el("td", { role: "cell", title: `Open methods other than OPTIONS${options}` },
    r.open > 0 ? el("span", { class: "badge sweep-open" }, openText(r.open)) : el("span", { class: "muted" }, openText(0))),
  el("td", { role: "cell", class: "num" }, text(r.protected)),
  el("td", { role: "cell", class: r.managedBy?.stack ? "sweep-owner stack" : "sweep-owner", title: r.managedBy?.text },
    owner ? text(owner) : el("span", { class: "muted" }, "—")));
}
