package chime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestClassification(t *testing.T) {
	tests := []struct {
		name          string
		err           error
		wantTransient bool
		wantNotFound  bool
		wantCode      string
	}{
		{"nil", nil, false, false, CodeOK},
		{"generic NotFound from the body only", &smithy.GenericAPIError{Code: "NotFound"}, false, true, "NotFound"},
		{"wrapped throttle code", fmt.Errorf("x: %w", &smithy.GenericAPIError{Code: "ThrottledClientException"}), true, false, "ThrottledClientException"},
		{"sdk throttle code", &smithy.GenericAPIError{Code: "ThrottlingException"}, true, false, "ThrottlingException"},
		{"service failure", &smithy.GenericAPIError{Code: "ServiceFailureException"}, true, false, "ServiceFailureException"},
		{"validation", &smithy.GenericAPIError{Code: "BadRequestException"}, false, false, "BadRequestException"},
		{"refused signature", &smithy.GenericAPIError{Code: "InvalidSignatureException"}, false, false, "InvalidSignatureException"},
		{"unknown access key", fmt.Errorf("x: %w", &smithy.GenericAPIError{Code: "UnrecognizedClientException"}), false, false, "UnrecognizedClientException"},
		{"no signature", &CredentialsError{Err: &smithy.GenericAPIError{Code: "MissingAuthenticationTokenException"}}, false, false, "MissingAuthenticationTokenException"},
		{"canceled", &aws.RequestCanceledError{Err: context.Canceled}, false, false, CodeCanceled},
		{"deadline", &aws.RequestCanceledError{Err: context.DeadlineExceeded}, true, false, CodeTimeout},
		{"attempt timeout", &attemptTimeoutError{cause: errors.New("hung")}, true, false, CodeTimeout},
		{"anything else", errors.New("boom"), false, false, CodeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTransient(tt.err); got != tt.wantTransient {
				t.Errorf("IsTransient: got %v, want %v", got, tt.wantTransient)
			}
			if got := IsNotFound(tt.err); got != tt.wantNotFound {
				t.Errorf("IsNotFound: got %v, want %v", got, tt.wantNotFound)
			}
			if got := errorCode(tt.err); got != tt.wantCode {
				t.Errorf("errorCode: got %q, want %q", got, tt.wantCode)
			}
		})
	}
}

func TestConnectionErrorIsRetriedAndTransient(t *testing.T) {
	obs := &countingObserver{}
	// Nothing listens on port 1: every attempt is refused.
	c := newTestClient(t, "http://127.0.0.1:1", ClientOptions{MaxAttempts: 2, Observer: obs})
	_, err := c.GetOrigination(t.Context(), "", testID)
	if !IsTransient(err) {
		t.Errorf("got IsTransient false for %v, want true", err)
	}
	want := map[string]int{
		"request us-east-1 GetVoiceConnectorOrigination ConnectionError": 1,
		"retry us-east-1 GetVoiceConnectorOrigination":                   1,
	}
	if got := obs.snapshot(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestOptionsValidate(t *testing.T) {
	isolateAWS(t)
	for _, o := range []ClientOptions{{APIRate: -1}, {APIRateMax: -1}, {MaxAttempts: -1}, {MaxThrottleAttempts: -1}, {Timeout: -1}} {
		if _, err := New(t.Context(), o); err == nil {
			t.Errorf("New(%+v): got no error, want one", o)
		}
	}
}

func TestIsCredentials(t *testing.T) {
	for code, want := range map[string]bool{
		"MissingAuthenticationTokenException": true, "UnrecognizedClientException": true, "InvalidSignatureException": true,
		"IncompleteSignatureException": true, "ExpiredTokenException": true,
		"AccessDeniedException": false, "ForbiddenException": false, "UnauthorizedClientException": false, "NotFoundException": false,
	} {
		if got := IsCredentials(fmt.Errorf("x: %w", &smithy.GenericAPIError{Code: code})); got != want {
			t.Errorf("%s: got IsCredentials %v, want %v", code, got, want)
		}
	}
	if IsCredentials(nil) || IsCredentials(errors.New("InvalidSignatureException")) {
		t.Errorf("got IsCredentials true without an API error, want false")
	}
}

func TestCredentialsErrorText(t *testing.T) {
	err := &CredentialsError{Err: fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: "InvalidSignatureException", Message: "Signature expired"})}
	if got, want := err.Error(), "AWS refused the credentials: InvalidSignatureException: Signature expired"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// sdkError wraps apiErr as the SDK returns a service's answer of status.
func sdkError(status int, apiErr error) error {
	return &smithy.OperationError{ServiceID: "Chime SDK Voice", OperationName: "GetVoiceConnectorOrigination", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: apiErr},
	}}
}

