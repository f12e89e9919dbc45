//! What each stage serves, beside the editor: GetStages each look, and each deployment's contents
//! read once (a deployment never changes) and kept by its id, in memory and on disk.

use super::state::Core;
use crate::aws::gateway;
use crate::aws::session::Session;
use crate::domain::audit::MethodView;
use crate::domain::live::{self, Served, StageView};
use crate::domain::model::{Authorizer, Method};
use crate::error::Result;
use crate::local::deployments::DeploymentCache;

impl Core {
    /// Every stage of the API as it serves it (and its canary), compared with the editor's
    /// methods. Costs one GetStages, and two calls for each deployment not read before.
    pub(crate) async fn stages_served(
        &self,
        session: &Session,
        api_id: &str,
        editor: (&[Method], &[Authorizer]),
        editor_view: &[MethodView],
    ) -> Result<Vec<StageView>> {
        let stages = gateway::stage_infos(session, api_id).await?;
        let quota_key = session.quota_key().await?;
        let read = |stage: String, deployment: String, exportable: bool| {
            let key = DeploymentCache::key(&quota_key, api_id, &deployment);
            async move {
                if let Some(s) = self.deployments.get(&key) {
                    return Ok::<Served, crate::error::Error>(s);
                }
                let s = gateway::served(session, api_id, &stage, &deployment, exportable, editor)
                    .await?;
                self.deployments.put(&key, &s);
                Ok(s)
            }
        };
        let reads = stages.iter().map(|st| {
            let base = st.deployment_id.clone();
            let canary = st.canary.as_ref().map(|c| c.deployment_id.clone());
            let read = &read;
            async move {
                let base = match base {
                    Some(d) => Some(read(st.name.clone(), d, true).await?),
                    None => None,
                };
                // The canary's deployment has no export of its own unless the base serves it.
                let canary = match canary {
                    Some(d) => {
                        let exportable = st.deployment_id.as_deref() == Some(d.as_str());
                        Some(read(st.name.clone(), d, exportable).await?)
                    }
                    None => None,
                };
                Ok::<_, crate::error::Error>((base, canary))
            }
        });
        let served = futures::future::try_join_all(reads).await?;
        let now = crate::local::journal::now_ms();
        Ok(stages
            .iter()
            .zip(served)
            .map(|(st, (base, canary))| {
                live::stage_view(st, base.as_ref(), canary.as_ref(), editor_view, now)
            })
            .collect())
    }
}
