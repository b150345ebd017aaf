//! The store contract (`connector_runtime::store::conformance`) against SQLite files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use connector_runtime::store::{conformance, StoreResult};
use connector_runtime::{SqliteStore, Store};

fn fresh_path(dir: &Path, counter: &AtomicUsize) -> PathBuf {
    dir.join(format!(
        "store-{}.db",
        counter.fetch_add(1, Ordering::SeqCst)
    ))
}

#[tokio::test]
async fn sqlite_files_keep_the_store_contract() {
    let dir = tempfile::tempdir().unwrap();
    let counter = AtomicUsize::new(0);
    conformance::run_all(|| async {
        let store = SqliteStore::open(fresh_path(dir.path(), &counter)).unwrap();
        Arc::new(store) as Arc<dyn Store>
    })
    .await;
}

#[tokio::test]
async fn a_sqlite_file_from_a_newer_binary_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let counter = AtomicUsize::new(0);
    conformance::schema_too_new_is_refused(SqliteStore::SCHEMA_VERSION, |version| {
        let path = fresh_path(dir.path(), &counter);
        async move {
            drop(SqliteStore::open(&path)?);
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute("UPDATE schema_version SET version = ?1", [version])
                .unwrap();
            drop(conn);
            let reopened: StoreResult<SqliteStore> = SqliteStore::open(&path);
            reopened
        }
    })
    .await;
}
