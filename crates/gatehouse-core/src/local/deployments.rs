//! What each deployment serves, kept once read: a deployment never changes, so a second look at a
//! stage costs only GetStages. In memory for this process and on disk (a private folder beside the
//! journal, one file per deployment) for the next.

use crate::domain::live::Served;
use crate::local::files;
use sha1::{Digest, Sha1};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct DeploymentCache {
    dir: PathBuf,
    memory: Mutex<HashMap<String, Served>>,
}

impl DeploymentCache {
    pub fn new(dir: PathBuf) -> DeploymentCache {
        DeploymentCache {
            dir,
            memory: Mutex::new(HashMap::new()),
        }
    }

    /// The key of one deployment: the account (or endpoint) and region, the API, the deployment.
    pub fn key(quota_key: &str, api_id: &str, deployment_id: &str) -> String {
        format!("{quota_key} {api_id} {deployment_id}")
    }

    fn file(&self, key: &str) -> PathBuf {
        let name = hex::encode(Sha1::digest(key.as_bytes()));
        self.dir.join(format!("{name}.json"))
    }

    pub fn get(&self, key: &str) -> Option<Served> {
        let mut memory = crate::locked(&self.memory);
        if let Some(s) = memory.get(key) {
            return Some(s.clone());
        }
        // A file that cannot be read or parsed is a miss: the deployment is read again.
        let text = std::fs::read(self.file(key)).ok()?;
        let (stored_key, served): (String, Served) = serde_json::from_slice(&text).ok()?;
        (stored_key == key).then(|| {
            memory.insert(key.to_string(), served.clone());
            served
        })
    }

    /// Keeps what a deployment serves. The disk copy is best effort: without it the next run
    /// reads the deployment again, nothing else is lost.
    pub fn put(&self, key: &str, served: &Served) {
        crate::locked(&self.memory).insert(key.to_string(), served.clone());
        if let Ok(bytes) = serde_json::to_vec(&(key, served)) {
            let _ = files::write_whole(&self.file(key), &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(id: &str) -> Served {
        Served {
            deployment_id: id.into(),
            created_at: Some("2026-12-01T10:00:00Z".into()),
            methods: vec![],
            authorizers: vec![],
        }
    }

    #[test]
    fn a_deployment_read_once_is_found_again_by_the_next_process() {
        let dir = tempfile::tempdir().unwrap();
        let key = DeploymentCache::key("123456789012 us-east-1", "api1", "d1");
        let first = DeploymentCache::new(dir.path().join("deployments"));
        assert_eq!(first.get(&key), None);
        first.put(&key, &served("d1"));
        assert_eq!(first.get(&key), Some(served("d1")));
        let next = DeploymentCache::new(dir.path().join("deployments"));
        assert_eq!(next.get(&key), Some(served("d1")));
        let other = DeploymentCache::key("123456789012 us-east-1", "api1", "d2");
        assert_eq!(next.get(&other), None);
        // A torn file is a miss, not an error.
        std::fs::write(next.file(&other), b"{\"half").unwrap();
        assert_eq!(next.get(&other), None);
    }
}
