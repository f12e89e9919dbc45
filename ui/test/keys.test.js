// The keyboard's rules (ui/keys.js): the arrows in a list of rows, Tab round a dialog, and the
// shortcuts Help lists being the ones the page answers (ui/shell.js).

import { test } from "node:test";
import assert from "node:assert/strict";
import { loopStep, pressOf, rowStep, SHORTCUTS } from "../keys.js";
import { shortcutAction } from "../shell.js";

test("the arrows move one row, Home and End to the ends, the page keys a screenful", () => {
  assert.equal(rowStep("ArrowDown", 0, 4, 10), 1);
  assert.equal(rowStep("ArrowDown", 3, 4, 10), 3, "the last row stays the last");
  assert.equal(rowStep("ArrowUp", 0, 4, 10), 0, "the first row stays the first");
  assert.equal(rowStep("ArrowUp", 2, 4, 10), 1);
  assert.equal(rowStep("Home", 3, 4, 10), 0);
  assert.equal(rowStep("End", 0, 4, 10), 3);
  assert.equal(rowStep("PageDown", 5, 100, 10), 15);
  assert.equal(rowStep("PageDown", 95, 100, 10), 99);
  assert.equal(rowStep("PageUp", 5, 100, 10), 0);
  assert.equal(rowStep("PageUp", 50, 100, 0), 49, "a page is at least a row");
});

test("from no row yet, Down takes the first; rows gone since are clamped; other keys do not move", () => {
  assert.equal(rowStep("ArrowDown", -1, 4, 10), 0);
  assert.equal(rowStep("ArrowUp", 9, 4, 10), 2);
  assert.equal(rowStep(" ", 1, 4, 10), null);
  assert.equal(rowStep("Enter", 1, 4, 10), null);
  assert.equal(rowStep("ArrowDown", 0, 0, 10), null, "no rows, nowhere to go");
});

test("Tab goes round a dialog: the next control, the first after the last, the last before the first", () => {
  assert.equal(loopStep(2, 3, false), 0, "Tab on the last control: the first");
  assert.equal(loopStep(0, 3, true), 2, "Shift+Tab on the first: the last");
  assert.equal(loopStep(1, 3, false), 2);
  assert.equal(loopStep(1, 3, true), 0);
  assert.equal(loopStep(-1, 3, false), 0, "on the dialog itself: its first control");
  assert.equal(loopStep(-1, 3, true), 2);
  assert.equal(loopStep(0, 1, false), 0, "one control: it keeps the focus");
  assert.equal(loopStep(-1, 0, false), -1, "no control at all");
});

test("every shortcut Help lists for a menu entry is one the page answers", () => {
  const listed = SHORTCUTS.flatMap((g) => g.shortcuts).filter((s) => s.action);
  assert.ok(listed.length >= 6);
  for (const s of listed) {
    for (const keys of s.keys) assert.equal(shortcutAction(pressOf(keys)), s.action, keys);
  }
  for (const action of ["refresh", "find", "zoomIn", "zoomOut", "zoomReset", "shortcuts"]) {
    assert.ok(listed.some((s) => s.action === action), `${action} is listed`);
  }
});

test("? asks for the shortcuts except where it is typed as text; F1 always does", () => {
  assert.equal(shortcutAction(pressOf("?"), false), "shortcuts");
  assert.equal(shortcutAction(pressOf("?"), true), null);
  assert.equal(shortcutAction(pressOf("F1"), true), "shortcuts");
});

test("Help writes keys as the page sees them pressed", () => {
  assert.deepEqual(pressOf("Ctrl++"), { key: "+", ctrlKey: true, metaKey: false, altKey: false, shiftKey: false });
  assert.equal(pressOf("Shift+Tab").shiftKey, true);
  assert.equal(pressOf("↓").key, "ArrowDown");
  assert.equal(pressOf("Space").key, " ");
  assert.equal(pressOf("Page Down").key, "PageDown");
});

test("each group of shortcuts has a title and each shortcut keys and words", () => {
  for (const g of SHORTCUTS) {
    assert.ok(g.title);
    for (const s of g.shortcuts) assert.ok(s.keys.length && s.what, JSON.stringify(s));
  }
});
