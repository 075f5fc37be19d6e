//! The `signpost` command: serve the directory, import, export and reindex.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use signpost::catalog::{Catalog, export, import};
use signpost::clock::Clock;
use signpost::config::ServeConfig;
use signpost::search::assets::SearchAssets;
use signpost::startup::Application;

/// Signpost: a community services directory published over the Open Referral UK 3.0 API.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data is, for commands that work on a stopped data directory.
#[derive(clap::Args)]
struct DataArgs {
    /// Data directory.
    #[arg(long, env = "SIGNPOST_DATA_DIR", default_value = "index/data")]
    data_dir: PathBuf,
    /// Directory of geography files (a "geo pack"); use the same one as `serve`, or the
    /// index is rebuilt when the server starts.
    #[arg(long, env = "SIGNPOST_GEO_DIR")]
    geo_dir: Option<PathBuf>,
    /// Directory of search assets (stop words, synonyms, features); `reindex` picks up edits.
    #[arg(long, env = "SIGNPOST_SEARCH_ASSETS", default_value = "index")]
    search_assets: PathBuf,
}

impl DataArgs {
    fn open(&self) -> anyhow::Result<Catalog> {
        let geography = signpost::geography::load(self.geo_dir.as_deref())?;
        let assets = SearchAssets::load(&self.search_assets)?;
        let (catalog, _) = Catalog::open(&self.data_dir, Arc::new(geography), Arc::new(assets))?;
        Ok(catalog)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (loading the sample directory into an empty data directory).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "SIGNPOST_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Data directory (created if missing).
        #[arg(long, env = "SIGNPOST_DATA_DIR", default_value = "index/data")]
        data_dir: PathBuf,
        /// Directory of geography files (a "geo pack").
        #[arg(long, env = "SIGNPOST_GEO_DIR")]
        geo_dir: Option<PathBuf>,
        /// Do not load the sample directory into an empty data directory.
        #[arg(long)]
        no_seed: bool,
        /// Public base URL, when the API is served behind a proxy.
        #[arg(long, env = "SIGNPOST_PUBLIC_URL")]
        public_url: Option<url::Url>,
        /// Directory of search assets (stop words, synonyms, features).
        #[arg(long, env = "SIGNPOST_SEARCH_ASSETS", default_value = "index")]
        search_assets: PathBuf,
        /// Judge opening times and freshness at this instant (RFC 3339) instead of the
        /// system clock: for demonstrations and reproducible measurements only.
        #[arg(long, hide = true)]
        fixed_time: Option<chrono::DateTime<chrono::Utc>>,
        /// Mark cookies `Secure` (sent over HTTPS, and to localhost). Turn off only to sign
        /// in over plain HTTP on another address.
        #[arg(long, env = "SIGNPOST_SECURE_COOKIES", default_value_t = true, action = clap::ArgAction::Set)]
        secure_cookies: bool,
        /// Send freshness reminders through this SMTP server (`smtp://host:25`,
        /// `smtp://user:pass@host:587?tls=required`, `smtps://host`). Off by default:
        /// reminders then wait in the outbox (`/moderation/outbox`).
        #[arg(long, env = "SIGNPOST_SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender of reminders.
        #[arg(
            long,
            env = "SIGNPOST_MAIL_FROM",
            default_value = "Signpost <directory@localhost>"
        )]
        mail_from: String,
        /// Minutes between reminder rounds (plan, then try the outbox).
        #[arg(long, env = "SIGNPOST_REMINDER_MINUTES", default_value_t = 15)]
        reminder_minutes: u64,
        /// Look up postcodes the geo pack does not list (new builds) at this
        /// postcodes.io-compatible service (e.g. https://api.postcodes.io). Off by default;
        /// answers are cached in the data directory.
        #[arg(long, env = "SIGNPOST_POSTCODE_LOOKUP_URL")]
        postcode_lookup_url: Option<String>,
        /// Seconds a postcode lookup may take before the outward code stands in.
        #[arg(long, env = "SIGNPOST_POSTCODE_LOOKUP_SECONDS", default_value_t = 3)]
        postcode_lookup_seconds: u64,
        /// Searches run at once (queued ones included); more get a quick 503 with
        /// Retry-After instead of a growing queue. Default: 4 per CPU core.
        #[arg(long, env = "SIGNPOST_MAX_SEARCHES")]
        max_searches: Option<usize>,
        /// Services kept ready for answers, joined and placed (the most recently shown; about
        /// 2 KB each). 0: every answer reads the store.
        #[arg(long, env = "SIGNPOST_SERVICE_CACHE", default_value_t = signpost::catalog::cache::DEFAULT_SERVICES)]
        service_cache: usize,
    },
    /// Import ORUK 3.0 service records (JSON array, Page envelope or NDJSON), or `.csv` /
    /// `.xlsx` sheets in the spreadsheet template's columns, into a stopped data directory. A sheet
    /// with a bad cell imports nothing unless --valid-rows is given. Exit code 0: all
    /// imported; 2: some records rejected or cells bad; 1: failure.
    Import {
        #[command(flatten)]
        data: DataArgs,
        /// For sheets with bad cells: import the services whose rows are all good.
        #[arg(long)]
        valid_rows: bool,
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Export every service: ORUK 3.0 NDJSON (fully nested services; everything), or CSV in
    /// the spreadsheet template's columns (one row per place). Confidential addresses are
    /// never exported.
    Export {
        #[command(flatten)]
        data: DataArgs,
        /// json (NDJSON, the default) or csv.
        #[arg(long, default_value = "json", value_parser = ["json", "csv"])]
        format: String,
        /// Output file; standard output when absent or `-`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a consistent backup of a data directory's store (every record, account, pending
    /// change and audit entry; the search index is rebuilt from it). Works on a stopped data
    /// directory, and on one a server is running on (through that server, which writes a
    /// control file into the data directory when it starts).
    Backup {
        /// Data directory.
        #[arg(long, env = "SIGNPOST_DATA_DIR", default_value = "index/data")]
        data_dir: PathBuf,
        /// The backup file to write (replaced only once the new backup is complete).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty or new data directory; the search index is rebuilt
    /// when the directory is first opened (by `serve`, or `reindex`).
    Restore {
        /// Data directory (empty or absent).
        #[arg(long)]
        data_dir: PathBuf,
        /// The backup file.
        file: PathBuf,
    },
    /// Rebuild the search index from the store.
    Reindex {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Other publishers' ORUK 3.0 feeds: add, list, and pull into staging (never straight
    /// into the live directory). Works on a stopped data directory, like `import`.
    Feeds {
        #[command(subcommand)]
        command: FeedsCommand,
    },
    /// Checks an ORUK 3.0 API (this one, or a feed before adding it) as the official ORUK
    /// validator does, and prints a pass/warn/fail table per endpoint. Exit code 0: pass;
    /// 2: warnings only; 1: fails.
    Conformance {
        /// The folder holding the ORUK specification (`spec-3.0/openapi.json` and
        /// `uk-profile/schema/`), e.g. ../shared/oruk.
        #[arg(long, env = "SIGNPOST_ORUK_DIR")]
        oruk_dir: PathBuf,
        /// The API's base URL (where its `/` is).
        url: String,
    },
    /// Accounts of staff and volunteers.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum FeedsCommand {
    /// Add (or change the address of) a feed.
    Add {
        #[command(flatten)]
        data: DataArgs,
        /// A short name: lower-case letters, digits and hyphens.
        #[arg(long)]
        name: String,
        /// The base URL of the publisher's ORUK API (where `/` and `/services` are).
        url: url::Url,
        /// Minutes between automatic pulls by a running server; by hand only when absent.
        #[arg(long)]
        every: Option<u32>,
    },
    /// List the feeds and how their last pull went.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Pull one feed (or every feed) into staging. Exit code 0: all staged; 2: some
    /// records refused; 1: a pull failed (and changed nothing).
    Pull {
        #[command(flatten)]
        data: DataArgs,
        /// The feed's name; every feed when absent.
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator in a stopped data directory and print a one-time link (valid
    /// 24 hours) to set its password. No password is ever given on the command line.
    Create {
        /// Data directory.
        #[arg(long, env = "SIGNPOST_DATA_DIR", default_value = "index/data")]
        data_dir: PathBuf,
        /// The administrator's e-mail address (the sign-in name).
        #[arg(long)]
        email: String,
        /// A name to show colleagues.
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// The site's public address, for the link.
        #[arg(
            long,
            env = "SIGNPOST_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: url::Url,
    },
}

/// mimalloc instead of glibc's malloc: searching, rendering and indexing allocate many small,
/// short-lived values on several threads, and glibc's allocator was a sixth of a bulk
/// import's CPU and a tenth of a search's (BENCHMARKS.md). Built without transparent huge
/// pages (feature `no_thp`): with them a server answering the 1k directory held 134 MB
/// instead of 62, and zeroing 2 MiB pages was a sixth of a bulk import.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`: its place in mimalloc's `mi_option_t` (the same in mimalloc 2
/// and 3; libmimalloc-sys does not name it). A unit test checks it is the purge delay.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// How long memory a thread freed is kept before it is returned to the system, in ms, in a
/// server. mimalloc 3 waits a second, and a thread purges only when it next allocates: after a
/// burst of searches, idle threads kept what they had freed (a 100k server held 175-177 MB
/// after the benchmark's runs). 10 ms (mimalloc 2's default): 166-167 MB, answers a second
/// at 8 connections within noise; 1 ms: 163-164 MB for about 6 % fewer. The cost is in
/// the tail at low load: at 1k, 1 connection, p99 about 0.05-0.1 ms higher (pages purged
/// between answers are faulted back in; BENCHMARKS.md). Commands that run once and exit
/// (an import, a reindex) keep mimalloc's second: a 100k import purged and faulted back
/// pages for 2.2 s of system time with 10 ms, 1.3 s with a second.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Sets the allocator's options for a server (`serving`), unless the environment sets them
/// (`MIMALLOC_PURGE_DELAY`); before any other thread starts (mimalloc's options are not
/// thread-safe).
fn configure_allocator(serving: bool) {
    if serving && std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: called once, first thing in `main`, while the program has one thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    configure_allocator(matches!(cli.command, Command::Serve { .. }));
    signpost::telemetry::init();
    signpost::outbound::http::install_tls();
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            tracing::error!(error.cause_chain = ?error, "signpost failed");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve {
            addr,
            data_dir,
            geo_dir,
            no_seed,
            public_url,
            search_assets,
            fixed_time,
            secure_cookies,
            smtp_url,
            mail_from,
            reminder_minutes,
            postcode_lookup_url,
            postcode_lookup_seconds,
            max_searches,
            service_cache,
        } => {
            let config = ServeConfig {
                addr,
                data_dir,
                geo_dir,
                seed: !no_seed,
                public_url,
                workers: None,
                search_assets: Some(search_assets),
                clock: fixed_time.map_or_else(Clock::system, Clock::fixed),
                secure_cookies,
                smtp_url,
                mail_from,
                reminder_every: std::time::Duration::from_secs(reminder_minutes.max(1) * 60),
                feed_check_every: std::time::Duration::from_secs(60),
                postcode_lookup_url,
                postcode_lookup_timeout: std::time::Duration::from_secs(
                    postcode_lookup_seconds.max(1),
                ),
                max_searches: max_searches.unwrap_or_else(signpost::config::default_max_searches),
                service_cache,
            };
            serve(config)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            data,
            valid_rows,
            files,
        } => import_files(&data, &files, valid_rows),
        Command::Feeds { command } => feeds(command),
        Command::Conformance { oruk_dir, url } => conformance(&oruk_dir, &url),
        Command::Export { data, format, out } => {
            let catalog = data.open()?;
            let write = if format == "csv" {
                export::export_csv
            } else {
                export::export
            };
            let written = match out.filter(|path| path.as_os_str() != "-") {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    write(&catalog, &mut std::io::BufWriter::new(file))?
                }
                None => write(&catalog, &mut std::io::stdout().lock())?,
            };
            eprintln!("exported {written} services");
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    data_dir,
                    email,
                    name,
                    public_url,
                },
        } => {
            let store = signpost::store::SledStore::open(&data_dir.join("store"))?;
            let invited = signpost::auth::create_account(
                &store,
                None,
                &email,
                &name,
                vec![signpost::domain::account::Role::Administrator],
                signpost::auth::SETUP_VALID,
                chrono::Utc::now(),
            )
            .with_context(|| format!("cannot create an administrator {email}"))?;
            let link = public_url
                .join(&format!("/account/password?token={}", invited.secret))
                .context("the public URL cannot take a path")?;
            eprintln!(
                "created administrator {} ({}); open this link before {} to set the password (it works once):",
                invited.account.email,
                invited.account.id,
                invited.expires.format("%Y-%m-%d %H:%M UTC")
            );
            println!("{link}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { data_dir, out } => backup(&data_dir, &out),
        Command::Restore { data_dir, file } => {
            let input = std::fs::File::open(&file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let summary = signpost::catalog::backup::restore(
                &data_dir,
                std::io::BufReader::with_capacity(1 << 20, input),
            )
            .with_context(|| format!("cannot restore {}", file.display()))?;
            eprintln!(
                "restored {} entries into {} ({}); the search index is built when it is first opened",
                summary.entries(),
                data_dir.display(),
                describe_tables(&summary)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex { data } => {
            let catalog = data.open()?;
            catalog.rebuild_index()?;
            eprintln!(
                "rebuilt the search index: {} documents",
                catalog.index().num_docs()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `signpost backup`: straight from a stopped data directory, or through the server that
/// has it open; written beside `out` and renamed into place once checked.
fn backup(data_dir: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    use signpost::catalog::backup::{BACKUP_PATH, Control};
    use signpost::store::{SledStore, Store, StoreError};
    let store_dir = data_dir.join("store");
    if !store_dir.is_dir() {
        anyhow::bail!("{} holds no store", data_dir.display());
    }
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let taken = match SledStore::open(&store_dir) {
        Ok(store) => store
            .backup(&mut writer)
            .map(|_| "the stopped data directory".to_owned())
            .map_err(anyhow::Error::from),
        Err(StoreError::Locked { .. }) => match Control::read(data_dir)? {
            Some(control) => backup_through(&control, BACKUP_PATH, &mut writer)
                .map(|()| format!("the server at {}", control.url)),
            None => Err(anyhow::anyhow!(
                "{} is in use, but its server left no control file ({}); is it an older Signpost?",
                data_dir.display(),
                signpost::catalog::backup::CONTROL_FILE
            )),
        },
        Err(error) => Err(error.into()),
    };
    let checked = taken.and_then(|source| {
        use std::io::Write;
        writer.flush()?;
        writer.get_ref().sync_all()?;
        let summary = signpost::store::backup::verify(std::io::BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(&partial)?,
        ))?;
        Ok((source, summary))
    });
    match checked {
        Ok((source, summary)) => {
            std::fs::rename(&partial, out)
                .with_context(|| format!("cannot move the backup to {}", out.display()))?;
            eprintln!(
                "backed up {} entries from {source} to {} ({} bytes; {})",
                summary.entries(),
                out.display(),
                summary.bytes,
                describe_tables(&summary)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error.context("the backup failed; no backup file was written"))
        }
    }
}

/// Streams the running server's backup into `out`.
fn backup_through(
    control: &signpost::catalog::backup::Control,
    path: &str,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut response = reqwest::Client::new()
            .post(format!("{}{path}", control.url))
            .bearer_auth(&control.secret)
            .send()
            .await
            .with_context(|| format!("cannot reach the server at {}", control.url))?;
        if !response.status().is_success() {
            anyhow::bail!(
                "the server at {} refused the backup ({})",
                control.url,
                response.status()
            );
        }
        while let Some(chunk) = response.chunk().await? {
            out.write_all(&chunk)?;
        }
        Ok(())
    })
}

fn describe_tables(summary: &signpost::store::backup::BackupSummary) -> String {
    [
        "services",
        "organizations",
        "locations",
        "accounts",
        "proposals",
        "audit",
        "history",
    ]
    .iter()
    .map(|table| {
        format!(
            "{table} {}",
            summary.tables.get(*table).copied().unwrap_or(0)
        )
    })
    .collect::<Vec<_>>()
    .join(", ")
}

#[actix_web::main]
async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let application = Application::build(config.clone()).await?;
    tracing::info!(
        addr = %config.addr,
        port = application.port(),
        data_dir = %config.data_dir.display(),
        "signpost is serving the ORUK API"
    );
    application.run_until_stopped().await?;
    tracing::info!("signpost stopped");
    Ok(())
}

fn feeds(command: FeedsCommand) -> anyhow::Result<ExitCode> {
    use signpost::catalog::feeds;
    use signpost::domain::feed::{Feed, feed_name};
    match command {
        FeedsCommand::Add {
            data,
            name,
            url,
            every,
        } => {
            let name = feed_name(&name).map_err(|e| anyhow::anyhow!("--name {e}"))?;
            let catalog = data.open()?;
            let existing = catalog
                .store()
                .feeds()?
                .into_iter()
                .find(|f| f.name == name);
            let feed = Feed {
                name: name.clone(),
                url: url.to_string(),
                added: existing.as_ref().map_or_else(chrono::Utc::now, |f| f.added),
                every_minutes: every.filter(|m| *m > 0),
                last_pull: existing.and_then(|f| f.last_pull),
                // A new or changed feed is pulled whole first.
                full_pull_at: None,
            };
            catalog.store().put_feed(&feed)?;
            eprintln!("feed {name}: {url}");
            Ok(ExitCode::SUCCESS)
        }
        FeedsCommand::List { data } => {
            let catalog = data.open()?;
            for feed in catalog.store().feeds()? {
                let last = match &feed.last_pull {
                    None => "never pulled".to_owned(),
                    Some(p) => match &p.error {
                        Some(error) => format!("{}: failed: {error}", p.at.to_rfc3339()),
                        None => format!(
                            "{}: {} staged, {} refused",
                            p.at.to_rfc3339(),
                            p.staged,
                            p.rejected
                        ),
                    },
                };
                println!("{}\t{}\t{last}", feed.name, feed.url);
            }
            Ok(ExitCode::SUCCESS)
        }
        FeedsCommand::Pull { data, name } => {
            let catalog = Arc::new(data.open()?);
            let chosen: Vec<Feed> = catalog
                .store()
                .feeds()?
                .into_iter()
                .filter(|f| name.as_ref().is_none_or(|n| *n == f.name))
                .collect();
            if chosen.is_empty() {
                anyhow::bail!(
                    "no feed {}; add it with `signpost feeds add`",
                    name.unwrap_or_default()
                );
            }
            let fetcher = signpost::outbound::http::Fetcher::new(Default::default())
                .map_err(|e| anyhow::anyhow!(e))?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let mut code = ExitCode::SUCCESS;
            for feed in chosen {
                let now = chrono::Utc::now();
                match runtime.block_on(feeds::pull(&catalog, &fetcher, &feed, now))? {
                    Ok(report) => {
                        for (id, problems) in &report.rejected {
                            eprintln!("{}: refused {id}: {}", feed.name, problems.join("; "));
                        }
                        let count = |s| report.staged.iter().filter(|(_, x)| *x == s).count();
                        eprintln!(
                            "{}: {} listed, {} staged ({} new, {} changed, {} unchanged, {} withdrawn), {} refused",
                            feed.name,
                            report.listed,
                            report.staged.len(),
                            count(signpost::domain::feed::StagedStatus::New),
                            count(signpost::domain::feed::StagedStatus::Changed),
                            count(signpost::domain::feed::StagedStatus::Unchanged),
                            count(signpost::domain::feed::StagedStatus::Withdrawn),
                            report.rejected.len()
                        );
                        eprintln!(
                            "{}: {} records fetched, {} unchanged by the publisher (304), {} not asked for (unchanged since the last pull)",
                            feed.name, report.fetched, report.not_modified, report.reused
                        );
                        if !report.rejected.is_empty() {
                            code = ExitCode::from(2);
                        }
                    }
                    Err(error) => {
                        eprintln!("{}: pull failed, nothing changed: {error}", feed.name);
                        code = ExitCode::FAILURE;
                    }
                }
            }
            catalog.close();
            Ok(code)
        }
    }
}

fn import_files(data: &DataArgs, files: &[PathBuf], valid_rows: bool) -> anyhow::Result<ExitCode> {
    let catalog = data.open()?;
    // A new data directory gets Signpost's own vocabulary (needs, suitable for) first, as
    // one made by `serve` does: sheets name those terms.
    if catalog.store().generation()? == 0 {
        signpost::seed::load_taxonomies(&catalog)?;
        eprintln!("a new data directory: Signpost's taxonomies loaded first");
    }
    let mut all_imported = true;
    for path in files {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("xlsx"))
        {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let outcome =
                import::import_sheet(&catalog, &bytes, valid_rows, &import::Origin::default())?;
            for error in &outcome.errors {
                eprintln!("{}: {error}", path.display());
            }
            match &outcome.imported {
                None => eprintln!(
                    "{}: {} bad cells; nothing imported (--valid-rows imports the services whose rows are all good)",
                    path.display(),
                    outcome.errors.len()
                ),
                Some(report) => eprintln!(
                    "{}: {} services, {} left out for bad cells, {} created, {} updated, {} unchanged, {} rejected",
                    path.display(),
                    outcome.services,
                    outcome.skipped,
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.rejected.len()
                ),
            }
            all_imported &= outcome.errors.is_empty();
            continue;
        }
        let records = import::file_records(path)
            .with_context(|| format!("cannot import {}", path.display()))?;
        let report = import::import(&catalog, records)?;
        for warning in &report.warnings {
            eprintln!("{}: warning: {warning}", path.display());
        }
        for rejected in &report.rejected {
            eprintln!("{}: rejected {rejected}", path.display());
        }
        eprintln!(
            "{}: {} records read, {} created, {} updated, {} unchanged, {} rejected",
            path.display(),
            report.read,
            report.created,
            report.updated,
            report.unchanged,
            report.rejected.len()
        );
        all_imported &= report.all_imported();
    }
    catalog.wait_for_index()?;
    catalog.close();
    Ok(if all_imported {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `signpost conformance`: validator parity against a running API.
fn conformance(oruk_dir: &Path, url: &str) -> anyhow::Result<ExitCode> {
    use signpost::oruk::conformance::{self, Spec, Verdict};
    let spec = Spec::load(oruk_dir).map_err(anyhow::Error::msg)?;
    let base = url::Url::parse(&if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    })
    .with_context(|| format!("{url} is not a URL"))?;
    let fetcher = signpost::outbound::http::Fetcher::new(signpost::outbound::http::HttpSettings {
        retries: 0,
        delay: std::time::Duration::ZERO,
        ..Default::default()
    })
    .map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(conformance::run(&fetcher, &base, &spec));
    print!("{}", report.table());
    Ok(match report.worst() {
        Verdict::Pass => ExitCode::SUCCESS,
        Verdict::Warn => ExitCode::from(2),
        Verdict::Fail => ExitCode::FAILURE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_is_mimallocs_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            eprintln!("MIMALLOC_PURGE_DELAY is set: the option is the environment's, not checked");
            return;
        }
        // SAFETY: this test is the only code of this test binary reading or setting options.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // The purge delay's defaults: 1,000 ms in mimalloc 3, 10 in mimalloc 2 (no other
        // option at this place defaults to either).
        assert!(default == 1000 || default == 10, "option 15 is {default}");
        configure_allocator(false);
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            default,
            "a command that is not a server keeps the default"
        );
        configure_allocator(true);
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            PURGE_DELAY_MS
        );
    }
}
