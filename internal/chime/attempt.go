package chime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Attribute keys of the package's log records.
const (
	logKeyRegion    = "region"
	logKeyOperation = "operation"
	logKeyConnector = "voice_connector_id"
	logKeyAttempt   = "attempt"
	logKeyThrottled = "throttled"
	logKeyError     = "err"
)

// attemptMiddleware runs once per attempt, inside the SDK's retry loop (it is
// inserted after the "Retry" finalize middleware and before signing). Each
// attempt, retries included, first waits for the region's rate limiter, then
// gets its own timeout. It reports retries and throttles to the Observer.
// A new value is made for every call, so n needs no lock: attempts of one
// call are sequential.
type attemptMiddleware struct {
	region, operation string
	limiter           *rate.Limiter
	timeout           time.Duration
	observer          Observer
	logger            *slog.Logger
	n                 int
}

func (*attemptMiddleware) ID() string { return "ChimeAttempt" }

func (m *attemptMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	m.n++
	if m.n > 1 {
		m.observer.Retry(m.region, m.operation)
	}
	if err := m.wait(ctx); err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	attemptCtx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	out, md, err := next.HandleFinalize(attemptCtx, in)
	if err != nil && ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		err = &attemptTimeoutError{timeout: m.timeout, cause: err}
	}
	if err != nil {
		m.failed(ctx, err)
	}
	return out, md, err
}

// wait blocks until the limiter grants a token or ctx ends. Its errors are
// marked as cancellation so that the retryer does not retry them.
func (m *attemptMiddleware) wait(ctx context.Context) error {
	err := m.limiter.Wait(ctx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return &aws.RequestCanceledError{Err: ctx.Err()}
	default: // the wait would outlast ctx's deadline
		return &aws.RequestCanceledError{Err: fmt.Errorf("rate limiter: %w", context.DeadlineExceeded)}
	}
}

func (m *attemptMiddleware) failed(ctx context.Context, err error) {
	throttled := isThrottle(err)
	if throttled {
		m.observer.Throttle(m.region, m.operation)
	}
	m.logger.DebugContext(ctx, "attempt failed",
		logKeyRegion, m.region, logKeyOperation, m.operation,
		logKeyAttempt, m.n, logKeyThrottled, throttled, logKeyError, err)
}

// attemptTimeoutError replaces the SDK's cancellation error when only the
// attempt's own timeout expired: the SDK never retries a canceled request,
// but a hung attempt is worth retrying while the call has time left.
type attemptTimeoutError struct {
	timeout time.Duration
	cause   error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s: %v", e.timeout, e.cause)
}

// Unwrap exposes only the deadline, hiding the SDK's canceled error.
func (e *attemptTimeoutError) Unwrap() error        { return context.DeadlineExceeded }
func (e *attemptTimeoutError) RetryableError() bool { return true }
func (e *attemptTimeoutError) Timeout() bool        { return true }
