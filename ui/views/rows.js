// @ts-check
// The virtual list's window, shared by the review's and the sweep's tables: which rows of a
// list of equally tall rows are in the page for a scroll position. Free of the DOM.

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
