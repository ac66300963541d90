use anyhow::Context;
use clap::{Parser, Subcommand};
use hifinity::{app, config::Config, db, demo, state, storage::MediaStore, workers};
use tokio::sync::watch;

#[derive(Parser)]
#[command(name = "hifinity", version, about = "Invite candidates to AI-evaluated video interviews")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (and run the background workers unless --no-workers). The default.
    Serve {
        /// Serve web requests only; run workers elsewhere with `hifinity worker`.
        #[arg(long)]
        no_workers: bool,
    },
    /// Run the background workers only.
    Worker,
    /// Create the database if needed and apply migrations.
    Migrate,
    /// Seed a demo company to explore the portal.
    Demo {
        /// Do nothing if the demo account already exists.
        #[arg(long)]
        if_empty: bool,
        /// Instead, add N candidates to the demo company (creating it if needed), with
        /// statuses spread over New/Invited/Active/Completed: data for benchmarks.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=10_000_000))]
        candidates: Option<i64>,
        /// Instead, add N interviews to the demo company (creating it if needed), each to a
        /// new candidate, with a realistic funnel over the last 120 days: Dashboard data.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=10_000_000), conflicts_with = "candidates")]
        interviews: Option<i64>,
        /// Also let the demo company queue up to N candidate emails a day in its first
        /// week, instead of the server's cap for new companies (for benchmarks that send).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..))]
        email_cap: Option<i32>,
    },
}

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let config = Config::from_env()?;

    match cli.command.unwrap_or(Command::Serve { no_workers: false }) {
        Command::Migrate => {
            db::migrate(&config.database_url).await?;
            println!("Database is up to date.");
        }
        Command::Demo { if_empty, candidates, interviews, email_cap } => {
            // Its account's password is printed in the README.
            if config.app_env == hifinity::config::AppEnv::Production {
                anyhow::bail!(
                    "hifinity demo is refused when APP_ENV=production: the demo account's password is public"
                );
            }
            let pool = db::migrate(&config.database_url).await?;
            let media = MediaStore::from_config(config.media_store.as_deref(), &config.data_dir)?;
            match (candidates, interviews) {
                (Some(count), _) => {
                    demo::seed_benchmark(&pool, count).await?;
                }
                (None, Some(count)) => {
                    demo::seed_funnel(&pool, &media, count).await?;
                }
                (None, None) => demo::seed(&pool, &media, if_empty).await?,
            }
            if let Some(cap) = email_cap {
                demo::raise_email_cap(&pool, cap).await?;
            }
        }
        Command::Worker => {
            let pool = db::connect(&config.database_url).await?;
            let state = state::AppState::new(pool, config)?;
            let (stop, stopped) = watch::channel(false);
            let mut set = workers::spawn_all(&state, stopped)?;
            tracing::info!("workers running; Ctrl+C to stop");
            app::shutdown_signal().await;
            let _ = stop.send(true);
            while set.join_next().await.is_some() {}
        }
        Command::Serve { no_workers } => {
            let pool = db::connect(&config.database_url).await?;
            let listener = tokio::net::TcpListener::bind(config.bind_addr)
                .await
                .with_context(|| format!("could not listen on BIND_ADDR={}", config.bind_addr))?;
            let mut config = config;
            config.bound_to(listener.local_addr().context("the listening address")?);
            let base_url = config.base_url.clone();
            // Scripts and tests that bind port 0 read the chosen address from this line.
            println!("Listening on {}", config.bind_addr);
            let state = state::AppState::new(pool, config)?;
            let (stop, stopped) = watch::channel(false);
            let mut set = if no_workers { Default::default() } else { workers::spawn_all(&state, stopped)? };
            println!("Hifinity is running at {base_url}");
            if demo::exists(&state.pool).await? {
                println!("Sign in with the demo account {} / {}", demo::EMAIL, demo::PASSWORD);
            }
            println!("New here? Create your company at {base_url}sign-up");
            app::serve(listener, state).await?;
            let _ = stop.send(true);
            while set.join_next().await.is_some() {}
        }
    }
    Ok(())
}
