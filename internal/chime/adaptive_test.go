package chime

import (
	"errors"
	"math"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// recorder is a controller's apply func that keeps every rate.
type recorder struct{ rates []float64 }

func (r *recorder) apply(perSecond float64) { r.rates = append(r.rates, perSecond) }

// feed answers n attempts that waited for the bucket, one every 1/rate
// seconds from *now, and advances *now.
func feed(a *adaptive, now *time.Time, n int) {
	for range n {
		*now = now.Add(time.Duration(float64(time.Second) / a.current()))
		a.answered(a.sent(true), *now)
	}
}

func near(got, want float64) bool { return math.Abs(got-want) <= 0.02*want }

func TestAdaptiveSlowStart(t *testing.T) {
	rec := &recorder{}
	a := newAdaptive(100, rec.apply)
	if got := rec.rates; !slices.Equal(got, []float64{adaptiveStart}) {
		t.Fatalf("got rates %v at start, want [%v]", got, adaptiveStart)
	}
	now := time.Unix(0, 0)
	// Doubling every 0.5 s of sending at the limit: from 5/s to 10/s in
	// about 3.5 calls.
	var limited float64
	for a.current() < 2*adaptiveStart {
		before := a.current()
		feed(a, &now, 1)
		limited += 1 / before
	}
	if math.Abs(limited-adaptiveDoubling) > 0.2 {
		t.Errorf("got %.2fs of limited sending to double, want about %v", limited, adaptiveDoubling)
	}
	feed(a, &now, 1000)
	if got := a.current(); got != 100 {
		t.Errorf("got %v after 1000 calls, want the ceiling 100", got)
	}
}

// TestAdaptiveGrowsOnlyWhenLimited: answers to attempts that did not wait
// for the bucket say nothing of whether more would pass.
func TestAdaptiveGrowsOnlyWhenLimited(t *testing.T) {
	rec := &recorder{}
	a := newAdaptive(100, rec.apply)
	now := time.Unix(0, 0)
	for range 1000 {
		now = now.Add(time.Second)
		a.answered(a.sent(false), now)
	}
	if got := rec.rates; !slices.Equal(got, []float64{adaptiveStart}) {
		t.Errorf("got rates %v, want only the start", got)
	}
}

func TestAdaptiveCutsOncePerBurst(t *testing.T) {
	rec := &recorder{}
	a := newAdaptive(100, rec.apply)
	now := time.Unix(0, 0)
	feed(a, &now, 40) // well past 20/s
	r := a.current()
	// Three attempts in flight at rate r are throttled: one cut.
	inFlight := []ticket{a.sent(true), a.sent(true), a.sent(true)}
	for _, tk := range inFlight {
		a.throttled(tk, now)
	}
	if got := a.current(); !near(got, r*adaptiveBeta) {
		t.Fatalf("got %v after a burst of throttles at %v, want one cut to %v", got, r, r*adaptiveBeta)
	}
	// An attempt sent after the cut and throttled cuts again.
	a.throttled(a.sent(true), now)
	if got, want := a.current(), r*adaptiveBeta*adaptiveBeta; !near(got, want) {
		t.Errorf("got %v after a throttle at the cut rate, want %v", got, want)
	}
}

func TestAdaptiveFloorAndCeiling(t *testing.T) {
	rec := &recorder{}
	a := newAdaptive(8, rec.apply)
	now := time.Unix(0, 0)
	for range 50 {
		a.throttled(a.sent(true), now)
	}
	if got := a.current(); got != adaptiveFloor {
		t.Errorf("got %v after 50 throttles, want the floor %v", got, adaptiveFloor)
	}
	feed(a, &now, 2000)
	if got := slices.Max(rec.rates); got != 8 {
		t.Errorf("got a highest rate of %v, want the ceiling 8", got)
	}
	if got := newAdaptive(2, rec.apply).current(); got != 2 {
		t.Errorf("got a start of %v under a ceiling of 2, want 2", got)
	}
}

// TestAdaptiveCubic: after a cut from 50/s, the rate climbs back to 50/s
// in adaptiveK seconds of sending, flat near it, then beyond.
func TestAdaptiveCubic(t *testing.T) {
	a := newAdaptive(1000, func(float64) {})
	now := time.Unix(0, 0)
	for a.current() < 50 {
		feed(a, &now, 1)
	}
	a.mu.Lock()
	a.rate = 50 // exactly, for round numbers
	a.mu.Unlock()
	a.throttled(a.sent(true), now)
	if got := a.current(); got != 35 {
		t.Fatalf("got %v after the cut, want 35", got)
	}
	rateAt := func(seconds float64) float64 {
		var elapsed float64
		for elapsed < seconds {
			elapsed += 1 / a.current()
			feed(a, &now, 1)
		}
		return a.current()
	}
	if got := rateAt(adaptiveK / 2); got < 45 || got > 49 {
		t.Errorf("got %v halfway back, want about 46 (concave: most of the way)", got)
	}
	if got := rateAt(adaptiveK / 2); !near(got, 50) {
		t.Errorf("got %v after k, want 50", got)
	}
	if got := rateAt(adaptiveK); got < 55 || got > 70 {
		t.Errorf("got %v k beyond the peak, want about 65", got)
	}
}

// TestAdaptivePeakFromAcceptedRate: after a burst of throttles has cut the
// rate below what the service took over the last second, the curve aims
// at what the service took.
func TestAdaptivePeakFromAcceptedRate(t *testing.T) {
	a := newAdaptive(100, func(float64) {})
	now := time.Unix(0, 0)
	for range 40 { // 20/s for 2 s, not limited: no growth
		now = now.Add(50 * time.Millisecond)
		a.answered(a.sent(false), now)
	}
	for range 4 { // four cuts: 5 -> 1.2/s
		a.throttled(a.sent(true), now)
	}
	a.mu.Lock()
	peak := a.peak
	a.mu.Unlock()
	if peak < 17 || peak > 21 {
		t.Errorf("got a peak of %v, want about the 20/s accepted", peak)
	}
}

func TestMeter(t *testing.T) {
	var m meter
	now := time.Unix(0, 0)
	if _, ok := m.rate(now); ok {
		t.Errorf("got a rate from an empty meter, want none")
	}
	for range 30 {
		now = now.Add(100 * time.Millisecond)
		m.add(now)
	}
	if r, ok := m.rate(now); !ok || r < 9 || r > 11 {
		t.Errorf("got %v, %v after 3 s at 10/s, want about 10", r, ok)
	}
	if r, _ := m.rate(now.Add(5 * time.Second)); r > 0.1 {
		t.Errorf("got %v five seconds later, want about 0", r)
	}
}

// rateRecorder is an Observer and a RateObserver.
type rateRecorder struct {
	countingObserver
	mu    sync.Mutex
	rates map[string][]float64
}

func (o *rateRecorder) RateLimit(region string, perSecond float64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.rates == nil {
		o.rates = map[string][]float64{}
	}
	o.rates[region] = append(o.rates[region], perSecond)
}

func (o *rateRecorder) of(region string) []float64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.rates[region])
}

