//! A bounded load test of `blowback serve`: N run requests from C concurrent clients, each on its own
//! keep-alive connection, reporting latency percentiles and errors. A benchmark, not a test; run it
//! through `bench/serve/load.sh`, which starts the server and stops it afterwards.
//!
//! Usage: `serve_load URL [REQUESTS] [CLIENTS] [overlay|single]` (defaults: 10000 requests, 8
//! clients, overlay). Each request is what the page sends as a slider moves. `overlay`: an uncertain
//! parameter moved, so the status quo and the eight other scenarios are re-run in the new world (nine
//! runs). `single`: a policy lever moved, so only the current scenario is re-run. Values vary per
//! request so nothing can be answered from a cache.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;

struct ClientReport {
    latencies: Vec<Duration>,
    failures: Vec<String>,
}

async fn client(
    address: String,
    host: String,
    requests: usize,
    seed: usize,
    overlay: bool,
) -> ClientReport {
    let mut report = ClientReport {
        latencies: Vec::with_capacity(requests),
        failures: Vec::new(),
    };
    let stream = match tokio::net::TcpStream::connect(&address).await {
        Ok(stream) => stream,
        Err(e) => {
            report.failures.push(format!("connect: {e}"));
            return report;
        }
    };
    let (mut sender, connection) =
        match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
            Ok(pair) => pair,
            Err(e) => {
                report.failures.push(format!("handshake: {e}"));
                return report;
            }
        };
    tokio::spawn(connection);
    for k in 0..requests {
        let i = seed * requests + k;
        let body = if overlay {
            format!(
                r#"{{"scenario":"status_quo","overlay":true,"overrides":{{"us_support_offer":{},"recruitment_capacity":{}}}}}"#,
                (i % 101) as f64 / 100.0,
                4000 + (i * 7) % 2000
            )
        } else {
            format!(
                r#"{{"scenario":"status_quo","overrides":{{"us_support_offer":{}}}}}"#,
                (i % 101) as f64 / 100.0
            )
        };
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/run")
            .header("host", &host)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .expect("a well-formed request");
        let started = Instant::now();
        let outcome = async {
            let response = sender.send_request(request).await?;
            let status = response.status();
            let bytes = response.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, bytes.len()))
        }
        .await;
        let elapsed = started.elapsed();
        match outcome {
            Ok((StatusCode::OK, length)) if length > 0 => report.latencies.push(elapsed),
            Ok((status, _)) => report.failures.push(format!("status {status}")),
            Err(e) => {
                report.failures.push(format!("transport: {e}"));
                break;
            }
        }
    }
    report
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1e3
}

fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: serve_load URL [REQUESTS] [CLIENTS]");
    let requests: usize = args
        .next()
        .map_or(10_000, |a| a.parse().expect("REQUESTS is a number"));
    let clients: usize = args
        .next()
        .map_or(8, |a| a.parse().expect("CLIENTS is a number"));
    let overlay = match args.next().as_deref() {
        None | Some("overlay") => true,
        Some("single") => false,
        Some(other) => panic!("the mode is `overlay` or `single`, not `{other}`"),
    };
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let started = Instant::now();
    let reports = runtime.block_on(async {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let share = requests / clients + usize::from(c < requests % clients);
                tokio::spawn(client(host.clone(), host.clone(), share, c, overlay))
            })
            .collect();
        let mut reports = Vec::new();
        for handle in handles {
            reports.push(handle.await.expect("a client task"));
        }
        reports
    });
    let wall = started.elapsed().as_secs_f64();
    let mut latencies: Vec<Duration> = reports.iter().flat_map(|r| r.latencies.clone()).collect();
    latencies.sort();
    let failures: Vec<&String> = reports.iter().flat_map(|r| &r.failures).collect();
    let mode = if overlay {
        "overlay: 9 runs each"
    } else {
        "single: 1 run each"
    };
    println!("requests  {requests} from {clients} clients (keep-alive, {mode}), {wall:.2} s wall");
    println!("ok        {}", latencies.len());
    println!("errors    {}", failures.len());
    for failure in failures.iter().take(5) {
        println!("          {failure}");
    }
    println!("rate      {:.0} requests/s", latencies.len() as f64 / wall);
    println!(
        "latency   p50 {:.2} ms   p90 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        percentile(&latencies, 50.0),
        percentile(&latencies, 90.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 100.0)
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
