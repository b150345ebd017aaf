//! Configuring and starting a host: [`HostBuilder`] opens the store, builds the owners of
//! each concern into a `HostInner`, starts the callback server (plain HTTP or TLS 1.2+), the
//! background tasks and the admin listener, and hands back the [`Host`] facade.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use rand::RngCore;

use crate::dispatch::inbox::Inbox;
use crate::error::{Error, Result};
use crate::host::Host;
use crate::http_client::{Outbound, RetryPolicy};
use crate::runtime::HostInner;
use crate::store::{Durability, SqliteStore, Store, SubscriptionChange, WaitOutcome};
use crate::subscriptions::Subscriptions;
use crate::verify::CallbackSigner;
use crate::waits::Waits;

/// Default largest callback body accepted: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// How long an inbox row dispatched here stays leased without renewal: a process that dies
/// loses its rows to the other processes this long after its last heartbeat.
const DELIVERY_LEASE: Duration = Duration::from_secs(30);

/// Default largest total size of a callback's request headers: 16 KiB.
pub const DEFAULT_HEADER_LIMIT: usize = 16 * 1024;

enum StoreChoice {
    Sqlite(PathBuf, Durability),
    #[cfg(feature = "postgres")]
    Postgres(String, crate::store::PostgresOptions),
    Custom(Arc<dyn Store>),
}

/// Configures and starts a [`Host`]. Obtain one with [`Host::builder`].
pub struct HostBuilder {
    public_url: Option<String>,
    bind: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
    store: StoreChoice,
    signing_key: Option<Vec<u8>>,
    previous_signing_key: Option<Vec<u8>>,
    retry_policy: RetryPolicy,
    body_limit: usize,
    header_limit: usize,
    http_client: Option<reqwest::Client>,
    sweep_interval: Duration,
    busy_retry_after: Duration,
    inbox_retention: Duration,
    late_hook_window: Duration,
    admin: crate::admin::AdminConfig,
    instance_id: Option<String>,
    polling: crate::pollers::PollingOptions,
    delivery_lease: Duration,
}

/// A fresh instance id for a host whose builder named none.
fn random_instance_id() -> String {
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("host-{}", hex::encode(bytes))
}

impl Default for HostBuilder {
    fn default() -> Self {
        HostBuilder {
            public_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: None,
            store: StoreChoice::Sqlite(PathBuf::from("connector-runtime.db"), Durability::Full),
            signing_key: None,
            previous_signing_key: None,
            retry_policy: RetryPolicy::logic_apps_default(),
            body_limit: DEFAULT_BODY_LIMIT,
            header_limit: DEFAULT_HEADER_LIMIT,
            http_client: None,
            sweep_interval: Duration::from_secs(60),
            busy_retry_after: Duration::from_secs(1),
            inbox_retention: Duration::from_secs(7 * 24 * 3600),
            late_hook_window: Duration::from_secs(300),
            admin: crate::admin::AdminConfig::default(),
            delivery_lease: DELIVERY_LEASE,
            instance_id: None,
            polling: crate::pollers::PollingOptions::default(),
        }
    }
}

impl HostBuilder {
    /// The public base URL third parties reach this host at, e.g. `https://hooks.example.com`.
    /// Default: `http(s)://{local address}`.
    pub fn with_public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn with_bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Serve HTTPS (rustls, TLS 1.2 minimum) with a PEM certificate chain and PEM private key.
    pub fn with_tls(mut self, cert_pem: impl Into<PathBuf>, key_pem: impl Into<PathBuf>) -> Self {
        self.tls = Some((cert_pem.into(), key_pem.into()));
        self
    }

    /// Keep state in the SQLite file at `path` (the default is `connector-runtime.db` in the
    /// working directory); `":memory:"` keeps it in memory (tests).
    pub fn with_sqlite(mut self, path: impl Into<PathBuf>) -> Self {
        self.store = StoreChoice::Sqlite(path.into(), Durability::Full);
        self
    }

    /// Like [`HostBuilder::with_sqlite`] with a chosen durability: [`Durability::Full`] (the
    /// default) survives power loss; [`Durability::Normal`] survives a process crash and
    /// commits without waiting for the disk.
    pub fn with_sqlite_durability(
        mut self,
        path: impl Into<PathBuf>,
        durability: Durability,
    ) -> Self {
        self.store = StoreChoice::Sqlite(path.into(), durability);
        self
    }

