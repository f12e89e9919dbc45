//! Planning an undo: each method an apply changed goes back to its state before, only while AWS
//! still holds what the apply set. Pure: AWS's current methods and the journal's entries in, a
//! plan out.

use crate::domain::model::{Method, MethodState};
use crate::domain::plan::*;
use std::collections::HashMap;

/// One method an apply may have changed: its state before, and what the apply set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoEntry {
    pub key: String,
    pub before: MethodState,
    pub planned: MethodState,
}

/// Plans an undo: a method goes back to its `before` only while AWS still holds what the apply
/// set. One that someone changed since is skipped (unless `force`), one that is already back is
/// left unchanged, one that no longer exists is skipped even with `force`.
pub fn plan_undo(methods: &[Method], entries: &[UndoEntry], force: bool) -> Plan {
    let by_key: HashMap<String, &Method> = methods.iter().map(|m| (m.key(), m)).collect();
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for e in entries {
        let Some(m) = by_key.get(&e.key) else {
            let (path, verb) = Method::path_and_verb(&e.key);
            skipped.push(SkippedItem {
                path,
                verb,
                key: e.key.clone(),
                found: None,
                restore: e.before.clone(),
                reason: "no longer exists".to_string(),
                found_text: String::new(),
                restore_text: String::new(),
            });
            continue;
        };
        let now = MethodState::of(m);
        if now.same_as(&e.before) || now.same_as(&e.planned) || force {
            items.push(PlanItem {
                resource_id: m.resource_id.clone(),
                path: m.path.clone(),
                verb: m.verb.clone(),
                key: m.key(),
                changes: !now.same_as(&e.before),
                before_text: String::new(),
                after_text: String::new(),
                before: now,
                after: e.before.clone(),
            });
        } else {
            skipped.push(SkippedItem {
                path: m.path.clone(),
                verb: m.verb.clone(),
                key: m.key(),
                reason: format!("changed since the apply: now {}", state_code(&now)),
                found: Some(now),
                restore: e.before.clone(),
                found_text: String::new(),
                restore_text: String::new(),
            });
        }
    }
    let mut plan = Plan {
        items,
        skipped,
        warnings: vec![],
        description: "the previous states".to_string(),
        warning_messages: vec![],
        change_count: 0,
        summary: String::new(),
        skipped_summary: None,
        apply_label: String::new(),
    };
    plan.describe(&[], true);
    plan
}
