package chime

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Error codes of the Chime SDK Voice API that the port treats specially.
const (
	codeThrottled          = "ThrottledClientException"
	codeNotFound           = "NotFoundException"
	codeNotFoundEnum       = "NotFound" // the body's Code enum when no X-Amzn-ErrorType header came
	codeServiceFailure     = "ServiceFailureException"
	codeServiceUnavailable = "ServiceUnavailableException"
)

// IsNotFound reports whether err says the connector (or its origination)
// does not exist.
func IsNotFound(err error) bool {
	if _, ok := errors.AsType[*types.NotFoundException](err); ok {
		return true
	}
	code := apiCode(err)
	return code == codeNotFound || code == codeNotFoundEnum
}

// IsTransient reports whether err is worth retrying later: throttling, a 5xx,
// a timeout or a connection failure. Validation errors, NotFound, Forbidden,
// AccessDenied and Unauthorized are permanent: repeating the request cannot
// succeed until the spec or the account changes. Cancellation by the caller is
// neither; IsTransient returns false for it.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if isThrottle(err) || isServerFault(err) {
		return true
	}
	if status := httpStatus(err); status != 0 {
		return status >= http.StatusInternalServerError || status == http.StatusTooManyRequests
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	return retry.RetryableConnectionError{}.IsErrorRetryable(err) == aws.TrueTernary
}

// throttleChecks classifies throttling errors for the retryer (cost and
// backoff base), for IsTransient and for Observer.Throttle alike. The
// service's ThrottledClientException is not among the SDK's default codes.
func throttleChecks() retry.IsErrorThrottles {
	own := retry.ThrottleErrorCode{Codes: map[string]struct{}{codeThrottled: {}}}
	return append(retry.IsErrorThrottles{own}, retry.DefaultThrottles...)
}

func isThrottle(err error) bool {
	return throttleChecks().IsErrorThrottle(err) == aws.TrueTernary
}

func isServerFault(err error) bool {
	code := apiCode(err)
	return code == codeServiceFailure || code == codeServiceUnavailable
}

// apiCode returns the service's error code, or "" when err carries none.
func apiCode(err error) string {
	if apiErr, ok := errors.AsType[smithy.APIError](err); ok {
		return apiErr.ErrorCode()
	}
	return ""
}

// httpStatus returns the status of the response that caused err, or 0.
func httpStatus(err error) int {
	if respErr, ok := errors.AsType[*smithyhttp.ResponseError](err); ok {
		return respErr.HTTPStatusCode()
	}
	return 0
}

// errorCode is the label Observer.Request gets for err.
func errorCode(err error) string {
	switch {
	case err == nil:
		return CodeOK
	case apiCode(err) != "":
		return apiCode(err)
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case retry.RetryableConnectionError{}.IsErrorRetryable(err) == aws.TrueTernary:
		return CodeConnection
	default:
		return CodeUnknown
	}
}
