package reconcile

import (
	"errors"
	"time"

	"github.com/sipops/reconciler/internal/chime"
)

// This file holds the classes of a connector's failure and the schedule
// each class is retried on.

// ErrorClass says whether retrying a failed connector soon can help.
type ErrorClass string

// Error classes, as in /status (connectors[].error_class).
const (
	// ClassTransient: the API throttled, failed (5xx), timed out or could
	// not be reached, or the write could not be confirmed. Retried with
	// exponential backoff from LoopOptions.RetryBase to RetryMax.
	ClassTransient ErrorClass = "transient"
	// ClassPermanent: the same request fails again until the spec, the
	// account or the credentials change: the connector does not exist, a
	// name matches no connector (or several), the change is refused
	// (emergency calling), AWS refused the credentials, or the API refused
	// the request (validation 400, AccessDenied, NotFound, the route
	// quota). Retried on the next revision accepted, on a reload (SIGHUP),
	// when resumed, and otherwise every PermanentRetryInterval.
	ClassPermanent ErrorClass = "permanent"
)

// PermanentRetryInterval is how often a connector that failed for a
// permanent reason is tried again when nothing else retries it first: a
// fix made outside the spec (credentials, IAM, a raised quota, a connector
// created) is picked up within the hour, at one call per connector per
// hour. Jittered by 10%.
const PermanentRetryInterval = time.Hour

// permanentError marks an error that repeating the same request cannot
// cure. Its text is the error's.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// permanent marks err as permanent.
func permanent(err error) error { return &permanentError{err: err} }

// classify returns the class of a connector's failure.
func classify(err error) ErrorClass {
	var p *permanentError
	var quota *chime.RouteQuotaError
	switch {
	case errors.As(err, &p), errors.Is(err, ErrEmergencyCalling), errors.As(err, &quota),
		chime.IsCredentials(err), chime.IsNotFound(err):
		return ClassPermanent
	}
	return ClassTransient
}

// retryIn is how long a connector that failed for the failures-th time in
// a row, of class c, waits before it is tried again.
func (l *Loop) retryIn(c ErrorClass, failures int) time.Duration {
	if c == ClassPermanent {
		return jitter(PermanentRetryInterval, 0.1)
	}
	return l.backoff(failures)
}

// retryPermanentNow makes the connectors that failed for a permanent
// reason due at once: a new revision was accepted, and whatever it
// changes, the operator may have fixed what made them fail. The retry
// pass takes them, ungated, right after the revision's pass.
func (l *Loop) retryPermanentNow() {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, cs := range l.conns {
		if cs.State == StateFailed && cs.ErrorClass == ClassPermanent {
			cs.NextRetry = &now
		}
	}
}
