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
