// The Token panel's pure helpers (ui/views/token-logic.js): badges, the methods the test and the
// curl line take, and where the API's users sign in.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cognitoMethods, signInPool, signatureBadge, tokenMethods, tokenUseLabel, verdictBadge } from "../views/token-logic.js";

/** A method view as Rust sends it, with only what the helpers read filled in (its key as Rust writes it). */
function view(verb, path, kind = "open") {
  const protection = kind === "open" ? { kind: "open" } : { kind: "cognito", authorizer: "PetsPool", scopes: [] };
  return {
    verb, path, protection, key: path.startsWith("$") ? path : `${verb} ${path}`,
    isOptions: verb === "OPTIONS",
    openNotOptions: kind === "open" && verb !== "OPTIONS",
  };
}

const PETS = [
  view("GET", "/pets"),
  view("OPTIONS", "/pets"),
  view("POST", "/pets", "cognito"),
  view("GET", "/pets/{id}", "cognito"),
  view("GET", "/petshop"),
  view("POST", "/purchase"),
];

test("every verdict reads in words and has its own class", () => {
  assert.deepEqual(verdictBadge("allow"), { label: "Allowed", cls: "verdict-allow" });
  assert.deepEqual(verdictBadge("deny"), { label: "Refused", cls: "verdict-deny" });
  assert.deepEqual(verdictBadge("open"), { label: "Open", cls: "verdict-open" });
  assert.deepEqual(verdictBadge("unknown"), { label: "Lambda decides", cls: "verdict-unknown" });
  // A verdict a newer Rust sends still shows, as it is named.
  assert.deepEqual(verdictBadge(/** @type {any} */ ("later")), { label: "later", cls: "badge-other" });
});

test("the signature badge says what was checked", () => {
  assert.equal(signatureBadge("valid").label, "Signature valid");
  assert.equal(signatureBadge("invalid").label, "Signature invalid");
  assert.equal(signatureBadge("unverified").label, "Signature not verified");
  assert.equal(new Set(["valid", "invalid", "unverified"].map((s) => signatureBadge(/** @type {any} */ (s)).cls)).size, 3);
});

test("a token's use reads in words", () => {
  assert.equal(tokenUseLabel("id"), "ID token");
  assert.equal(tokenUseLabel("access"), "Access token");
  assert.equal(tokenUseLabel("other"), "Not an ID or access token");
});

test("AWS's authorizer test takes the methods with a Cognito authorizer only", () => {
  const methods = [
    { ...view("GET", "/pets", "cognito"), authorizationType: "COGNITO_USER_POOLS", authorizerId: "a1" },
    { ...view("GET", "/open"), authorizationType: "NONE", authorizerId: null },
    { ...view("GET", "/lambda"), authorizationType: "CUSTOM", authorizerId: "l1" },
    { ...view("GET", "/gone", "cognito"), authorizationType: "COGNITO_USER_POOLS", authorizerId: null },
  ];
  assert.deepEqual(cognitoMethods(/** @type {any} */ (methods)).map((m) => m.key), ["GET /pets"]);
});

test("the pool to sign in to is the first authorizer's that trusts one, as Rust reads it", () => {
  // Rust fills `pool` from a Cognito authorizer's provider ARN or a JWT authorizer's issuer.
  const lambda = { kind: "TOKEN", pool: null };
  const other = { kind: "JWT", issuer: "https://login.example.com", pool: null };
  const pets = { kind: "COGNITO_USER_POOLS", pool: { region: "eu-west-1", poolId: "eu-west-1_AbC" } };
  const jwt = { kind: "JWT", pool: { region: "eu-west-1", poolId: "eu-west-1_Pets" } };
  assert.deepEqual(signInPool(/** @type {any} */ ([lambda, pets])), { region: "eu-west-1", poolId: "eu-west-1_AbC" });
  assert.deepEqual(signInPool(/** @type {any} */ ([lambda, other, jwt])), { region: "eu-west-1", poolId: "eu-west-1_Pets" });
  assert.equal(signInPool([]), null);
  assert.equal(signInPool(/** @type {any} */ ([lambda, other])), null);
});

test("the Token panel offers Cognito methods on a REST API, JWT routes on an HTTP API", () => {
  const methods = [
    { ...view("GET", "/pets", "cognito"), authorizationType: "COGNITO_USER_POOLS", authorizerId: "a1" },
    { ...view("GET", "/parcels"), authorizationType: "JWT", authorizerId: "j1" },
    { ...view("ANY", "$default"), authorizationType: "JWT", authorizerId: "j1" },
    { ...view("GET", "/open"), authorizationType: "NONE", authorizerId: null },
  ];
  assert.deepEqual(tokenMethods(/** @type {any} */ (methods), "REST").map((m) => m.key), ["GET /pets"]);
  assert.deepEqual(tokenMethods(/** @type {any} */ (methods), "HTTP").map((m) => m.key), ["GET /parcels", "$default"]);
});
