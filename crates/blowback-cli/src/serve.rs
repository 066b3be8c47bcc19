//! `blowback serve`: the web explorer (the `blowback-serve` crate). The case is read and compiled
//! once here; the explorer then serves its page and JSON API on loopback. Built without the
//! default `serve` feature, the command says so instead (and the build has no axum or tokio).

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

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
#[cfg(feature = "serve")]
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    use std::io::Write as _;

    use anyhow::Context;

    let Some((case, source)) = crate::load::open(&args.path)? else {
        return Ok(ExitCode::from(1));
    };
    let explorer = blowback_serve::Explorer::new(case, &source.name(), !source.is_folder())
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
    blowback_serve::serve(
        explorer,
        (args.host, args.port).into(),
        workers,
        |address| {
            // Scripts (the browser test among them) read this line to find the port.
            println!("listening on http://{address}");
            std::io::stdout().flush()?;
            eprintln!("open http://{address} in a browser; Ctrl-C stops the server");
            Ok(())
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `blowback serve` in a build without the explorer.
#[cfg(not(feature = "serve"))]
pub fn serve(_args: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this blowback was built without the web explorer; build it with the default `serve` \
         feature (cargo build --release -p blowback-cli)"
    )
}
