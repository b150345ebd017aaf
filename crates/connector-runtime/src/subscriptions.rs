//! The subscription records a host works with: a cache of the live ones (so the receive path
//! reads no store row) and the lock that keeps enable/disable/update/delete/sweep of one
//! subscription from overlapping — in this process (an async mutex) and across processes
//! sharing the store (a lease, [`Store::try_lock_subscription`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::store::{
    Intent, Store, StoreResult, SubscriptionKind, SubscriptionRecord, SubscriptionState,
};
use crate::SubscriptionId;

/// How long a subscription lock holds in the store without renewal. A holder renews it every
/// third of this while it works, so only a dead process's lock runs this long.
const LOCK_TTL: Duration = Duration::from_secs(30);
/// First and longest pause between store lock attempts while another process holds it.
const LOCK_POLL: (Duration, Duration) = (Duration::from_millis(20), Duration::from_millis(500));

/// What the receive path needs to know about a subscription without a store read.
#[derive(Debug, Clone)]
pub(crate) struct CachedSubscription {
    pub trigger: Arc<str>,
    pub kind: SubscriptionKind,
    pub state: SubscriptionState,
    pub intent: Intent,
}

impl CachedSubscription {
    fn new(record: &SubscriptionRecord, trigger: Arc<str>) -> Self {
        CachedSubscription {
            trigger,
            kind: record.kind,
            state: record.state,
            intent: record.intent,
        }
    }
}

/// The shared copy of a trigger name: cache entries share one allocation per name instead of
/// one per subscription (there are few names and very many subscriptions).
fn intern(names: &mut BTreeSet<Arc<str>>, name: &str) -> Arc<str> {
    if let Some(shared) = names.get(name) {
        return shared.clone();
    }
    let shared: Arc<str> = Arc::from(name);
    names.insert(shared.clone());
    shared
}

/// Owner of the subscription cache and the subscription locks.
pub(crate) struct Subscriptions {
    store: Arc<dyn Store>,
    /// This host's instance id: the owner of its store locks.
    owner: Arc<str>,
    cache: RwLock<HashMap<SubscriptionId, CachedSubscription>>,
    /// Trigger names the cache entries share.
    trigger_names: Mutex<BTreeSet<Arc<str>>>,
    /// One async lock per subscription in use in this process.
    locks: Mutex<HashMap<SubscriptionId, Arc<tokio::sync::Mutex<()>>>>,
}

impl Subscriptions {
    /// Load the live subscriptions from the store into the cache.
    pub async fn load_all(store: Arc<dyn Store>, owner: Arc<str>) -> StoreResult<Self> {
        let records = store.subscriptions().await?;
        let mut trigger_names = BTreeSet::new();
        let cache = records
            .iter()
            .filter(|r| !r.state.is_terminal())
            .map(|r| {
                let trigger = intern(&mut trigger_names, &r.trigger);
                (r.id.clone(), CachedSubscription::new(r, trigger))
            })
            .collect();
        Ok(Subscriptions {
            store,
            owner,
            cache: RwLock::new(cache),
            trigger_names: Mutex::new(trigger_names),
            locks: Mutex::new(HashMap::new()),
        })
    }

    pub fn cached(&self, id: &SubscriptionId) -> Option<CachedSubscription> {
        self.cache.read().ok()?.get(id).cloned()
    }

    /// The cached entry, or else the stored record as one (cached when it is live): another
    /// process sharing the store may have made it. `None` when the store has no such record.
    pub async fn find(&self, id: &SubscriptionId) -> StoreResult<Option<CachedSubscription>> {
        if let Some(cached) = self.cached(id) {
            return Ok(Some(cached));
        }
        let Some(record) = self.store.subscription(id).await? else {
            return Ok(None);
        };
        Ok(Some(self.mirror(&record)))
    }

    /// Follow a change another process (or this one) made to a stored record.
    pub async fn refresh(&self, id: &SubscriptionId) -> StoreResult<Option<SubscriptionRecord>> {
        let record = self.store.subscription(id).await?;
        match &record {
            Some(record) => {
                self.mirror(record);
            }
            None => {
                if let Ok(mut cache) = self.cache.write() {
                    cache.remove(id);
                }
            }
        }
        Ok(record)
    }

