package chime

import "time"

// Observer receives one event per API call and per extra attempt. The daemon
// implements it with Prometheus counters and histograms; tests count in a map.
// Implementations must be safe for concurrent use.
type Observer interface {
	// Request reports a logical call once it has finished, after all its
	// retries: code is "ok" or the error code of the final failure (an API
	// error code such as "ThrottledClientException", or one of CodeCanceled,
	// CodeTimeout, CodeConnection, CodeUnknown), d the total latency including
	// rate-limiter waits and backoff.
	Request(region, operation, code string, d time.Duration)
	// Retry reports that an attempt after the first is about to be sent.
	Retry(region, operation string)
	// Throttle reports that an attempt was answered with a throttling error.
	Throttle(region, operation string)
}

// RateObserver is an Observer that also wants each region's client-side
// rate limit. The Client asks for it with a type assertion, so an Observer
// need not implement it. RateLimit is called when a region's limiter is
// made (perSecond 0: no limit) and, with an adaptive rate, at every change,
// which can be at every attempt: it must be quick and must not block, and
// it must not call the Client.
type RateObserver interface {
	RateLimit(region string, perSecond float64)
}

// Codes reported to Observer.Request for failures that carry no API error code.
const (
	CodeOK         = "ok"
	CodeCanceled   = "RequestCanceled"
	CodeTimeout    = "Timeout"
	CodeConnection = "ConnectionError"
	CodeUnknown    = "Unknown"
)

type nopObserver struct{}

func (nopObserver) Request(string, string, string, time.Duration) {}
func (nopObserver) Retry(string, string)                          {}
func (nopObserver) Throttle(string, string)                       {}

var _ Observer = nopObserver{}

// Observers passes every event to each of its observers, and RateLimit to
// those that are RateObservers: the daemon's metrics and its heartbeat.
type Observers []Observer

var (
	_ Observer     = Observers{}
	_ RateObserver = Observers{}
)

// Request implements Observer.
func (os Observers) Request(region, operation, code string, d time.Duration) {
	for _, o := range os {
		o.Request(region, operation, code, d)
	}
}

// Retry implements Observer.
func (os Observers) Retry(region, operation string) {
	for _, o := range os {
		o.Retry(region, operation)
	}
}

// Throttle implements Observer.
func (os Observers) Throttle(region, operation string) {
	for _, o := range os {
		o.Throttle(region, operation)
	}
}

// RateLimit implements RateObserver.
func (os Observers) RateLimit(region string, perSecond float64) {
	for _, o := range os {
		if ro, ok := o.(RateObserver); ok {
			ro.RateLimit(region, perSecond)
		}
	}
}

// Progress is an Observer that calls its function whenever a call or an
// attempt of one ends, whatever its outcome: the calls make progress. The
// daemon beats its watchdog's heartbeat with it.
type Progress func()

var _ Observer = Progress(nil)

// Request implements Observer.
func (p Progress) Request(string, string, string, time.Duration) { p() }

// Retry implements Observer: an attempt ended, and another begins.
func (p Progress) Retry(string, string) { p() }

// Throttle implements Observer.
func (p Progress) Throttle(string, string) { p() }
