// @ts-check
// The review table's pure helpers, free of the DOM so that node's test runner checks them: which
// methods a filter shows and which a selection takes. A method is named by the key Rust gives it.

/** @typedef {import("../bindings/MethodView").MethodView} MethodView */
/** Which methods the review shows: all, open (no authorization at all) or protected (any other).
 * @typedef {"all" | "open" | "protected"} Show */

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
  return views.filter((v) => !base || v.path === base || v.path.startsWith(`${base}/`)).map((v) => v.key);
}

/**
 * The keys "select all open except OPTIONS" takes, as Rust marks them.
 * @param {MethodView[]} views
 * @returns {string[]}
 */
export const openNotOptionsKeys = (views) => views.filter((v) => v.openNotOptions).map((v) => v.key);
