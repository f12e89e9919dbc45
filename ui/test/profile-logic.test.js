// Profiles' pure helpers (ui/views/profile-logic.js): the picker's labels, SSO sign-in, MFA roles.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mfaNeed, profileLabel, ssoSignInNeeded, validFor } from "../views/profile-logic.js";

/** A profile as Rust lists it; `status` makes it an SSO profile in that state. */
function profile(name, source = "file", status = null) {
  const text = { signedIn: "signed in until 18:40 UTC", expired: "sign-in expired", notSignedIn: "not signed in" }[status];
  const sso = status ? { status, until: null, text, startUrl: "https://corp.awsapps.com/start" } : null;
  return { id: source === "env" ? "env" : `${source}:${name}`, name, source, region: null, sso };
}

test("the picker marks SSO profiles with their sign-in state, the others with their source", () => {
  assert.equal(profileLabel(profile("corp", "file", "signedIn")), "corp (SSO · signed in until 18:40 UTC)");
  assert.equal(profileLabel(profile("corp", "file", "expired")), "corp (SSO · sign-in expired)");
  assert.equal(profileLabel(profile("corp", "file", "notSignedIn")), "corp (SSO · not signed in)");
  assert.equal(profileLabel(profile("team")), "team (AWS files)");
  assert.equal(profileLabel(profile("dev", "keychain")), "dev (keychain)");
  assert.equal(profileLabel(profile("environment credentials", "env")), "environment credentials");
});

test("Sign in with SSO is offered for an SSO profile without a valid sign-in, or whose call lacked credentials", () => {
  assert.equal(ssoSignInNeeded(profile("corp", "file", "notSignedIn")), true);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "expired")), true);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "signedIn")), false);
  assert.equal(ssoSignInNeeded(profile("team")), false);
  assert.equal(ssoSignInNeeded(undefined), false);
  // A call's error: only the credential errors, only for an SSO profile, whatever the picker said.
  const signedIn = profile("corp", "file", "signedIn");
  assert.equal(ssoSignInNeeded(signedIn, { kind: "no-credentials" }), true);
  assert.equal(ssoSignInNeeded(signedIn, { kind: "expired" }), true);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "notSignedIn"), { kind: "unreachable" }), false);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "notSignedIn"), { kind: "aws" }), false);
  assert.equal(ssoSignInNeeded(profile("team"), { kind: "no-credentials" }), false);
});

test("a sign-in code's lifetime reads in minutes, or seconds when under one", () => {
  assert.equal(validFor(600), "10 minutes");
  assert.equal(validFor(60), "1 minute");
  assert.equal(validFor(90), "2 minutes");
  assert.equal(validFor(45), "45 seconds");
  assert.equal(validFor(1), "1 second");
});

test("an MFA role's errors: a code is needed (with the role and device), or the code was refused", () => {
  const needed = {
    kind: "invalid", field: "mfaCode",
    message: "guarded: an MFA code is required to assume arn:aws:iam::123456789012:role/guarded (device arn:aws:iam::123456789012:mfa/alice)",
  };
  assert.deepEqual(mfaNeed(needed), {
    refused: false, profile: "guarded", role: "arn:aws:iam::123456789012:role/guarded", device: "arn:aws:iam::123456789012:mfa/alice",
  });
  const refused = {
    kind: "aws", code: "AccessDenied",
    message: "AccessDenied: guarded: assuming arn:aws:iam::123456789012:role/guarded with the MFA code was refused: MultiFactorAuthentication failed with invalid MFA one time pass code.",
  };
  assert.deepEqual(mfaNeed(refused), { refused: true, profile: "guarded", role: "arn:aws:iam::123456789012:role/guarded", device: "" });
  // Another message about the field still asks for the code; other errors do not.
  assert.equal(mfaNeed({ kind: "invalid", field: "mfaCode", message: "An MFA code is 6 digits" }).refused, false);
  assert.equal(mfaNeed({ kind: "aws", code: "AccessDenied", message: "AccessDenied: not allowed" }), null);
  assert.equal(mfaNeed({ kind: "invalid", field: "region", message: "'x' is not a region name" }), null);
  assert.equal(mfaNeed(undefined), null);
});

test("every account of a sign-in takes the first preferred role it offers", async () => {
  const { everyAccount, accountGroups } = await import("../views/profile-logic.js");
  const acct = (id, name, role, base = "corp") => ({
    id: `sso:${base}/${id}/${role}`, name: `${name} (${id}) · ${role}`, source: "account", region: null, sso: null,
    account: { base, accountId: id, accountName: name, role },
  });
  const profiles = [
    { id: "file:corp", name: "corp", source: "file", region: null, sso: null },
    acct("200000000001", "Team01", "Admin"), acct("200000000001", "Team01", "ReadOnly"),
    acct("200000000002", "Team02", "Admin"),
    acct("300000000001", "Other", "ReadOnly", "other"),
  ];
  assert.deepEqual(accountGroups(profiles).map((g) => [g.base, g.profiles.length]), [["corp", 3], ["other", 1]]);
  assert.deepEqual(everyAccount(profiles, "corp", "ReadOnly, Admin"),
    { ids: ["sso:corp/200000000001/ReadOnly", "sso:corp/200000000002/Admin"], left: [] });
  assert.deepEqual(everyAccount(profiles, "corp", "ReadOnly"),
    { ids: ["sso:corp/200000000001/ReadOnly"], left: ["Team02 (200000000002)"] });
  assert.deepEqual(everyAccount(profiles, "corp", ""),
    { ids: ["sso:corp/200000000002/Admin"], left: ["Team01 (200000000001)"] });
});