    /// Keep state in PostgreSQL (cargo feature `postgres`), shared by every replica given the
    /// same URL: `postgres://user:password@host:port/database`. The schema is created or
    /// migrated at [`HostBuilder::build`]; a URL that does not work fails the build with an
    /// error naming it without its password.
    #[cfg(feature = "postgres")]
    pub fn with_postgres(self, url: impl Into<String>) -> Self {
        self.with_postgres_options(url, crate::store::PostgresOptions::default())
    }

    /// Like [`HostBuilder::with_postgres`] with pool settings (size, timeouts).
    #[cfg(feature = "postgres")]
    pub fn with_postgres_options(
        mut self,
        url: impl Into<String>,
        options: crate::store::PostgresOptions,
    ) -> Self {
        self.store = StoreChoice::Postgres(url.into(), options);
        self
    }

    /// This host's name among the processes sharing its store: it owns the host's leases
    /// (inbox rows it dispatches, subscription locks, deadlines it fires). Give every replica
    /// its own, stable across its restarts, so a restarted replica takes its leases back at
    /// once instead of waiting for them to expire. Default: `local` with the SQLite store
    /// (one process per file), a random id with [`HostBuilder::with_store`].
    pub fn with_instance_id(mut self, id: impl Into<String>) -> Self {
        self.instance_id = Some(id.into());
        self
    }