// TestRetryerAgreesWithIsTransient: what IsTransient calls transient the
// retryer retries, and what it calls permanent the retryer does not, but
// for the two exceptions the package documentation names.
func TestRetryerAgreesWithIsTransient(t *testing.T) {
	r := newRetryer(ClientOptions{}.withDefaults())
	tests := []struct {
		name          string
		err           error
		wantTransient bool
		wantRetried   bool
	}{
		{"throttle", sdkError(429, &types.ThrottledClientException{}), true, true},
		{"unmodeled 429", sdkError(429, &smithy.GenericAPIError{Code: "TooManyRequests"}), true, true},
		{"sdk throttle code", sdkError(400, &smithy.GenericAPIError{Code: "ThrottlingException"}), true, true},
		{"500", sdkError(500, &types.ServiceFailureException{}), true, true},
		{"503", sdkError(503, &types.ServiceUnavailableException{}), true, true},
		{"502 from a proxy", sdkError(502, &smithy.GenericAPIError{Code: "UnknownError"}), true, true},
		{"501", sdkError(501, &smithy.GenericAPIError{Code: "NotImplemented"}), true, true},
		{"request timeout code", sdkError(408, &smithy.GenericAPIError{Code: "RequestTimeoutException"}), true, true},
		{"connection refused", &smithy.OperationError{Err: &smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}}, true, true},
		{"attempt timeout", &attemptTimeoutError{cause: errors.New("hung")}, true, true},
		{"400 validation", sdkError(400, &types.BadRequestException{}), false, false},
		{"401", sdkError(401, &types.UnauthorizedClientException{}), false, false},
		{"403 forbidden", sdkError(403, &types.ForbiddenException{}), false, false},
		{"403 access denied", sdkError(403, &types.AccessDeniedException{}), false, false},
		{"404", sdkError(404, &types.NotFoundException{}), false, false},
		{"409 conflict", sdkError(409, &types.ConflictException{}), false, false},
		{"resource limit", sdkError(400, &types.ResourceLimitExceededException{}), false, false},
		{"refused credentials", sdkError(403, &smithy.GenericAPIError{Code: "UnrecognizedClientException"}), false, false},
		{"expired token", sdkError(403, &smithy.GenericAPIError{Code: "ExpiredTokenException"}), false, false},
		{"canceled", &aws.RequestCanceledError{Err: context.Canceled}, false, false},
		// The exceptions: the call's deadline ends the call, yet a later
		// one may succeed.
		{"call deadline", &aws.RequestCanceledError{Err: context.DeadlineExceeded}, true, false},
		{"spent budget", &retry.MaxAttemptsError{Attempt: 10, Err: sdkError(503, &types.ServiceUnavailableException{})}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTransient(tt.err); got != tt.wantTransient {
				t.Errorf("IsTransient: got %v, want %v", got, tt.wantTransient)
			}
			if got := r.IsErrorRetryable(tt.err); got != tt.wantRetried {
				t.Errorf("retried: got %v, want %v", got, tt.wantRetried)
			}
		})
	}
}
