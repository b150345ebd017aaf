//! The store contract (`connector_runtime::store::conformance`) against PostgreSQL: the same
//! checks SQLite passes, each on a fresh database of one throwaway server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use connector_runtime::store::{conformance, PostgresStore, StoreResult};
use connector_runtime::testing::postgres::TestCluster;
use connector_runtime::Store;

fn cluster() -> TestCluster {
    TestCluster::start().expect("a throwaway PostgreSQL server (initdb + pg_ctl) starts")
}

#[tokio::test]
async fn postgres_keeps_the_store_contract() {
    let cluster = cluster();
    let counter = AtomicUsize::new(0);
    conformance::run_all(|| async {
        let name = format!("contract_{}", counter.fetch_add(1, Ordering::SeqCst));
        let url = cluster.create_database(&name).expect("create a database");
        let store = PostgresStore::connect(&url).await.expect("connect");
        Arc::new(store) as Arc<dyn Store>
    })
    .await;
}

#[tokio::test]
async fn a_postgres_database_from_a_newer_binary_is_refused() {
    let cluster = cluster();
    let counter = AtomicUsize::new(0);
    conformance::schema_too_new_is_refused(PostgresStore::SCHEMA_VERSION, |version| {
        let name = format!("versioned_{}", counter.fetch_add(1, Ordering::SeqCst));
        let url = cluster.create_database(&name).expect("create a database");
        let cluster = &cluster;
        async move {
            drop(PostgresStore::connect(&url).await?);
            cluster
                .sql_in(
                    &name,
                    &format!("UPDATE schema_version SET version = {version}"),
                )
                .expect("set the schema version");
            let reopened: StoreResult<PostgresStore> = PostgresStore::connect(&url).await;
            reopened
        }
    })
    .await;
}
