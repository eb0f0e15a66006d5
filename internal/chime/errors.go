package chime

import (
	"context"
	"errors"
	"net/http"
	"regexp"

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
	codeBadRequest         = "BadRequestException"
)

// credentialsCodes are the codes of AWS's refusals of a request's
// credentials. The front end answers them (403) before the service runs, so
// they are in no operation's model and the SDK reports them as
// *smithy.GenericAPIError: a request without a signature
// (MissingAuthenticationToken), an access key id or session token AWS does
// not know (UnrecognizedClient; InvalidClientTokenId and ExpiredToken in
// other protocols), and a signature that does not verify: wrong secret,
// skewed clock, wrong region or service in the scope (InvalidSignature,
// IncompleteSignature; SignatureDoesNotMatch in other protocols).
var credentialsCodes = map[string]bool{
	"MissingAuthenticationTokenException": true,
	"UnrecognizedClientException":         true,
	"InvalidSignatureException":           true,
	"IncompleteSignatureException":        true,
	"InvalidClientTokenId":                true,
	"ExpiredTokenException":               true,
	"SignatureDoesNotMatch":               true,
}

// IsCredentials reports whether AWS refused the credentials err's request
// was signed with. Such an error is permanent: the same credentials are
// refused again until the operator fixes them.
func IsCredentials(err error) bool {
	return credentialsCodes[apiCode(err)]
}

// CredentialsError is AWS's refusal of the credentials of a request. Its
// text names the problem and keeps the service's own words; Unwrap gives the
// SDK's error.
type CredentialsError struct {
	Err error
}

func (e *CredentialsError) Error() string {
	return "AWS refused the credentials: " + apiText(e.Err)
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// defaultRouteQuota is an account's quota of origination routes per Voice
// Connector unless AWS raised it (OriginationRoute: "Limit: Ten origination
// routes for each Voice Connector"). A Put of no more routes is never over
// the quota.
const defaultRouteQuota = 10

// quotaWords finds a refusal about a count in the service's message. Its
// wording for the route quota is not documented, so any of these words
// will do; together with a BadRequest on a Put of more than
// defaultRouteQuota routes they say the quota is the cause.
var quotaWords = regexp.MustCompile(`(?i)quota|limit|exceed|too many|maximum|length`)

// isRouteQuota reports whether err refuses a Put of routes routes for the
// route quota.
func isRouteQuota(err error, routes int) bool {
	apiErr, ok := errors.AsType[smithy.APIError](err)
	return ok && routes > defaultRouteQuota && apiErr.ErrorCode() == codeBadRequest &&
		quotaWords.MatchString(apiErr.ErrorMessage())
}

// apiText is "Code: message" of the service's error in err, or err's text
// when it carries none.
func apiText(err error) string {
	apiErr, ok := errors.AsType[smithy.APIError](err)
	switch {
	case !ok:
		return err.Error()
	case apiErr.ErrorMessage() == "":
		return apiErr.ErrorCode()
	}
	return apiErr.ErrorCode() + ": " + apiErr.ErrorMessage()
}

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
// AccessDenied, Unauthorized and refused credentials (IsCredentials) are
// permanent: repeating the request cannot succeed until the spec, the
// account or the credentials change. Cancellation by the caller is neither;
// IsTransient returns false for it. The retryer agrees: it retries what is
// transient and nothing else, but for the call's own deadline (the call is
// over; a later one may succeed) and for the SDK's clock skew correction
// (one more attempt of a refused request, signed with a corrected clock).
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || IsCredentials(err) {
		return false
	}
	if isThrottle(err) || isServerFault(err) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if _, ok := retry.DefaultRetryableErrorCodes[apiCode(err)]; ok {
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

// isServerFault reports whether err is a 5xx: its status, or one of the
// service's 5xx exceptions.
func isServerFault(err error) bool {
	code := apiCode(err)
	return code == codeServiceFailure || code == codeServiceUnavailable || httpStatus(err) >= http.StatusInternalServerError
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
