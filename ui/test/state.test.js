// The page's one store (ui/state.js): tickets that keep late answers off the screen, and what
// the user does winning over what the page restores.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../state.js";

test("a view chosen while the last place comes back stays chosen", () => {
  const store = new Store();
  // At start the page begins restoring the last place: its API opens in Review once listed.
  const restore = store.ticket("view");
  // Meanwhile the user opens Profiles.
  store.choose("tab-profiles");
  // The restore completes: the API opens, the view does not flip back.
  assert.equal(store.restore("tab-review", restore), false);
  assert.equal(store.tab, "tab-profiles");
});

test("a restore nobody interrupted shows its view", () => {
  const store = new Store();
  store.choose("tab-history");
  // Refresh with History shown, then nothing else chosen: the open API comes back in Review.
  const refresh = store.ticket("view");
  assert.equal(store.restore("tab-review", refresh), true);
  assert.equal(store.tab, "tab-review");
});

test("every choice of a view is shown, and tells the views", () => {
  const store = new Store();
  const shown = [];
  store.on("tab", ({ focus }) => shown.push([store.tab, !!focus]));
  store.choose("tab-pools");
  store.choose("tab-review", { focus: true });
  assert.deepEqual(shown, [["tab-pools", false], ["tab-review", true]]);
});

test("a new profile or region makes everything read for the last one stale", () => {
  const store = new Store();
  const context = store.ticket("context");
  const api = store.setApi("a1");
  const pools = store.begin("tokenPools");
  assert.ok(context.current() && api.current() && pools.current());
  store.newContext();
  assert.equal(context.current(), false);
  assert.equal(api.current(), false, "the open API's answers");
  assert.equal(pools.current(), false, "and what was asked for it");
  assert.equal(store.apiId, null);
});

test("another API makes the last one's answers stale, not the context's", () => {
  const store = new Store();
  const context = store.ticket("context");
  const first = store.setApi("a1");
  const listPools = store.begin("pools");
  store.setApi("a2");
  assert.equal(first.current(), false);
  assert.equal(context.current(), true);
  assert.equal(listPools.current(), true, "the User pools view does not follow the open API");
});

test("newer work of a kind makes the older stale; a ticket of what is shown begins none", () => {
  const store = new Store();
  const one = store.begin("sweep");
  const two = store.begin("sweep");
  assert.equal(one.current(), false);
  assert.equal(two.current(), true);
  const again = store.ticket("sweep");
  assert.equal(two.current(), true, "reading again what is shown leaves it current");
  assert.equal(again.current(), true);
  // Kinds apart do not touch each other.
  store.begin("sso");
  assert.equal(two.current(), true);
});

test("the context is the store's, not a picker's", () => {
  const store = new Store();
  const seen = [];
  store.on("place", () => seen.push([store.profile, store.region, store.apiId]));
  store.setProfile("file:dev");
  store.setRegion("eu-west-1");
  store.newContext();
  store.setApi("a1");
  assert.deepEqual(store.ctx(), { profile: "file:dev", region: "eu-west-1" });
  assert.deepEqual(seen, [["file:dev", "eu-west-1", null], ["file:dev", "eu-west-1", "a1"]]);
});

test("the checked methods are the store's; each change tells the views", () => {
  const store = new Store();
  let told = 0;
  store.on("selection", () => told++);
  store.select(["GET /pets", "$default"]);
  store.check("POST /pets", true);
  store.check("GET /pets", false);
  assert.deepEqual([...store.selection], ["$default", "POST /pets"]);
  assert.equal(told, 3);
});

test("a review gives the list what it says of the API, kept when another opens", () => {
  const store = new Store();
  store.setApi("a1");
  const count = { text: "prod serves 2 open", exposed: true };
  const review = /** @type {any} */ ({ apiId: "a1", kind: "HTTP", listCount: count });
  store.setReview(review, { reloaded: false });
  assert.deepEqual(store.listCounts.get("a1"), count);
  assert.equal(store.apiKind(), "HTTP");
  // Another API: its review is to be read; the count stays for the list.
  store.setApi("a2");
  assert.equal(store.review, null);
  assert.deepEqual(store.listCounts.get("a1"), count);
});

test("what the review is served by goes back to the editor when another API opens", () => {
  const store = new Store();
  const heard = [];
  store.on("servedBy", () => heard.push(store.servedBy));
  store.setServedBy("prod");
  store.setServedBy("prod");
  assert.deepEqual(heard, ["prod"]);
  store.setApi("other");
  assert.equal(store.servedBy, "editor");
});
