package chime

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
)

// clientWith returns a Client for endpoint that signs with creds, retrying
// without waiting.
func clientWith(t *testing.T, endpoint string, creds aws.CredentialsProvider, obs Observer) *Client {
	t.Helper()
	isolateAWS(t)
	c, err := New(t.Context(), ClientOptions{
		Endpoint: endpoint, Backoff: noWait, MaxAttempts: 5, Observer: obs,
		ConfigOptions: []func(*config.LoadOptions) error{config.WithCredentialsProvider(creds)},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// TestSimCredentialsRefused: the real client with a wrong secret, an
// unknown access key, a session token the key does not have, or no
// signature at all. Each call fails after one request, with an error that
// names the credentials problem in the service's words and is permanent.
func TestSimCredentialsRefused(t *testing.T) {
	const (
		signature = "InvalidSignatureException: The request signature we calculated does not match the signature you provided. " +
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
		unknown = "UnrecognizedClientException: The security token included in the request is invalid."
		missing = "MissingAuthenticationTokenException: Missing Authentication Token"
	)
	tests := []struct {
		name  string
		creds aws.CredentialsProvider
		want  string
	}{
		{"wrong secret", credentials.NewStaticCredentialsProvider("AKIDTEST", "wrong", ""), signature},
		{"unknown access key", credentials.NewStaticCredentialsProvider("AKIDNOPE", "secret", ""), unknown},
		{"session token", credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "token"), unknown},
		{"no signature", aws.AnonymousCredentials{}, missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, url := newSim(t, sim.Config{Credentials: map[string]string{"AKIDTEST": "secret"}})
			vc := createConnector(t, s, "vc", "us-east-1")
			obs := &countingObserver{}
			c := clientWith(t, url, tt.creds, obs)
			_, getErr := c.GetOrigination(t.Context(), "us-east-1", vc.ID)
			_, putErr := c.PutOrigination(t.Context(), "us-east-1", vc.ID, &origination.Origination{Disabled: true})
			_, listErr := c.ListConnectors(t.Context(), "us-east-1")
			for subject, err := range map[string]error{
				"get origination of " + vc.ID + " in us-east-1: ": getErr,
				"put origination of " + vc.ID + " in us-east-1: ": putErr,
				"list voice connectors in us-east-1: ":            listErr,
			} {
				want := subject + "AWS refused the credentials: " + tt.want
				if err == nil || err.Error() != want {
					t.Errorf("got %v,\nwant %s", err, want)
				}
				if !IsCredentials(err) || IsTransient(err) || IsNotFound(err) {
					t.Errorf("%s: got IsCredentials %v IsTransient %v IsNotFound %v, want true false false", subject, IsCredentials(err), IsTransient(err), IsNotFound(err))
				}
				if _, ok := errors.AsType[*CredentialsError](err); !ok {
					t.Errorf("%s: got %T, want a *CredentialsError", subject, err)
				}
				if _, ok := errors.AsType[*smithy.GenericAPIError](err); !ok {
					t.Errorf("%s: got %T, want the SDK's *smithy.GenericAPIError inside", subject, err)
				}
			}
			st := s.Stats()
			if st.Total != 3 || st.Count(opGetOrigination, 403) != 1 {
				t.Errorf("got %d requests (%v), want 3 answered 403: none retried", st.Total, st.Requests)
			}
			code, _, _ := strings.Cut(tt.want, ":")
			if got := obs.snapshot()["request us-east-1 GetVoiceConnectorOrigination "+code]; got != 1 {
				t.Errorf("observer: got %v, want one GetVoiceConnectorOrigination %s", obs.snapshot(), code)
			}
		})
	}
}

// TestSimCredentialsAccepted: the right key and secret pass.
func TestSimCredentialsAccepted(t *testing.T) {
	s, url := newSim(t, sim.Config{Credentials: map[string]string{"AKIDTEST": "secret"}})
	vc := createConnector(t, s, "vc", "us-east-1")
	c := clientWith(t, url, credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), nil)
	if _, err := c.GetOrigination(t.Context(), "us-east-1", vc.ID); err != nil {
		t.Errorf("got %v, want no error", err)
	}
}

// frontEndRefusal answers as AWS's front end refuses credentials: 403, the
// type in X-Amzn-ErrorType, the message in a lower-case member; with a Date
// header skew off the client's clock.
func frontEndRefusal(code, message string, skew time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message":%q}`, message)
	}
}

// TestCredentialsNotRetried: every credentials refusal is answered once,
// whatever the attempts allowed, except the SDK's clock skew correction:
// an InvalidSignatureException whose Date shows the client's clock off by
// more than four minutes gets one attempt signed with the corrected time.
func TestCredentialsNotRetried(t *testing.T) {
	tests := []struct {
		code         string
		skew         time.Duration
		wantRequests int
	}{
		{"MissingAuthenticationTokenException", 0, 1},
		{"UnrecognizedClientException", 0, 1},
		{"InvalidSignatureException", 0, 1},
		{"IncompleteSignatureException", 0, 1},
		{"ExpiredTokenException", 0, 1},
		{"UnrecognizedClientException", 10 * time.Minute, 1},
		{"InvalidSignatureException", 10 * time.Minute, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code, " skew ", tt.skew), func(t *testing.T) {
			f := &flaky{ok: frontEndRefusal(tt.code, "refused", tt.skew)}
			c := newTestClient(t, serve(t, f).URL, ClientOptions{MaxAttempts: 5})
			_, err := c.GetConnector(t.Context(), "", testID)
			if got := f.requests(); got != tt.wantRequests {
				t.Errorf("got %d requests, want %d", got, tt.wantRequests)
			}
			if !IsCredentials(err) || IsTransient(err) {
				t.Errorf("got IsCredentials %v IsTransient %v for %v, want true false", IsCredentials(err), IsTransient(err), err)
			}
		})
	}
}
