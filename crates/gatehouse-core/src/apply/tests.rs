//! The executor's rules, in-process against a scripted fake of API Gateway's methods: a lost
//! answer is looked at before anything is sent again, 429s are retried and counted, credentials
//! that stop working stop every call not yet sent, and a write overtaken by another is failed
//! with what AWS holds. (The same rules against the sandbox: tests/sandbox/protect.rs.)

use super::{apply_to, ApplyReport, Methods, Pace};
use crate::aws::gateway::CallFailure;
use crate::domain::model::Action;
use crate::domain::model::MethodState;
use crate::domain::plan::{Plan, PlanItem};
use crate::error::{Error, Result};
use crate::local::journal::{self, ApplyHeader, ApplyJournal, Outcome};
use crate::local::lock;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// What the fake answers to one UpdateMethod.
#[derive(Clone)]
enum Answer {
    /// Carried out; the answer is the method as planned.
    Done,
    /// 429, nothing carried out.
    Throttled,
    /// Carried out, then the answer was lost (a 500 after the write).
    Lost,
    /// The credentials have expired: nothing carried out.
    Expired,
    /// Someone else's write landed instead.
    Overtaken(MethodState),
}

/// The methods of one API, held in memory; each method's answers are scripted in turn (then Done).
#[derive(Default)]
struct Scripted {
    held: Mutex<HashMap<String, MethodState>>,
    script: Mutex<HashMap<String, VecDeque<Answer>>>,
    /// Every UpdateMethod received, by method.
    sent: Mutex<Vec<String>>,
}

impl Scripted {
    fn script(&self, key: &str, answers: &[Answer]) {
        self.script
            .lock()
            .unwrap()
            .insert(key.into(), answers.iter().cloned().collect());
    }

    fn sent_to(&self, key: &str) -> usize {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .filter(|k| *k == key)
            .count()
    }
}

fn failure(error: Error, retryable: bool, ambiguous: bool, throttled: bool) -> CallFailure {
    CallFailure {
        error,
        retryable,
        ambiguous,
        throttled,
    }
}

impl Methods for Scripted {
    async fn quota_key(&self) -> Result<String> {
        Ok("scripted us-east-1".into())
    }

    async fn update(
        &self,
        resource_id: &str,
        verb: &str,
        _from: &MethodState,
        to: &MethodState,
    ) -> std::result::Result<MethodState, CallFailure> {
        let key = format!("{verb} {resource_id}");
        self.sent.lock().unwrap().push(key.clone());
        let answer = self
            .script
            .lock()
            .unwrap()
            .get_mut(&key)
            .and_then(VecDeque::pop_front)
            .unwrap_or(Answer::Done);
        let mut held = self.held.lock().unwrap();
        let aws = |code: &str| Error::Aws {
            code: code.into(),
            message: "scripted".into(),
        };
        match answer {
            Answer::Done => {
                held.insert(key, to.clone());
                Ok(to.clone())
            }
            Answer::Throttled => Err(failure(aws("TooManyRequestsException"), true, false, true)),
            Answer::Lost => {
                held.insert(key, to.clone());
                Err(failure(aws("InternalFailure"), true, true, false))
            }
            Answer::Expired => Err(failure(
                Error::Expired("ExpiredTokenException: scripted".into()),
                false,
                false,
                false,
            )),
            Answer::Overtaken(theirs) => {
                held.insert(key, theirs.clone());
                Ok(theirs)
            }
        }
    }

    async fn state(&self, resource_id: &str, verb: &str) -> Result<MethodState> {
        let key = format!("{verb} {resource_id}");
        Ok(self
            .held
            .lock()
            .unwrap()
            .get(&key)
            .cloned()
            .unwrap_or_else(open))
    }
}

fn open() -> MethodState {
    MethodState {
        authorization_type: "NONE".into(),
        authorizer_id: None,
        scopes: vec![],
    }
}

fn cognito() -> MethodState {
    MethodState {
        authorization_type: "COGNITO_USER_POOLS".into(),
        authorizer_id: Some("a1".into()),
        scopes: vec![],
    }
}

