package chime

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// model runs the adaptive controller against a modelled service in virtual
// time: workers make calls one after another, each attempt waits for the
// client's bucket, reaches the service after latency, and is throttled when
// the service's bucket for the operation is empty (the simulator's rule:
// rate serviceRate, burst max(1, int(serviceRate))), failed with a 5xx at
// faultRate, or answered. Throttles and 5xx are retried after the port's
// backoff. It takes milliseconds for what takes the simulator a minute.
type model struct {
	serviceRate float64
	faultRate   float64
	calls       int
	workers     int
	latency     time.Duration
	ceiling     float64
	seed        uint64
}

// modelBurst is the client's bucket size: the default of --api-burst.
const modelBurst = 5

type modelResult struct {
	wall      time.Duration
	attempts  int
	throttled int
	rate      float64 // at the end
	failed    int     // calls that ran out of attempts
}

type event struct {
	at     time.Time
	seq    int
	worker int
	kind   int // evReady, evSend, evArrive
	waited bool
	tk     ticket
}

const (
	evReady = iota
	evSend
	evArrive
)

type events []event

func (q events) Len() int { return len(q) }
func (q events) Less(i, j int) bool {
	return q[i].at.Before(q[j].at) || (q[i].at.Equal(q[j].at) && q[i].seq < q[j].seq)
}
func (q events) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *events) Push(x any)   { *q = append(*q, x.(event)) }
func (q *events) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

func (m model) run() modelResult {
	rng := rand.New(rand.NewPCG(m.seed, 1))
	start := time.Unix(1_000_000, 0)
	now := start
	client := rate.NewLimiter(rate.Limit(adaptiveStart), modelBurst)
	ceiling := m.ceiling
	if ceiling == 0 {
		ceiling = DefaultAPIRateMax
	}
	ctl := newAdaptive(ceiling, func(r float64) { client.SetLimitAt(now, rate.Limit(r)) })
	service := rate.NewLimiter(rate.Limit(m.serviceRate), max(1, int(m.serviceRate)))

	var q events
	seq := 0
	push := func(e event) {
		seq++
		e.seq = seq
		heap.Push(&q, e)
	}
	next, done := 0, 0
	type state struct{ throttles, faults, attempt int }
	st := make([]state, m.workers)
	startCall := func(w int, at time.Time) {
		if next == m.calls {
			return
		}
		next++
		st[w] = state{}
		push(event{at: at, worker: w, kind: evReady})
	}
	for w := range m.workers {
		startCall(w, start)
	}
	var res modelResult
	retry := func(e event, throttle bool) {
		s := &st[e.worker]
		s.attempt++
		if throttle {
			s.throttles++
		} else {
			s.faults++
		}
		if s.throttles == DefaultMaxThrottleAttempts || s.faults == DefaultMaxAttempts {
			res.failed++
			done++
			startCall(e.worker, now)
			return
		}
		base, ceil := 50*time.Millisecond, DefaultMaxBackoff
		if throttle {
			base, ceil = time.Second, maxThrottleBackoff
		}
		d := min(base<<(s.attempt-1), ceil)
		push(event{at: now.Add(time.Duration(rng.Float64() * float64(d))), worker: e.worker, kind: evReady})
	}
	for done < m.calls {
		e := heap.Pop(&q).(event)
		now = e.at
		switch e.kind {
		case evReady:
			r := client.ReserveN(now, 1)
			d := r.DelayFrom(now)
			push(event{at: now.Add(d), worker: e.worker, kind: evSend, waited: d > 0})
		case evSend:
			res.attempts++
			push(event{at: now.Add(m.latency), worker: e.worker, kind: evArrive, tk: ctl.sent(e.waited)})
		case evArrive:
			switch {
			case !service.AllowN(now, 1):
				res.throttled++
				ctl.throttled(e.tk, now)
				retry(e, true)
			case rng.Float64() < m.faultRate:
				ctl.answered(e.tk, now)
				retry(e, false)
			default:
				ctl.answered(e.tk, now)
				done++
				startCall(e.worker, now)
			}
		}
	}
	res.wall = now.Sub(start)
	res.rate = ctl.current()
	return res
}

// TestAdaptiveModel checks the controller's dynamics against services of
// rates it is not told, in virtual time (so the numbers are exact and the
// test is quick): it must settle near each rate and keep throttles rare.
// The wall time is compared with the floor, calls / service rate (over the
// share of attempts that are not failed by faults); the first row's
// service allows more than the ceiling, so its floor is at the ceiling.
func TestAdaptiveModel(t *testing.T) {
	tests := []struct {
		m             model
		maxXFloor     float64
		maxThrottled  float64 // percent of attempts
		wantRateAbove float64 // at the end
	}{
		{model{serviceRate: 1000, calls: 1000}, 1.25, 0, DefaultAPIRateMax},
		{model{serviceRate: 100, calls: 1000}, 1.25, 1, 90},
		{model{serviceRate: 70, calls: 2000}, 1.15, 2, 50},
		{model{serviceRate: 30, calls: 3000}, 1.1, 2, 20},
		{model{serviceRate: 10, faultRate: 0.3, calls: 180}, 1.2, 5, 5},
		{model{serviceRate: 5, calls: 200}, 1.2, 5, 3.5},
		{model{serviceRate: 5, calls: 2000}, 1.1, 2, 3.5},
		{model{serviceRate: 2, calls: 100}, 1.35, 7, 1.4},
	}
	for _, tt := range tests {
		m := tt.m
		m.workers, m.latency, m.seed = 8, 20*time.Millisecond, 1
		t.Run(fmt.Sprintf("%g/s %d calls %g%% faults", m.serviceRate, m.calls, 100*m.faultRate), func(t *testing.T) {
			r := m.run()
			floor := float64(m.calls) / min(m.serviceRate, DefaultAPIRateMax) / (1 - m.faultRate)
			xFloor, throttled := r.wall.Seconds()/floor, 100*float64(r.throttled)/float64(r.attempts)
			t.Logf("%.1fs (%.2f x floor), %d attempts, %.1f%% throttled, %d failed, ending at %.1f/s",
				r.wall.Seconds(), xFloor, r.attempts, throttled, r.failed, r.rate)
			if xFloor > tt.maxXFloor || throttled > tt.maxThrottled || r.rate < tt.wantRateAbove || r.failed > 0 {
				t.Errorf("got %.2f x floor, %.1f%% throttled, rate %.1f, %d failed; want at most %.2f x, %.1f%%, a rate of at least %.1f, none failed",
					xFloor, throttled, r.rate, r.failed, tt.maxXFloor, tt.maxThrottled, tt.wantRateAbove)
			}
		})
	}
}
