package chime

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestLimiterHoldsBurstToRate sends 20 concurrent calls at 10/s with a burst
// of 1: the first goes at once, the other 19 a tenth of a second apart.
func TestLimiterHoldsBurstToRate(t *testing.T) {
	const calls, perSecond = 20, 10.0
	f := &flaky{ok: answer(200, `{}`)}
	c := newTestClient(t, serve(t, f).URL, ClientOptions{APIRate: perSecond, APIBurst: 1})
	start := time.Now()
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
				t.Errorf("GetOrigination: %v", err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	ideal := time.Duration(float64(calls-1) / perSecond * float64(time.Second))
	t.Logf("%d calls at %.0f/s burst 1: %v (ideal %v, observed %.2f req/s)",
		calls, perSecond, elapsed, ideal, float64(calls-1)/elapsed.Seconds())
	if elapsed < ideal*9/10 {
		t.Errorf("got %v for %d calls, want at least %v", elapsed, calls, ideal*9/10)
	}
	if elapsed > ideal*4 {
		t.Errorf("got %v for %d calls, want well under %v", elapsed, calls, ideal*4)
	}
}

// TestLimiterCoversRetries checks that retried attempts also wait for the
// limiter: 5 attempts at 20/s burst 1 need 4 intervals of 50 ms.
func TestLimiterCoversRetries(t *testing.T) {
	f := &flaky{fail: repeat(503, 4), ok: answer(200, `{}`)}
	c := newTestClient(t, serve(t, f).URL, ClientOptions{APIRate: 20, APIBurst: 1})
	start := time.Now()
	if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
		t.Fatalf("GetOrigination: %v", err)
	}
	elapsed := time.Since(start)
	t.Logf("5 attempts at 20/s: %v", elapsed)
	if want := 180 * time.Millisecond; elapsed < want || f.requests() != 5 {
		t.Errorf("got %d attempts in %v, want 5 in at least %v", f.requests(), elapsed, want)
	}
}

func TestCancelDuringLimiterWait(t *testing.T) {
	f := &flaky{ok: answer(200, `{}`)}
	// One token every 100 s: the second call can only wait.
	c := newTestClient(t, serve(t, f).URL, ClientOptions{APIRate: 0.01, APIBurst: 1})
	if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
		t.Fatalf("first GetOrigination: %v", err)
	}
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(t.Context(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			_, err := c.GetOrigination(ctx, "", testID)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("got return after %v, want prompt", d)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if got := f.requests(); got != 1 {
		t.Errorf("got %d requests, want 1 (waiting calls must not send)", got)
	}
}