    /// Use another [`Store`] implementation.
    pub fn with_store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = StoreChoice::Custom(store);
        self
    }

    /// Key for the callback URL tokens. Keep it stable across restarts, or callback URLs
    /// registered earlier stop working. Default: a random key (with a warning).
    pub fn with_signing_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.signing_key = Some(key.into());
        self
    }

    /// The key before a rotation: tokens made with it stay valid.
    pub fn with_previous_signing_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.previous_signing_key = Some(key.into());
        self
    }

    /// Retry policy for subscribe and unsubscribe (default: Logic Apps' default policy).
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Largest callback body accepted; larger ones get 413 (default 1 MiB).
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Largest total size of a callback's request headers (names and values, as on the wire);
    /// larger requests get 431 and nothing is stored (default 16 KiB). Headers are stored with
    /// each delivery, so this bounds a row like the body limit does.
    pub fn with_header_limit(mut self, bytes: usize) -> Self {
        self.header_limit = bytes;
        self
    }

    /// HTTP client for subscribe and unsubscribe requests (default: reqwest with a 30 s timeout).
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How often unsubscribes left pending (API down, retries exhausted) are tried again
    /// (default 60 s).
    pub fn with_sweep_interval(mut self, interval: Duration) -> Self {
        self.sweep_interval = interval;
        self
    }

    /// How long after a lost subscribe answer the sweeper keeps listing the API's hooks (for
    /// triggers with a [`crate::WebhookTrigger::list_route`]) to remove a late duplicate: a
    /// subscribe request held in transit that reaches the API after the runtime cleaned up and
    /// subscribed again (default 5 minutes; one list request per sweep while it lasts).
    pub fn with_late_hook_window(mut self, window: Duration) -> Self {
        self.late_hook_window = window;
        self
    }

    /// How long an inbox row this host stored or claimed stays its own without renewal (a
    /// heartbeat renews it while the handler runs). Once a host dies, its rows wait this long
    /// before another host sharing the store redelivers them (default 30 s).
    pub fn with_delivery_lease(mut self, lease: Duration) -> Self {
        self.delivery_lease = lease;
        self
    }

    /// How long handled inbox rows are kept (their delivery ids dedupe that long); older ones
    /// are pruned by the background sweeper (default 7 days).
    pub fn with_inbox_retention(mut self, retention: Duration) -> Self {
        self.inbox_retention = retention;
        self
    }

    /// `Retry-After` sent with 429 when a trigger's queue is full (default 1 s).
    pub fn with_busy_retry_after(mut self, after: Duration) -> Self {
        self.busy_retry_after = after;
        self
    }

    /// Serve the admin surface (run history API and pages, actions, `/metrics`) on its own
    /// address, e.g. `127.0.0.1:9090`. Off by default; needs at least one
    /// [`HostBuilder::with_admin_token`]. Never the public callback port.
    pub fn with_admin_bind(mut self, addr: SocketAddr) -> Self {
        self.admin.bind = Some(addr);
        self
    }

    /// A bearer token for the admin listener, under a name the audit log records (the token
    /// is never stored or logged). Call again for more tokens.
    pub fn with_admin_token(mut self, name: impl Into<String>, token: impl AsRef<str>) -> Self {
        self.admin.tokens.add(name.into(), token.as_ref());
        self
    }

    /// How polling triggers run: poll lease length, concurrent polls, start spread (see
    /// [`crate::PollingOptions`]). The poll lease holder is the instance id.
    pub fn with_polling(mut self, options: crate::pollers::PollingOptions) -> Self {
        self.polling = options;
        self
    }

    /// Open the store, bind the listener and start serving callbacks.
    ///
    /// Then [`Host::register`] every trigger and call [`Host::resume`] once, so stored
    /// subscriptions, pending deliveries and pending unsubscribes pick up where they left off.
    pub async fn build(self) -> Result<Host> {
        // One process per SQLite file is the embedded model, so a fixed id lets a restarted
        // host take its own leases back at once; a shared store needs one id per replica.
        let instance_id = match (self.instance_id, &self.store) {
            (Some(id), _) => id,
            (None, StoreChoice::Sqlite(..)) => "local".to_owned(),
            (None, StoreChoice::Custom(_)) => random_instance_id(),
            #[cfg(feature = "postgres")]
            (None, StoreChoice::Postgres(..)) => random_instance_id(),
        };
        let store: Arc<dyn Store> = match self.store {
            StoreChoice::Custom(store) => store,
            #[cfg(feature = "postgres")]
            StoreChoice::Postgres(url, options) => {
                Arc::new(crate::store::PostgresStore::connect_with(&url, options).await?)
            }
            StoreChoice::Sqlite(path, durability) => {
                let opened = tokio::task::spawn_blocking(move || {
                    if path.as_os_str() == ":memory:" {
                        SqliteStore::in_memory()
                    } else {
                        SqliteStore::open_with(&path, durability)
                    }
                })
                .await
                .map_err(|e| Error::Config(format!("store open task failed: {e}")))??;
                Arc::new(opened)
            }
        };
        let signing_key = match self.signing_key {
            Some(key) if !key.is_empty() => key,
            Some(_) => return Err(Error::Config("the signing key is empty".into())),
            None => {
                tracing::warn!(
                    "no signing key configured: using a random one, so callback URLs will not \
                     survive a restart (set HostBuilder::with_signing_key)"
                );
                let mut key = vec![0u8; 32];
                rand::thread_rng().fill_bytes(&mut key);
                key
            }
        };
        let mut signer = CallbackSigner::new(signing_key);
        if let Some(previous) = self.previous_signing_key {
            signer = signer.with_previous(previous);
        }
        let client = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };

        if self.admin.bind.is_some() && self.admin.tokens.is_empty() {
            return Err(Error::Config(
                "the admin listener needs at least one token (HostBuilder::with_admin_token)"
                    .into(),
            ));
        }
        let listener = std::net::TcpListener::bind(self.bind)?;
        listener.set_nonblocking(true)?;
        let local_addr = listener.local_addr()?;
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        let public_url = self
            .public_url
            .unwrap_or_else(|| format!("{scheme}://{local_addr}"))
            .trim_end_matches('/')
            .to_owned();
        url::Url::parse(&public_url).map_err(|e| Error::Config(format!("public URL: {e}")))?;

        let owner: Arc<str> = Arc::from(instance_id);
        let subscriptions = Arc::new(Subscriptions::load_all(store.clone(), owner.clone()).await?);

        let inbox = Inbox::start(store.clone(), owner.clone(), self.delivery_lease);
        let waits = Arc::new(Waits::new(
            store.clone(),
            owner.clone(),
            subscriptions.clone(),
        ));
        let (shutdown, _) = tokio::sync::watch::channel(false);
        let server = axum_server::Handle::new();
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let inner = Arc::new(HostInner {
            public_url,
            local_addr,
            store,
            signer,
            outbound: Outbound::new(client, self.retry_policy),
            body_limit: self.body_limit,
            header_limit: self.header_limit,
            busy_retry_after: self.busy_retry_after,
            registry: RwLock::new(HashMap::new()),
            subscriptions,
            waits: waits.clone(),
            inbox,
            server: server.clone(),
            server_task: Mutex::new(None),
            shutdown,
            sweep_interval: self.sweep_interval,
            inbox_retention: self.inbox_retention,
            resumed: std::sync::atomic::AtomicBool::new(false),
            late_hook_window: self.late_hook_window,
            late_hook_watch: Mutex::new(HashMap::new()),
            metrics,
            admin_addr: std::sync::OnceLock::new(),
            replays: crate::replay::ReplayTable::default(),
            pollers: Arc::new(crate::pollers::Pollers::new(self.polling, owner)),
        });

        let router = Router::new()
            .route("/callbacks/{id}", post(crate::receive::callback))
            .route("/healthz", axum::routing::get(|| async { "ok" }))
            .with_state(inner.clone());
        let service = router.into_make_service();
        let serve_task = match self.tls {
            Some((cert, key)) => {
                let config = crate::tls::server_config(&cert, &key)?;
                let config = axum_server::tls_rustls::RustlsConfig::from_config(config);
                let server = axum_server::from_tcp_rustls(listener, config)?.handle(server);
                tokio::spawn(async move {
                    if let Err(error) = server.serve(service).await {
                        tracing::error!(%error, "callback server stopped");
                    }
                })
            }
            None => {
                let server = axum_server::from_tcp(listener)?.handle(server);
                tokio::spawn(async move {
                    if let Err(error) = server.serve(service).await {
                        tracing::error!(%error, "callback server stopped");
                    }
                })
            }
        };
        if let Ok(mut slot) = inner.server_task.lock() {
            *slot = Some(serve_task);
        }
        let weak = Arc::downgrade(&inner);
        inner.waits.start_timer(
            inner.shutdown.subscribe(),
            Arc::new(move |id| {
                // No caller here waits on it: unsubscribe it from here.
                if let Some(inner) = weak.upgrade() {
                    tokio::spawn(async move {
                        inner.finish_wait(&id, WaitOutcome::TimedOut).await;
                    });
                }
            }),
        );
        crate::deadline_timer::spawn_deadline_timer(
            &inner,
            inner.pollers.changed.clone(),
            |inner| inner.start_due_polls(),
        );
        if let Some(changes) = inner.store.subscription_changes() {
            tokio::spawn(follow_changes(
                Arc::downgrade(&inner),
                changes,
                inner.shutdown.subscribe(),
            ));
        }
        let host = Host { inner };
        host.start_sweeper();
        if let Some(admin) = crate::admin::start(self.admin, host.clone(), local_addr).await? {
            let _ = host.inner.admin_addr.set(admin);
        }
        tracing::info!(%local_addr, public_url = %host.inner.public_url, "host started");
        Ok(host)
    }
}