var _ RateObserver = (*rateRecorder)(nil)

func TestRateObserverFixed(t *testing.T) {
	for _, perSecond := range []float64{20, 0} {
		obs := &rateRecorder{}
		f := &flaky{fail: []int{429}, ok: answer(200, `{}`)}
		c := newTestClient(t, serve(t, f).URL, ClientOptions{APIRate: perSecond, Observer: obs})
		for range 3 {
			if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
				t.Fatal(err)
			}
		}
		if got := obs.of("us-east-1"); !slices.Equal(got, []float64{perSecond}) {
			t.Errorf("APIRate %v: got reported rates %v, want [%v] once", perSecond, got, perSecond)
		}
	}
}

// TestRateObserverAdaptive: each region's controller reports its start,
// its growth while the callers wait for it, and its cut on a throttle.
func TestRateObserverAdaptive(t *testing.T) {
	obs := &rateRecorder{}
	throttle := make(chan bool, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-throttle:
			writeError(w, 429)
		default:
			answer(200, `{}`)(w, r)
		}
	})
	c := newTestClient(t, serve(t, h).URL, ClientOptions{AdaptiveRate: true, APIBurst: 1, Observer: obs})
	var wg sync.WaitGroup
	for range 4 { // four callers: the bucket holds them back
		wg.Go(func() {
			for range 5 {
				if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	grown := obs.of("us-east-1")
	if grown[0] != adaptiveStart || slices.Max(grown) <= adaptiveStart {
		t.Fatalf("got rates %v, want %v first, then growth", grown, adaptiveStart)
	}
	before := grown[len(grown)-1]
	throttle <- true
	if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
		t.Fatal(err)
	}
	after := obs.of("us-east-1")[len(grown):]
	if !slices.Contains(after, before*adaptiveBeta) {
		t.Errorf("got rates %v after a throttle at %v, want a cut to %v", after, before, before*adaptiveBeta)
	}
	if got := obs.of("eu-west-1"); len(got) != 0 {
		t.Errorf("got rates %v for a region never called, want none", got)
	}
}

// TestLimiterDone: a throttle cuts, an answer grows, and an attempt
// without an answer tells nothing.
func TestLimiterDone(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // "cut", "grow", "none"
	}{
		{"success", nil, "grow"},
		{"throttle", sdkError(429, &types.ThrottledClientException{}), "cut"},
		{"5xx", sdkError(503, &types.ServiceUnavailableException{}), "grow"},
		{"validation", sdkError(400, &types.BadRequestException{}), "grow"},
		{"timeout", &attemptTimeoutError{cause: errors.New("hung")}, "none"},
		{"connection", &smithy.OperationError{Err: &smithyhttp.RequestSendError{Err: errors.New("connection reset")}}, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLimiter(ClientOptions{AdaptiveRate: true, APIRateMax: 100, APIBurst: 1}, nil)
			l.done(l.ctl.sent(true), tt.err)
			got := "none"
			switch r := l.ctl.current(); {
			case r < adaptiveStart:
				got = "cut"
			case r > adaptiveStart:
				got = "grow"
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if float64(l.bucket.Limit()) != l.ctl.current() {
				t.Errorf("got bucket rate %v, controller %v, want equal", l.bucket.Limit(), l.ctl.current())
			}
		})
	}
}
