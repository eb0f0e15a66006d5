package chime

import (
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// newRetryer builds the SDK's standard retryer with the changes explained in
// the package documentation: ThrottledClientException is retried as a
// throttle, and there is no retry quota.
func newRetryer(o ClientOptions) *retry.Standard {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = o.MaxAttempts
		so.MaxBackoff = o.MaxBackoff
		so.RateLimiter = ratelimit.None
		throttled := retry.ThrottleErrorCode{Codes: map[string]struct{}{codeThrottled: {}}}
		// Checks are consulted in order and the first verdict wins, so the
		// SDK's "canceled is never retried" check must stay ahead of ours.
		so.Retryables = append(so.Retryables, retry.RetryableErrorCode(throttled))
		so.Throttles = append(so.Throttles, throttled)
		if o.Backoff != nil {
			so.Backoff = o.Backoff
		}
	})
}