    /// Follow changes that may have been missed: mirror every stored record.
    pub async fn refresh_all(&self) -> StoreResult<Vec<SubscriptionRecord>> {
        let records = self.store.subscriptions().await?;
        for record in &records {
            self.mirror(record);
        }
        Ok(records)
    }

    /// Mirror a stored record in the cache (live ones in, finished ones out) and return it as
    /// a cache entry. A wait this process already claimed stays claimed here: the store only
    /// learns how it ended once the claimer recorded it.
    fn mirror(&self, record: &SubscriptionRecord) -> CachedSubscription {
        let trigger = self.trigger_name(&record.trigger);
        let mut entry = CachedSubscription::new(record, trigger);
        if let Ok(mut cache) = self.cache.write() {
            if record.state.is_terminal() {
                cache.remove(&record.id);
            } else {
                let claimed_here = cache.get(&record.id).is_some_and(|old| {
                    old.kind == SubscriptionKind::Action && old.intent == Intent::Deleted
                });
                if claimed_here {
                    entry.intent = Intent::Deleted;
                }
                cache.insert(record.id.clone(), entry.clone());
            }
        }
        entry
    }

    /// Ids of cached subscriptions in `state`.
    pub fn in_state(&self, state: SubscriptionState) -> Vec<SubscriptionId> {
        match self.cache.read() {
            Ok(cache) => cache
                .iter()
                .filter(|(_, c)| c.state == state)
                .map(|(id, _)| id.clone())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Flip a pending action wait's cached intent to `deleted`: the in-process claim of its end.
    /// `false` when it is not a pending wait (or another task claimed it first).
    pub fn claim_wait(&self, id: &SubscriptionId) -> bool {
        let Ok(mut cache) = self.cache.write() else {
            return false;
        };
        match cache.get_mut(id) {
            Some(entry)
                if entry.kind == SubscriptionKind::Action && entry.intent == Intent::Enabled =>
            {
                entry.intent = Intent::Deleted;
                true
            }
            _ => false,
        }
    }

    /// Undo [`Subscriptions::claim_wait`].
    pub fn unclaim_wait(&self, id: &SubscriptionId) {
        if let Ok(mut cache) = self.cache.write() {
            if let Some(entry) = cache.get_mut(id) {
                entry.intent = Intent::Enabled;
            }
        }
    }

    /// Load a record or fail with `UnknownSubscription`.
    pub async fn load(&self, id: &SubscriptionId) -> Result<SubscriptionRecord> {
        self.store
            .subscription(id)
            .await?
            .ok_or_else(|| Error::UnknownSubscription(id.clone()))
    }

    /// Persist a record and mirror it in the cache.
    pub async fn save(&self, record: &mut SubscriptionRecord) -> Result<()> {
        record.updated_ms = crate::store::now_ms();
        self.store.put_subscription(record).await?;
        let trigger = self.trigger_name(&record.trigger);
        if let Ok(mut cache) = self.cache.write() {
            // Finished subscriptions leave the cache so it only grows with live ones; the
            // receive path looks them up in the store to answer 410.
            if record.state.is_terminal() {
                cache.remove(&record.id);
            } else {
                cache.insert(record.id.clone(), CachedSubscription::new(record, trigger));
            }
        }
        Ok(())
    }

    /// The shared copy of a trigger name.
    fn trigger_name(&self, name: &str) -> Arc<str> {
        match self.trigger_names.lock() {
            Ok(mut names) => intern(&mut names, name),
            Err(_) => Arc::from(name),
        }
    }

    /// Exclusive access to one subscription, across every process sharing the store, until
    /// the returned lock is dropped. Waits for the in-process lock first, so only one task
    /// per process polls the store while another process holds it.
    pub async fn lock(self: &Arc<Self>, id: &SubscriptionId) -> Result<SubscriptionLock> {
        let local = self.local_lock(id);
        let guard = local.clone().lock_owned().await;
        let mut pause = LOCK_POLL.0;
        loop {
            if self
                .store
                .try_lock_subscription(id, &self.owner, LOCK_TTL)
                .await?
            {
                return Ok(SubscriptionLock::new(
                    self.clone(),
                    id.clone(),
                    local,
                    guard,
                ));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LOCK_POLL.1);
        }
    }

    /// Like [`Subscriptions::lock`], but `None` when someone (here or elsewhere) holds it.
    pub async fn try_lock(self: &Arc<Self>, id: &SubscriptionId) -> Option<SubscriptionLock> {
        let local = self.local_lock(id);
        let guard = local.clone().try_lock_owned().ok()?;
        let locked = self
            .store
            .try_lock_subscription(id, &self.owner, LOCK_TTL)
            .await;
        match locked {
            Ok(true) => Some(SubscriptionLock::new(
                self.clone(),
                id.clone(),
                local,
                guard,
            )),
            Ok(false) => None,
            Err(error) => {
                tracing::warn!(subscription = %id, %error, "cannot take the subscription lock");
                None
            }
        }
    }

    /// Drop `id`'s in-process lock from the table unless a task still holds or waits for it.
    fn forget_unused(&self, id: &SubscriptionId, local: &Arc<tokio::sync::Mutex<()>>) {
        if let Ok(mut locks) = self.locks.lock() {
            // Clones are only made under this map lock, so the count is exact here: one in
            // the map and the caller's mean nobody else wants it.
            if Arc::strong_count(local) <= 2 {
                locks.remove(id);
            }
        }
    }

    fn local_lock(&self, id: &SubscriptionId) -> Arc<tokio::sync::Mutex<()>> {
        match self.locks.lock() {
            Ok(mut locks) => locks.entry(id.clone()).or_default().clone(),
            // A poisoned map only means another thread panicked mid-insert; a fresh lock is
            // still correct for this caller.
            Err(_) => Arc::default(),
        }
    }
}

/// Exclusive access to one subscription. While held, a task renews the store lease; on drop
/// the lease is released and the in-process table forgets the entry unless another task is
/// waiting for it, so the table only holds subscriptions in use.
pub(crate) struct SubscriptionLock {
    owner: Arc<Subscriptions>,
    id: SubscriptionId,
    local: Option<Arc<tokio::sync::Mutex<()>>>,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    renewal: tokio::task::JoinHandle<()>,
}

impl SubscriptionLock {
    fn new(
        owner: Arc<Subscriptions>,
        id: SubscriptionId,
        local: Arc<tokio::sync::Mutex<()>>,
        guard: tokio::sync::OwnedMutexGuard<()>,
    ) -> Self {
        let store = owner.store.clone();
        let holder = owner.owner.clone();
        let renewed = id.clone();
        let renewal = tokio::spawn(async move {
            loop {
                tokio::time::sleep(LOCK_TTL / 3).await;
                if let Err(error) = store
                    .try_lock_subscription(&renewed, &holder, LOCK_TTL)
                    .await
                {
                    tracing::warn!(subscription = %renewed, %error, "cannot renew the subscription lock");
                }
            }
        });
        SubscriptionLock {
            owner,
            id,
            local: Some(local),
            guard: Some(guard),
            renewal,
        }
    }
}

impl Drop for SubscriptionLock {
    fn drop(&mut self) {
        self.renewal.abort();
        let owner = self.owner.clone();
        let id = self.id.clone();
        let (Some(local), guard) = (self.local.take(), self.guard.take()) else {
            return;
        };
        // The in-process lock is kept until the store lease is released: a task of this
        // process taking the lock next would otherwise renew the lease (same owner) and then
        // see it deleted under it.
        let release = async move {
            if let Err(error) = owner.store.unlock_subscription(&id, &owner.owner).await {
                tracing::debug!(subscription = %id, %error, "cannot release the subscription lock; it expires");
            }
            drop(guard);
            owner.forget_unused(&id, &local);
        };
        // Without a runtime the process is going down; the lease expires by itself.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(release);
        }
    }
}
