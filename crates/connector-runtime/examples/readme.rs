//! The example of the workspace README's Runtime section (kept compiling by `cargo test`).

use connector_runtime::{Host, HttpWebhookDefinition};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let host = Host::builder()
        .with_public_url("https://hooks.example.com") // what the third party calls
        .with_bind("0.0.0.0:8080".parse()?)
        .with_sqlite("runtime.db") // survives restarts
        .with_signing_key(b"a long random secret".to_vec())
        .build()
        .await?;

    // A spec-less Logic Apps style definition; generated triggers work the same way.
    let hook = HttpWebhookDefinition::from_json(
        r#"{"type": "HttpWebhook", "inputs": {
        "subscribe":   {"method": "POST", "uri": "https://api.example.com/hooks",
                        "body": {"url": "@listCallbackUrl()"},
                        "authentication": {"type": "Bearer", "token": "API-TOKEN"}},
        "unsubscribe": {"method": "POST", "uri": "https://api.example.com/hooks/remove",
                        "body": {"url": "@listCallbackUrl()"}}}}"#,
    )?
    .with_name("example-hook");
    host.register(&hook, hook.connection(), |callback| async move {
        println!("{}: {}", callback.status_code, callback.body);
        Ok(())
    })?;
    host.resume().await?; // after a restart: redeliver, retry unsubscribes, resume waits

    let id = host.enable(&hook).await?; // subscribe
    tokio::time::sleep(Duration::from_secs(60)).await;
    host.disable(&id).await?; // unsubscribe (410 for later callbacks)

    // The same definition as a webhook action: wait for one callback, then unsubscribe.
    let reply = host
        .wait_for_callback(
            &hook,
            &hook.connection(),
            Duration::from_secs(300),
            std::future::pending(),
        )
        .await?;
    println!("{}", reply.body);
    host.shutdown().await;
    Ok(())
}
