//! `blowback-serve`: the web explorer of a case.
//!
//! [`Explorer::new`] takes a loaded case (the caller reads it; this crate reads no files) and
//! computes once what the page needs: sliders for the policy levers and the uncertain parameters,
//! the causal-loop diagram, the conflict analysis, and the OpenAPI document narrowed to the case.
//! [`router`] is the HTTP face: an embedded page (our own HTML, CSS and JavaScript modules, no build
//! step) and a JSON API that re-runs the model as the page's sliders move, with a body limit, a
//! bound on simulations at once, JSON errors and a strict Content-Security-Policy. [`serve`] runs
//! the router on a socket until Ctrl-C, within [`Limits`] that close stalled connections (slow
//! headers, slow bodies, idle keep-alive) and cap the connections open at once.
//!
//! Boundary: this is the only crate with a network socket; file I/O stays in the CLI.
//!
//! ```no_run
//! use blowback::{Case, CaseFiles};
//!
//! # fn model_text() -> String { String::new() }
//! let files = CaseFiles::model_only("teacup.xmile", model_text());
//! let (case, _warnings) = Case::load(&files)?;
//! let explorer = blowback_serve::Explorer::new(case, "teacup", true)?;
//! let address = "127.0.0.1:8080".parse().unwrap();
//! let limits = blowback_serve::Limits::default();
//! blowback_serve::serve(explorer, address, &limits, |at| {
//!     println!("listening on http://{at}");
//!     Ok(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;

mod api;
mod explorer;
mod server;

#[cfg(test)]
mod tests;

pub use api::{router, OPENAPI};
pub use explorer::Explorer;
pub use server::Limits;

/// Why the explorer could not be prepared or served.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The model's runs are too long to re-run as a slider moves.
    #[error(
        "the model takes {steps:.0} steps per run; the explorer re-runs the model as a slider \
         moves and serves models of at most {max:.0} steps (raise dt or shorten the run)",
        max = explorer::MAX_STEPS
    )]
    TooManySteps {
        /// Steps per run (NaN when dt is zero or not finite).
        steps: f64,
    },
    /// A loop the case names could not be built.
    #[error("loop `{name}` in loops.toml: {source}")]
    Loop {
        /// The loop's name.
        name: String,
        /// Why.
        #[source]
        source: blowback_sd::LoopError,
    },
    /// A run needed for a read-only document failed.
    #[error(transparent)]
    Run(#[from] blowback_sd::RunError),
    /// The conflict analysis failed.
    #[error("conflict analysis: {0}")]
    Conflict(#[from] blowback_conflict::Error),
    /// The embedded OpenAPI document does not parse (a build defect).
    #[error("the embedded OpenAPI document is not JSON: {0}")]
    OpenApi(serde_json::Error),
    /// The socket or the runtime failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
}

/// Serves `explorer` on `address` until Ctrl-C, within `limits`. `listening` is told the address
/// bound (the port, when 0 asked for a free one) before the first request is answered.
pub fn serve(
    explorer: Explorer,
    address: SocketAddr,
    limits: &Limits,
    listening: impl FnOnce(SocketAddr) -> std::io::Result<()>,
) -> Result<(), ServeError> {
    let io = |context: String| move |source| ServeError::Io { context, source };
    let app = router(Arc::new(explorer), limits);
    let limits = *limits;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io("starting the async runtime".into()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(io(format!("listening on {address}")))?;
        let bound = listener
            .local_addr()
            .map_err(io("reading the bound address".into()))?;
        listening(bound).map_err(io("announcing the address".into()))?;
        server::run(listener, app, limits, async {
            // If the signal cannot be installed, serve until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await;
        Ok(())
    })
}
