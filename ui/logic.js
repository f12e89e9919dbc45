// @ts-check
// The review table's pure helpers, free of the DOM so that node's test runner checks them: which
// methods a filter shows, which a selection takes, and which rows of a virtual list are in view.

/** @typedef {import("./bindings/MethodView").MethodView} MethodView */
/** Which methods the review shows: all, open (no authorization at all) or protected (any other).
 * @typedef {"all" | "open" | "protected"} Show */

/** "GET /pets": how a method is named in selections, plans and results. */
export const methodKey = (/** @type {{verb: string, path: string}} */ m) => `${m.verb} ${m.path}`;

/**
 * The indices of the methods that pass the filters, in order.
 * @param {MethodView[]} views
 * @param {Show} show
 * @param {string} text  a part of the path, any case; blank for every path
 * @returns {number[]}
 */
export function filterMethods(views, show, text) {
  const needle = text.trim().toLowerCase();
  const shown = [];
  for (let i = 0; i < views.length; i++) {
    const v = views[i];
    const open = v.protection.kind === "open";
    if ((show === "all" || (show === "open") === open)
      && (!needle || v.path.toLowerCase().includes(needle))) shown.push(i);
  }
  return shown;
}

/**
 * The keys of a path's methods and those of every path under it: /pets takes /pets/{id}, not
 * /petshop; "/" (or "") takes everything.
 * @param {MethodView[]} views
 * @param {string} path
 * @returns {string[]}
 */
export function keysUnder(views, path) {
  const base = path.replace(/\/+$/, "");
  return views.filter((v) => !base || v.path === base || v.path.startsWith(`${base}/`)).map(methodKey);
}

/**
 * The keys "select all open except OPTIONS" takes, as Rust marks them.
 * @param {MethodView[]} views
 * @returns {string[]}
 */
export const openNotOptionsKeys = (views) => views.filter((v) => v.openNotOptions).map(methodKey);

/**
 * Which rows of a list of equally tall rows to put in the DOM for a scroll position, with a
 * margin of `overscan` rows each side, and the heights of the spacers standing for the rest.
 * @param {{count: number, scrollTop: number, viewport: number, rowHeight: number, overscan: number}} at
 *   scrollTop is measured from the first row (the table's header already taken off)
 * @returns {{first: number, end: number, above: number, below: number}}  rows [first, end); pixels
 */
export function visibleRows({ count, scrollTop, viewport, rowHeight, overscan }) {
  const top = Math.max(0, scrollTop);
  const first = Math.min(count, Math.max(0, Math.floor(top / rowHeight) - overscan));
  const end = Math.max(first, Math.min(count, Math.ceil((top + viewport) / rowHeight) + overscan));
  return { first, end, above: first * rowHeight, below: (count - end) * rowHeight };
}
