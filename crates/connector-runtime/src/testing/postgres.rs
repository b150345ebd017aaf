//! A throwaway PostgreSQL server for tests and benchmarks: `initdb` + `pg_ctl` from the
//! system's binaries (`/usr/lib/postgresql/*/bin`, the newest), in a private temporary
//! directory, listening only on a Unix socket in that directory (no TCP port to collide
//! with), with `synchronous_commit = on` and `fsync = on` like a real deployment.
//!
//! `initdb` refuses to run as root, so when the tests run as root the directory is handed to
//! the `postgres` user and the binaries run as that user. The server is stopped and the
//! directory removed on drop. It can be stopped and started again mid-test, to play a
//! database that goes away and comes back.
//!
//! Nothing here skips: missing binaries or a server that does not start are errors, and a
//! test that needs the server fails on them.

use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// Where Debian and Ubuntu install the server binaries, one directory per major version.
const BIN_PATTERN_ROOT: &str = "/usr/lib/postgresql";

/// Socket port number; the socket file lives in the cluster's own directory, so any number
/// works and none collides.
const PORT: u16 = 5432;

/// Why a test cluster could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No `initdb`/`pg_ctl` found.
    #[error(
        "PostgreSQL server binaries not found under {BIN_PATTERN_ROOT}/*/bin (initdb, pg_ctl); \
         install the Debian package `postgresql` (scripts/test.sh does)"
    )]
    NoBinaries,
    /// Running as root but there is no `postgres` user to run the server as.
    #[error("running as root and no `postgres` user in /etc/passwd to run the server as")]
    NoServerUser,
    /// A file system step failed.
    #[error("test cluster: {what}: {source}")]
    Io {
        /// The step.
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A PostgreSQL command failed.
    #[error("test cluster: `{command}` failed ({status}): {output}")]
    Command {
        /// The command line.
        command: String,
        /// Its exit status.
        status: String,
        /// Its stdout and stderr.
        output: String,
    },
}

/// Result alias of cluster operations.
pub type ClusterResult<T> = std::result::Result<T, ClusterError>;

fn io_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ClusterError {
    let what = what.into();
    move |source| ClusterError::Io { what, source }
}

/// A running throwaway PostgreSQL server; stopped and removed on drop.
#[derive(Debug)]
pub struct TestCluster {
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    /// `(uid, gid)` to run the server binaries as (when the tests run as root).
    run_as: Option<(u32, u32)>,
}

impl TestCluster {
    /// Create and start a cluster.
    pub fn start() -> ClusterResult<Self> {
        let bin = find_binaries()?;
        let dir = private_dir()?;
        let euid = std::fs::metadata(&dir)
            .map_err(io_error(format!("stat {}", dir.display())))?
            .uid();
        let run_as = if euid == 0 {
            let (uid, gid) = server_user()?;
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(io_error(format!("chown {} to postgres", dir.display())))?;
            Some((uid, gid))
        } else {
            None
        };
        let cluster = TestCluster {
            data: dir.join("data"),
            bin,
            dir,
            run_as,
        };
        // From here on, drop removes the directory whatever fails.
        cluster.run(
            "initdb",
            &[
                "-D",
                path_str(&cluster.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-locale",
                "-E",
                "UTF8",
                // initdb's own fsyncs only; the server below runs with fsync on.
                "--no-sync",
            ],
        )?;
        let settings = format!(
            "\n# connector-runtime test cluster\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             port = {PORT}\n\
             fsync = on\n\
             synchronous_commit = on\n\
             max_connections = 200\n\
             shared_buffers = 32MB\n",
            cluster.dir.display()
        );
        append(&cluster.data.join("postgresql.conf"), &settings)?;
        cluster.start_server()?;
        Ok(cluster)
    }

    /// URL of the `postgres` database.
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// URL of a database of this cluster (see [`TestCluster::create_database`]).
    pub fn url_for(&self, database: &str) -> String {
        let socket_dir: String =
            url::form_urlencoded::byte_serialize(path_str(&self.dir).as_bytes()).collect();
        format!("postgres://postgres@{socket_dir}:{PORT}/{database}")
    }

    /// Process id of the running server (the postmaster; its backends are its children), to
    /// count the database's CPU time in benchmarks.
    pub fn server_pid(&self) -> ClusterResult<u32> {
        let path = self.data.join("postmaster.pid");
        let text =
            std::fs::read_to_string(&path).map_err(io_error(format!("read {}", path.display())))?;
        text.lines()
            .next()
            .and_then(|line| line.trim().parse().ok())
            .ok_or_else(|| ClusterError::Io {
                what: format!("read {}", path.display()),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, "no pid on line 1"),
            })
    }

