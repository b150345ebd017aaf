//! `github-webhook-sample run`: the demo's loop against real GitHub.
//!
//! GitHub must reach the runtime, so it needs a public HTTPS URL forwarding to the runtime's
//! listen address (a tunnel or reverse proxy); the token comes from `GITHUB_TOKEN` and needs
//! the `admin:repo_hook` scope. Push to the repository yourself while it runs; it stops after
//! `--pushes` notifications or on Ctrl-C, then deletes the hook and checks that GitHub lists
//! none of ours.

use std::net::SocketAddr;
use std::time::Duration;

use connector_runtime::Auth;

use crate::demo::{Step, Transcript};
use crate::error::{Error, Result};
use crate::notice::Notice;
use crate::session::{Session, SessionConfig};

/// What a live run needs.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// API base URL, e.g. `https://api.github.com`.
    pub api: String,
    /// Repository owner.
    pub owner: String,
    /// Repository name.
    pub repo: String,
    /// The URL GitHub reaches the runtime at.
    pub public_url: String,
    /// Where the runtime listens (what `public_url` forwards to).
    pub listen: SocketAddr,
    /// GitHub user name for basic auth.
    pub username: String,
    /// Personal access token.
    pub token: String,
    /// Stop after this many push notifications (`None`: at Ctrl-C).
    pub pushes: Option<usize>,
    /// How long to wait for GitHub's ping.
    pub ping_timeout: Duration,
}

/// Run against the real API, calling `on_step` as each step completes.
pub async fn run_live(options: LiveOptions, mut on_step: impl FnMut(&Step)) -> Result<Transcript> {
    if options.token.is_empty() {
        return Err(Error::MissingToken);
    }
    let mut transcript = Transcript::default();
    let mut record = |step: Step| {
        on_step(&step);
        transcript.steps.push(step);
    };
    // The store only has to outlive this run: the trigger is disabled before exiting. After a
    // crash, delete the hook in the repository's settings.
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("runtime.db");
    let auth = Auth::Basic {
        username: options.username.clone(),
        password: options.token.clone(),
    };
    let config = SessionConfig::new(&options.api, auth, &options.owner, &options.repo, &store)
        .with_bind(options.listen)
        .with_public_url(&options.public_url);
    let mut session = Session::start(config).await?;
    record(Step::Runtime {
        public_url: session.public_url().to_owned(),
        store,
    });
    record(Step::Subscribed(session.subscribed().clone()));

    let outcome = receive(&mut session, &options, &mut record).await;
    // Unsubscribe whatever happened while receiving, so no hook is left behind.
    let unsubscribed = session.stop().await?;
    outcome?;
    let count = unsubscribed.hooks_left;
    record(Step::Unsubscribed {
        unsubscribed,
        status: None,
    });
    record(Step::HooksLeft {
        count,
        scope: format!("of ours on {}/{}", options.owner, options.repo),
    });
    Ok(transcript)
}

async fn receive(
    session: &mut Session,
    options: &LiveOptions,
    record: &mut impl FnMut(Step),
) -> Result<()> {
    match session
        .next_notice(options.ping_timeout, "GitHub's ping")
        .await?
    {
        Notice::Ping(ping) => record(Step::Ping(ping)),
        other => {
            return Err(Error::Unexpected {
                expected: "GitHub's ping".to_owned(),
                got: format!("{other:?}"),
            })
        }
    }
    let mut pushes = 0;
    loop {
        if options.pushes.is_some_and(|wanted| pushes >= wanted) {
            break;
        }
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match session.next_notice_or(ctrl_c).await {
            Some(Notice::Push(push)) => {
                pushes += 1;
                record(Step::Push(push));
            }
            Some(other) => tracing::info!(?other, "ignored a non-push delivery"),
            None => break,
        }
    }
    Ok(())
}