/// Follow the changes other processes sharing the store make (enable, disable, a wait ended
/// by a callback they received): the subscription cache mirrors them, and a waiter here whose
/// wait ended elsewhere learns how at once. Missed changes (the store says so, or this task
/// fell behind) reload every record.
async fn follow_changes(
    weak: std::sync::Weak<HostInner>,
    mut changes: tokio::sync::broadcast::Receiver<SubscriptionChange>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        let change = tokio::select! {
            change = changes.recv() => change,
            _ = shutdown.changed() => return,
        };
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let records = match change {
            Ok(SubscriptionChange::Changed(id)) => inner
                .subscriptions
                .refresh(&id)
                .await
                .map(|r| r.into_iter().collect()),
            Ok(SubscriptionChange::Unknown) | Err(RecvError::Lagged(_)) => {
                inner.subscriptions.refresh_all().await
            }
            Err(RecvError::Closed) => return,
        };
        match records {
            Ok(records) => {
                for record in &records {
                    inner.waits.follow(record).await;
                    if let Err(error) = inner.follow_poller(record).await {
                        tracing::warn!(subscription = %record.id, %error, "cannot follow a poller");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "cannot follow a subscription change"),
        }
    }
}

impl Host {
    /// Start configuring a host.
    pub fn builder() -> HostBuilder {
        HostBuilder::default()
    }
}
