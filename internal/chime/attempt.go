package chime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
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
// gets its own timeout; its answer goes back to the limiter, whose adaptive
// rate it may change. It keeps the call's two budgets, of throttled
// attempts and of attempts that failed otherwise, and reports retries and
// throttles to the Observer. A new value is made for every call, so its
// counters need no lock: attempts of one call are sequential.
type attemptMiddleware struct {
	region, operation string
	limiter           *limiter
	retryer           aws.Retryer // what it retries is what the budgets count
	maxAttempts       int         // failed attempts but throttles
	maxThrottles      int         // throttled attempts
	timeout           time.Duration
	observer          Observer
	logger            *slog.Logger
	n                 int // attempts so far
	failures          int // attempts that failed retryably, but throttles
	throttles         int // attempts that were throttled
}

func (*attemptMiddleware) ID() string { return "ChimeAttempt" }

func (m *attemptMiddleware) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	m.n++
	if m.n > 1 {
		m.observer.Retry(m.region, m.operation)
	}
	tk, err := m.limiter.wait(ctx)
	if err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	attemptCtx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	out, md, err := next.HandleFinalize(attemptCtx, in)
	if err != nil && ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		err = &attemptTimeoutError{timeout: m.timeout, cause: err}
	}
	m.limiter.done(tk, err)
	if err != nil {
		m.failed(ctx, err)
		err = m.spend(err)
	}
	return out, md, err
}

// spend charges a failed attempt that the retryer would retry to its
// budget, throttles or other failures; when the budget is spent, the call
// ends with a *retry.MaxAttemptsError, which the retryer does not retry
// (see newRetryer), as it would have ended at its own MaxAttempts.
func (m *attemptMiddleware) spend(err error) error {
	if !m.retryer.IsErrorRetryable(err) {
		return err
	}
	if isThrottle(err) {
		m.throttles++
		if m.throttles < m.maxThrottles {
			return err
		}
	} else {
		m.failures++
		if m.failures < m.maxAttempts {
			return err
		}
	}
	return &retry.MaxAttemptsError{Attempt: m.n, Err: err}
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
