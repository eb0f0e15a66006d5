package chime

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
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
	for _, o := range []ClientOptions{{APIRate: -1}, {MaxAttempts: -1}, {Timeout: -1}} {
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
