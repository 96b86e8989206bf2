//! A metrics recorder that keeps the values of one histogram (for benchmarks that report a
//! figure the code itself measures, e.g. update received → answer issued).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub struct Histogram {
    name: &'static str,
    values: Arc<Mutex<Vec<f64>>>,
}

impl Histogram {
    /// Installs the process's recorder, keeping the values of histogram `name` (seconds).
    pub fn install(name: &'static str) -> Histogram {
        let h = Histogram { name, values: Arc::default() };
        metrics::set_global_recorder(h.clone()).expect("the first recorder");
        h
    }

    /// The values so far, sorted, and forgets them.
    pub fn take_sorted(&self) -> Vec<Duration> {
        let mut v: Vec<Duration> =
            std::mem::take(&mut *self.values.lock().unwrap()).into_iter().map(Duration::from_secs_f64).collect();
        v.sort();
        v
    }
}

impl metrics::HistogramFn for Histogram {
    fn record(&self, value: f64) {
        self.values.lock().unwrap().push(value);
    }
}

impl metrics::Recorder for Histogram {
    fn describe_counter(&self, _: metrics::KeyName, _: Option<metrics::Unit>, _: metrics::SharedString) {}
    fn describe_gauge(&self, _: metrics::KeyName, _: Option<metrics::Unit>, _: metrics::SharedString) {}
    fn describe_histogram(&self, _: metrics::KeyName, _: Option<metrics::Unit>, _: metrics::SharedString) {}
    fn register_counter(&self, _: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Counter {
        metrics::Counter::noop()
    }
    fn register_gauge(&self, _: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Gauge {
        metrics::Gauge::noop()
    }
    fn register_histogram(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Histogram {
        if key.name() == self.name {
            metrics::Histogram::from_arc(Arc::new(self.clone()))
        } else {
            metrics::Histogram::noop()
        }
    }
}

/// The value at fraction `p` of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}
