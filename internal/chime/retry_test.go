package chime

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"
)

func TestRetries(t *testing.T) {
	tests := []struct {
		name          string
		fail          []int
		wantRequests  int
		wantCode      string // "" = success
		wantTransient bool
	}{
		{"429 retried until success", repeat(429, 2), 3, "", false},
		{"500 retried until success", repeat(500, 2), 3, "", false},
		{"503 retried until success", repeat(503, 4), 5, "", false},
		{"mixed faults retried", []int{429, 503, 500}, 4, "", false},
		{"400 not retried", []int{400}, 1, "BadRequestException", false},
		{"403 not retried", []int{403}, 1, "ForbiddenException", false},
		{"401 not retried", []int{401}, 1, "UnauthorizedClientException", false},
		{"404 not retried", []int{404}, 1, "NotFoundException", false},
		{"503 gives up after max attempts", repeat(503, 30), DefaultMaxAttempts, "ServiceUnavailableException", true},
		{"429 gives up after max throttle attempts", repeat(429, 30), DefaultMaxThrottleAttempts, "ThrottledClientException", true},
		{"throttles do not spend the 5xx budget", append(repeat(429, 24), repeat(503, 9)...), 34, "", false},
		{"5xx do not spend the throttle budget", append(repeat(503, 9), repeat(429, 24)...), 34, "", false},
		{"throttles then 5xx to the end", append(repeat(429, 3), repeat(503, 30)...), 3 + DefaultMaxAttempts, "ServiceUnavailableException", true},
		{"connection reset counts as a 5xx", append(repeat(resetConn, 9), 503), DefaultMaxAttempts, "ServiceUnavailableException", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &flaky{fail: tt.fail, ok: answer(200, `{"VoiceConnector":{"VoiceConnectorId":"x"}}`)}
			c := newTestClient(t, serve(t, f).URL, ClientOptions{})
			_, err := c.GetConnector(t.Context(), "", testID)
			if got := f.requests(); got != tt.wantRequests {
				t.Errorf("got %d requests, want %d", got, tt.wantRequests)
			}
			if got := apiCode(err); got != tt.wantCode {
				t.Errorf("got error code %q, want %q (err %v)", got, tt.wantCode, err)
			}
			if got := IsTransient(err); got != tt.wantTransient {
				t.Errorf("got IsTransient %v, want %v", got, tt.wantTransient)
			}
		})
	}
}

func TestGivingUpKeepsTypedError(t *testing.T) {
	f := &flaky{fail: repeat(429, 9), ok: answer(200, `{}`)}
	c := newTestClient(t, serve(t, f).URL, ClientOptions{MaxThrottleAttempts: 3})
	_, err := c.GetOrigination(t.Context(), "", testID)
	if _, ok := errors.AsType[*types.ThrottledClientException](err); !ok {
		t.Errorf("got %v, want a *types.ThrottledClientException inside", err)
	}
	if maxErr, ok := errors.AsType[*retry.MaxAttemptsError](err); !ok || maxErr.Attempt != 3 {
		t.Errorf("got %v, want a MaxAttemptsError after 3 attempts", err)
	}
	if _, ok := errors.AsType[smithy.APIError](err); !ok {
		t.Errorf("got %T, want a smithy.APIError inside", err)
	}
	if got := f.requests(); got != 3 {
		t.Errorf("got %d requests, want 3", got)
	}
}

