// The window's title, the shortcuts typed in the page, and one key press counted once (ui/shell.js).

import { test } from "node:test";
import assert from "node:assert/strict";
import { PressGuard, SAME_PRESS_MS, shortcutAction, windowTitle } from "../shell.js";

test("the title names the open API, the profile and the region, leaving out what is not chosen", () => {
  assert.equal(windowTitle({ api: "SecurePets", profile: "dev", region: "us-east-1" }), "Gatehouse — SecurePets · dev · us-east-1");
  assert.equal(windowTitle({ api: null, profile: "dev", region: "eu-west-1" }), "Gatehouse — dev · eu-west-1");
  assert.equal(windowTitle({}), "Gatehouse");
});

/** A key press as the page's keydown sees it. */
const key = (k, mods = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

test("the page's shortcuts are the menu's", () => {
  assert.equal(shortcutAction(key("F5")), "refresh");
  assert.equal(shortcutAction(key("r", { ctrlKey: true })), "refresh");
  assert.equal(shortcutAction(key("R", { ctrlKey: true })), "refresh");
  assert.equal(shortcutAction(key("f", { ctrlKey: true })), "find");
  assert.equal(shortcutAction(key("f", { metaKey: true })), "find");
  assert.equal(shortcutAction(key("=", { ctrlKey: true })), "zoomIn");
  assert.equal(shortcutAction(key("+", { ctrlKey: true })), "zoomIn");
  assert.equal(shortcutAction(key("-", { ctrlKey: true })), "zoomOut");
  assert.equal(shortcutAction(key("0", { ctrlKey: true })), "zoomReset");
});

test("keys that are no shortcut are left to the page", () => {
  for (const k of [key("r"), key("f"), key("0"), key("F5", { altKey: true }), key("f", { ctrlKey: true, altKey: true }), key("c", { ctrlKey: true })]) {
    assert.equal(shortcutAction(k), null, JSON.stringify(k));
  }
});

test("one key press reported by the menu and by the page runs once", () => {
  const guard = new PressGuard();
  assert.equal(guard.admit("refresh", "menu", 1000), true);
  assert.equal(guard.admit("refresh", "page", 1000 + SAME_PRESS_MS - 1), false);
  // A second press later, from either side, runs again.
  assert.equal(guard.admit("refresh", "page", 1000 + SAME_PRESS_MS + 50), true);
  assert.equal(guard.admit("refresh", "menu", 1000 + SAME_PRESS_MS + 60), false);
});

test("two presses from the same side, or two different actions, both run", () => {
  const guard = new PressGuard();
  assert.equal(guard.admit("zoomIn", "page", 0), true);
  assert.equal(guard.admit("zoomIn", "page", 10), true);
  assert.equal(guard.admit("find", "menu", 20), true);
  assert.equal(guard.admit("refresh", "page", 30), true);
});
