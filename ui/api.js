// The only module that talks to the Rust side. Every call returns a promise; errors are
// `{kind, code, message, hint, field}` objects as the core serialises them.

function invoke(cmd, args = {}) {
  const ipc = window.__TAURI_INTERNALS__;
  if (!ipc) {
    return Promise.reject({ kind: "internal", message: "Gatehouse's window bridge is not available." });
  }
  return ipc.invoke(cmd, args).catch((e) => {
    throw typeof e === "object" && e !== null ? e : { kind: "internal", message: String(e) };
  });
}

export const listProfiles = () => invoke("list_profiles");
export const listRegions = () => invoke("list_regions");
export const defaultRegion = (profile) => invoke("default_region", { profile });
export const callerIdentity = (ctx) => invoke("caller_identity", { ctx });
export const listApis = (ctx) => invoke("list_apis", { ctx });
export const reviewApi = (ctx, apiId) => invoke("review_api", { ctx, apiId });
export const listPools = (ctx, poolRegion) => invoke("list_pools", { ctx, poolRegion });
export const listClients = (ctx, poolRegion, poolId) => invoke("list_clients", { ctx, poolRegion, poolId });
export const forgetSession = (profile) => invoke("forget_session", { profile });