// TestNoRetryQuota makes more failing calls on one client than the SDK's
// default retry quota (500 tokens, 14 per retry) allows; every call must
// still get all its attempts.
func TestNoRetryQuota(t *testing.T) {
	const calls, attempts = 40, 3
	f := &flaky{fail: repeat(503, calls*attempts), ok: answer(200, `{}`)}
	c := newTestClient(t, serve(t, f).URL, ClientOptions{MaxAttempts: attempts})
	for range calls {
		_, _ = c.GetOrigination(t.Context(), "", testID)
	}
	if got, want := f.requests(), calls*attempts; got != want {
		t.Errorf("got %d requests, want %d", got, want)
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	var answered atomic.Bool
	f := &flaky{ok: func(w http.ResponseWriter, r *http.Request) {
		if answered.CompareAndSwap(false, true) { // the first attempt
			<-r.Context().Done() // hang until the client gives up
			return
		}
		answer(200, `{}`)(w, r)
	}}
	c := newTestClient(t, serve(t, f).URL, ClientOptions{Timeout: 100 * time.Millisecond})
	if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
		t.Fatalf("GetOrigination: got %v, want success on the second attempt", err)
	}
	if got := f.requests(); got != 2 {
		t.Errorf("got %d requests, want 2", got)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	arrived := make(chan struct{}, 10)
	f := &flaky{fail: repeat(503, 10), ok: answer(200, `{}`)}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ServeHTTP(w, r)
		arrived <- struct{}{}
	})
	slow := retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Minute, nil })
	obs := &countingObserver{}
	c := newTestClient(t, serve(t, h).URL, ClientOptions{Backoff: slow, Observer: obs})
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-arrived; cancel() }()

	start := time.Now()
	_, err := c.GetOrigination(ctx, "", testID)
	elapsed := time.Since(start)
	if elapsed > 5*time.Second {
		t.Errorf("got return after %v, want prompt return on cancel", elapsed)
	}
	if !errors.Is(err, context.Canceled) || IsTransient(err) {
		t.Errorf("got %v (transient %v), want context.Canceled, not transient", err, IsTransient(err))
	}
	if got := obs.snapshot()["request us-east-1 GetVoiceConnectorOrigination RequestCanceled"]; got != 1 {
		t.Errorf("got %d canceled requests observed, want 1: %v", got, obs.snapshot())
	}
	t.Logf("returned %v after cancel during a 1m backoff", elapsed)
}

func TestCallTimeoutDuringBackoff(t *testing.T) {
	f := &flaky{fail: repeat(503, 10), ok: answer(200, `{}`)}
	slow := retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Minute, nil })
	c := newTestClient(t, serve(t, f).URL, ClientOptions{Backoff: slow, CallTimeout: 200 * time.Millisecond})
	_, err := c.GetOrigination(t.Context(), "", testID)
	if !errors.Is(err, context.DeadlineExceeded) || !IsTransient(err) {
		t.Errorf("got %v (transient %v), want a deadline error that is transient", err, IsTransient(err))
	}
}

// TestThrottleBackoffBase checks that ThrottledClientException gets the
// SDK's throttle backoff (base 1 s) rather than the 50 ms of other errors.
func TestThrottleBackoffBase(t *testing.T) {
	r := newRetryer(ClientOptions{MaxAttempts: 5, MaxBackoff: time.Minute})
	longest := func(err error) time.Duration {
		var m time.Duration
		for range 200 {
			d, _ := r.RetryDelay(1, err)
			m = max(m, d)
		}
		return m
	}
	if got := longest(&types.ThrottledClientException{}); got <= 50*time.Millisecond || got >= time.Second {
		t.Errorf("throttle: got longest first delay %v, want within (50ms, 1s)", got)
	}
	if got := longest(&types.ServiceUnavailableException{}); got >= 50*time.Millisecond {
		t.Errorf("5xx: got longest first delay %v, want under 50ms", got)
	}
}

// TestThrottleBackoffCap: late retries of a throttle wait at most
// maxThrottleBackoff, those of a 5xx up to MaxBackoff.
func TestThrottleBackoffCap(t *testing.T) {
	r := newRetryer(ClientOptions{MaxBackoff: 20 * time.Second}.withDefaults())
	longest := func(err error) time.Duration {
		var m time.Duration
		for range 500 {
			d, _ := r.RetryDelay(20, err)
			m = max(m, d)
		}
		return m
	}
	if got := longest(&types.ThrottledClientException{}); got > maxThrottleBackoff || got < maxThrottleBackoff/2 {
		t.Errorf("throttle: got longest 20th delay %v, want up to %v", got, maxThrottleBackoff)
	}
	if got := longest(&types.ServiceUnavailableException{}); got <= maxThrottleBackoff || got > 20*time.Second {
		t.Errorf("5xx: got longest 20th delay %v, want within (%v, 20s]", got, maxThrottleBackoff)
	}
}
