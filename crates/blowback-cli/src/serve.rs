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
    /// Seconds a client may take to send a request's headers (counted from when the connection
    /// waits for a request); a slower one is disconnected.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub header_timeout: f64,
    /// Seconds a client may take to send a request's body; a slower one gets 408.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub body_timeout: f64,
    /// Seconds a connection may stay open with nothing sent either way before it is closed.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub idle_timeout: f64,
    /// Connections open at once; further clients wait to be accepted.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
}

/// A timeout on the command line: a positive number of seconds, at most a day.
fn positive_seconds(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds > 0.0 && seconds <= 86_400.0 {
        Ok(seconds)
    } else {
        Err(format!(
            "{seconds} s is not a usable timeout: give more than 0 and at most 86400 seconds"
        ))
    }
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
    let mut limits = blowback_serve::Limits::default();
    limits.workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    limits.header_timeout = std::time::Duration::from_secs_f64(args.header_timeout);
    limits.body_timeout = std::time::Duration::from_secs_f64(args.body_timeout);
    limits.idle_timeout = std::time::Duration::from_secs_f64(args.idle_timeout);
    limits.max_connections = args.max_connections as usize;
    blowback_serve::serve(
        explorer,
        (args.host, args.port).into(),
        &limits,
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

#[cfg(test)]
mod tests {
    use super::positive_seconds;

    #[test]
    fn timeouts_are_positive_seconds_up_to_a_day() {
        assert_eq!(positive_seconds("2.5"), Ok(2.5));
        assert_eq!(positive_seconds(" 86400 "), Ok(86_400.0));
        for bad in ["0", "-1", "90000", "NaN", "inf"] {
            let message = positive_seconds(bad).expect_err(bad);
            assert!(message.contains("not a usable timeout"), "{bad}: {message}");
        }
        let message = positive_seconds("ten").expect_err("ten");
        assert_eq!(message, "`ten` is not a number of seconds");
    }
}
