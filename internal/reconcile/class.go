package reconcile

import (
	"errors"

	"github.com/sipops/reconciler/internal/chime"
)

// This file decides, in one place, whether retrying a connector that
// failed can help soon: the class of its error. The engine marks what it
// refuses itself; the port marks the errors of its calls; everything else
// is the engine's own check of a write.

// ErrorClass says whether retrying a failed connector soon can help.
type ErrorClass string

// Error classes, as in /status (connectors[].error_class).
const (
	// ClassTransient: the API throttled, failed (5xx), timed out or could
	// not be reached, or the write could not be confirmed. The daemon
	// retries it with exponential backoff.
	ClassTransient ErrorClass = "transient"
	// ClassPermanent: the same request fails again until the spec, the
	// account or the credentials change: the connector does not exist, a
	// name matches no connector (or several), the change is refused
	// (emergency calling), AWS refused the credentials, or the API refused
	// the request (validation 400, AccessDenied, NotFound, the route
	// quota). The daemon retries it on the next revision accepted, on a
	// reload (SIGHUP), when resumed, and otherwise once an hour.
	ClassPermanent ErrorClass = "permanent"
)

// Classify returns the class of the error of a connector that failed in a
// plan or an apply:
//
//   - permanent, what the engine refuses itself (a name that matches no
//     connector or several, a change the service would refuse);
//   - for an error of a call of the Chime port (a *chime.CallError):
//     transient when the port says so (chime.IsTransient: throttling, a
//     5xx, a timeout, a connection failure) or when the call was cut short
//     by its caller (the daemon stopping, a term of leadership ending);
//     permanent otherwise: the API refused the request (validation,
//     AccessDenied, NotFound, refused credentials, the route quota);
//   - transient for anything else: the engine could not confirm a write,
//     the connector changed again under it, a preflight failed.
func Classify(err error) ErrorClass {
	if _, ok := errors.AsType[*permanentError](err); ok {
		return ClassPermanent
	}
	if call, ok := errors.AsType[*chime.CallError](err); ok && !call.Canceled && !chime.IsTransient(err) {
		return ClassPermanent
	}
	return ClassTransient
}

// permanentError marks an error the engine decides repeating the same
// request cannot cure. Its text is the error's.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// permanent marks err as permanent.
func permanent(err error) error { return &permanentError{err: err} }