    /// Create an empty database, e.g. one per test sharing a cluster.
    pub fn create_database(&self, name: &str) -> ClusterResult<String> {
        self.sql(&format!("CREATE DATABASE \"{}\"", name.replace('"', "")))?;
        Ok(self.url_for(name))
    }

    /// Run SQL with `psql` against the `postgres` database; its output.
    pub fn sql(&self, sql: &str) -> ClusterResult<String> {
        self.sql_in("postgres", sql)
    }

    /// Run SQL with `psql` against `database`; its output (unaligned, tuples only).
    pub fn sql_in(&self, database: &str, sql: &str) -> ClusterResult<String> {
        let port = PORT.to_string();
        let output = self.run(
            "psql",
            &[
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                path_str(&self.dir),
                "-p",
                &port,
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ],
        )?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    /// Stop the server (fast shutdown: connections are closed, nothing committed is lost).
    pub fn stop(&self) -> ClusterResult<()> {
        self.run(
            "pg_ctl",
            &["-D", path_str(&self.data), "-m", "fast", "-w", "stop"],
        )
        .map(drop)
    }

    /// Start the server again after [`TestCluster::stop`].
    pub fn restart(&self) -> ClusterResult<()> {
        self.start_server()
    }

    fn start_server(&self) -> ClusterResult<()> {
        let log = self.dir.join("server.log");
        let started = self.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&self.data),
                "-l",
                path_str(&log),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        started.map(drop).map_err(|error| match error {
            ClusterError::Command {
                command,
                status,
                output,
            } => ClusterError::Command {
                command,
                status,
                output: format!(
                    "{output}\nserver log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
            },
            other => other,
        })
    }

    /// Run one of the cluster's binaries (as the server user when we are root).
    fn run(&self, program: &str, args: &[&str]) -> ClusterResult<Output> {
        let mut command = Command::new(self.bin.join(program));
        command.args(args).current_dir(&self.dir);
        // Keep the caller's libpq settings (PGHOST, PGPASSWORD…) out of the cluster tools.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("PG") {
                command.env_remove(&name);
            }
        }
        if let Some((uid, gid)) = self.run_as {
            command.uid(uid).gid(gid).env("HOME", &self.dir);
        }
        let line = format!("{program} {}", args.join(" "));
        let output = command.output().map_err(io_error(format!("run {line}")))?;
        if output.status.success() {
            return Ok(output);
        }
        Err(ClusterError::Command {
            command: line,
            status: output.status.to_string(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        })
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        // Immediate: nothing to keep, and it does not wait for clients still connected.
        let _ = self.run(
            "pg_ctl",
            &["-D", path_str(&self.data), "-m", "immediate", "-w", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb` and `pg_ctl`.
fn find_binaries() -> ClusterResult<PathBuf> {
    let entries = std::fs::read_dir(BIN_PATTERN_ROOT).map_err(|_| ClusterError::NoBinaries)?;
    let mut found: Vec<(u32, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or(ClusterError::NoBinaries)
}

/// `(uid, gid)` of the `postgres` user.
fn server_user() -> ClusterResult<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(io_error("read /etc/passwd"))?;
    passwd
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            if fields.next()? != "postgres" {
                return None;
            }
            let uid = fields.nth(1)?.parse().ok()?;
            let gid = fields.next()?.parse().ok()?;
            Some((uid, gid))
        })
        .ok_or(ClusterError::NoServerUser)
}

/// A new directory only we can enter, with a short path (a Unix socket path is limited to
/// about 100 bytes).
fn private_dir() -> ClusterResult<PathBuf> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "pg-{}-{}-{nanos:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(io_error(format!("create {}", dir.display())))?;
    Ok(dir)
}

fn append(path: &Path, text: &str) -> ClusterResult<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(io_error(format!("open {}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(io_error(format!("write {}", path.display())))
}

/// Paths here are made from UTF-8 pieces; a non-UTF-8 temp dir shows up as a failing command.
fn path_str(path: &Path) -> &str {
    path.to_str().unwrap_or("")
}
