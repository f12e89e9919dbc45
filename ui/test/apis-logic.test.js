// The APIs list's and the protect flow's pure helpers (ui/views/apis-logic.js, protect-logic.js).

import { test } from "node:test";
import assert from "node:assert/strict";
import { apiKindTag, apiMatches } from "../views/apis-logic.js";
import { deployedText, protectAuthorizers } from "../views/protect-logic.js";

test("the list tags HTTP and WebSocket APIs", () => {
  assert.equal(apiKindTag("REST"), null);
  assert.equal(apiKindTag("HTTP"), "HTTP");
  assert.equal(apiKindTag("WEBSOCKET"), "WebSocket");
  // Why a WebSocket API is not opened is Rust's (Api.notReviewed: tests/rules/http_rules.rs).
});

test("the name filter takes a part of the name, any case, blanks ignored", () => {
  const pets = /** @type {any} */ ({ name: "SecurePets" });
  assert.equal(apiMatches(pets, ""), true);
  assert.equal(apiMatches(pets, "  PETS "), true);
  assert.equal(apiMatches(pets, "shop"), false);
});

test("the protect bar offers JWT authorizers on an HTTP API, Cognito ones on a REST API", () => {
  const all = [{ id: "c", kind: "COGNITO_USER_POOLS" }, { id: "j", kind: "JWT" }, { id: "l", kind: "REQUEST" }];
  assert.deepEqual(protectAuthorizers(/** @type {any} */ (all), "HTTP").map((a) => a.id), ["j"]);
  assert.deepEqual(protectAuthorizers(/** @type {any} */ (all), "REST").map((a) => a.id), ["c"]);
});

test("History says live on an auto-deploy stage, deployed to another", () => {
  // Rust says which stage deployed by itself (ApplySummary.deployedAuto: tests/rules/undo_journal.rs).
  const applied = (deployedAuto) => /** @type {any} */ ({ deployedAuto });
  assert.equal(deployedText(applied(true), "$default (auto-deploy)"), "live on $default (auto-deploy)");
  assert.equal(deployedText(applied(false), "prod"), "deployed to prod");
});
