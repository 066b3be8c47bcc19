//! `blowback serve`: the web explorer. A case (or bare model) is read and compiled once; an axum
//! server on loopback then serves an embedded page (our own HTML, CSS and JavaScript, no build step)
//! and a JSON API that re-runs the model as the page's sliders move.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

mod api;
mod explorer;

#[cfg(test)]
mod tests;

/// Arguments of `blowback serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A case folder (model.xmile, scenarios.toml, ...) or a bare XMILE model.
    #[arg(default_value = "cases/afpak")]
    pub path: PathBuf,
    /// Address to listen on. Anything but loopback exposes the explorer to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one; the address is printed either way).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Simulations run at once (default: the number of cores); later requests wait, then get 503.
    #[arg(long)]
    pub workers: Option<usize>,
}

/// `blowback serve`.
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let Some((case, source)) = crate::load::open(&args.path)? else {
        return Ok(ExitCode::from(1));
    };
    let explorer = explorer::Explorer::new(case, &source.name(), !source.is_folder(), api::OPENAPI)
        .with_context(|| format!("serving {}", source.model_path().display()))?;
    if !args.host.is_loopback() {
        eprintln!(
            "warning: listening on {}, not loopback: anyone who can reach this machine can use the \
             explorer (it has no authentication)",
            args.host
        );
    }
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let router = api::router(Arc::new(explorer), workers);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((args.host, args.port))
            .await
            .with_context(|| format!("listening on {}:{}", args.host, args.port))?;
        let address = listener.local_addr()?;
        // Scripts (the browser test among them) read this line to find the port.
        println!("listening on http://{address}");
        use std::io::Write as _;
        std::io::stdout().flush()?;
        eprintln!("open http://{address} in a browser; Ctrl-C stops the server");
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // If the signal cannot be installed, serve until killed.
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            })
            .await
            .context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}