/// Protects `n` open methods, GET on resources r1…rn (the fake's keys are "GET rK").
fn plan(n: usize) -> Plan {
    let items = (1..=n)
        .map(|i| PlanItem {
            resource_id: format!("r{i}"),
            path: format!("/r{i}"),
            verb: "GET".into(),
            key: format!("GET /r{i}"),
            before: open(),
            after: cognito(),
            changes: true,
            before_text: "Open".into(),
            after_text: "Cognito · Pool".into(),
        })
        .collect();
    Plan {
        items,
        skipped: vec![],
        warnings: vec![],
        description: "Cognito · Pool".into(),
        warning_messages: vec![],
        change_count: n,
        summary: String::new(),
        skipped_summary: None,
        apply_label: String::new(),
    }
}

/// One method at a time, so that a stop is seen by every method after it.
fn pace() -> Pace {
    Pace {
        rate: 1000,
        burst: 1000,
        concurrency: 1,
        max_attempts: 8,
    }
}

async fn run(fake: &Scripted, plan: &Plan) -> ApplyReport {
    let dir = tempfile::tempdir().unwrap();
    let header = ApplyHeader {
        id: journal::new_apply_id(),
        started_ms: journal::now_ms(),
        profile: "env".into(),
        region: "us-east-1".into(),
        api_id: "api1".into(),
        api_name: "Scripted".into(),
        action: Action::Protect,
        description: "Cognito · Pool".into(),
        undoes: None,
    };
    let lock = lock::acquire(
        dir.path(),
        "scripted us-east-1",
        "api1",
        "Scripted",
        Action::Protect,
        None,
    )
    .unwrap();
    let journal = ApplyJournal::create(dir.path(), &header).unwrap();
    apply_to(
        fake,
        dir.path(),
        journal,
        header,
        plan,
        pace(),
        &|_| {},
        &lock,
    )
    .await
    .unwrap()
}

fn status(report: &ApplyReport, key: &str) -> Outcome {
    report.results.iter().find(|r| r.key == key).unwrap().status
}

#[tokio::test]
async fn a_lost_answer_is_looked_at_and_never_sent_again() {
    let fake = Scripted::default();
    fake.script("GET r1", &[Answer::Lost]);
    let report = run(&fake, &plan(2)).await;
    assert_eq!(status(&report, "GET /r1"), Outcome::Changed);
    assert_eq!(fake.sent_to("GET r1"), 1, "the look found it landed");
    assert_eq!((report.changed, report.failed), (2, 0));
}

#[tokio::test]
async fn throttled_calls_are_retried_and_counted() {
    let fake = Scripted::default();
    fake.script("GET r2", &[Answer::Throttled, Answer::Throttled]);
    let report = run(&fake, &plan(3)).await;
    assert_eq!((report.changed, report.failed, report.throttled), (3, 0, 2));
    let r2 = report.results.iter().find(|r| r.key == "GET /r2").unwrap();
    assert_eq!(r2.attempts, 3);
}

#[tokio::test]
async fn credentials_that_stop_working_stop_every_call_not_yet_sent() {
    let fake = Scripted::default();
    fake.script("GET r2", &[Answer::Expired]);
    let report = run(&fake, &plan(5)).await;
    assert_eq!(status(&report, "GET /r1"), Outcome::Changed);
    assert_eq!(status(&report, "GET /r2"), Outcome::Failed);
    assert_eq!((report.changed, report.failed, report.not_sent), (1, 1, 3));
    for k in ["r3", "r4", "r5"] {
        assert_eq!(fake.sent_to(&format!("GET {k}")), 0, "{k} was not sent");
    }
    let stopped = report.stopped.unwrap();
    assert!(
        stopped.starts_with("The apply stopped: the AWS credentials stopped working ("),
        "{stopped}"
    );
    assert!(stopped.contains("3 methods were not sent"), "{stopped}");
}

#[tokio::test]
async fn a_write_overtaken_by_another_is_failed_with_what_aws_holds() {
    let fake = Scripted::default();
    let theirs = MethodState {
        authorization_type: "AWS_IAM".into(),
        ..open()
    };
    fake.script("GET r1", &[Answer::Overtaken(theirs.clone())]);
    let report = run(&fake, &plan(1)).await;
    let r1 = &report.results[0];
    assert_eq!(r1.status, Outcome::Failed);
    assert_eq!(r1.found.as_ref(), Some(&theirs));
    assert!(
        r1.error
            .as_deref()
            .unwrap()
            .contains("AWS now holds AWS_IAM"),
        "{r1:?}"
    );
    assert_eq!(
        fake.sent_to("GET r1"),
        1,
        "not sent again over someone else's write"
    );
}
