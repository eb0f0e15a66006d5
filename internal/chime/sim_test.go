package chime

import (
	"errors"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
)

// newSim starts the simulator on loopback.
func newSim(t *testing.T, opts sim.Config) (*sim.Service, string) {
	t.Helper()
	s, err := sim.New(opts)
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func createConnector(t *testing.T, s *sim.Service, name, region string) sim.StoredConnector {
	t.Helper()
	vc, err := s.CreateConnector(name, region, false)
	if err != nil {
		t.Fatalf("CreateConnector: %v", err)
	}
	return vc
}

func TestSimOriginationRoundTrip(t *testing.T) {
	s, url := newSim(t, sim.Config{})
	vc := createConnector(t, s, "sbc-east", "us-east-1")
	c := newTestClient(t, url, ClientOptions{})
	ctx := t.Context()

	if got, err := c.GetOrigination(ctx, "us-east-1", vc.ID); err != nil || got != nil {
		t.Fatalf("before put: got %+v, %v, want nil, nil", got, err)
	}
	desired := &origination.Origination{Routes: []origination.Route{
		{Host: "sbc2.example.com", Protocol: "TCP", Priority: 2, Weight: 50},
		{Host: "198.51.100.10", Port: 5080, Protocol: "UDP", Priority: 1, Weight: 50},
	}}
	put, err := c.PutOrigination(ctx, "us-east-1", vc.ID, desired)
	if err != nil {
		t.Fatalf("PutOrigination: %v", err)
	}
	got, err := c.GetOrigination(ctx, "us-east-1", vc.ID)
	if err != nil {
		t.Fatalf("GetOrigination: %v", err)
	}
	want := desired.Clone().Normalize()
	if !reflect.DeepEqual(put, want) || !reflect.DeepEqual(got, want) {
		t.Errorf("got put %+v and get %+v, want %+v", put, got, want)
	}
	if stored, _ := s.Origination(vc.ID); !origination.Equal(stored, want) {
		t.Errorf("got stored %+v, want %+v", stored, want)
	}
	if err := c.DeleteOrigination(ctx, "us-east-1", vc.ID); err != nil {
		t.Fatalf("DeleteOrigination: %v", err)
	}
	if got, err := c.GetOrigination(ctx, "us-east-1", vc.ID); err != nil || got != nil {
		t.Errorf("after delete: got %+v, %v, want nil, nil", got, err)
	}
}

func TestSimGetConnector(t *testing.T) {
	s, url := newSim(t, sim.Config{})
	vc := createConnector(t, s, "lab", "eu-west-1")
	c := newTestClient(t, url, ClientOptions{})
	got, err := c.GetConnector(t.Context(), "eu-west-1", vc.ID)
	if err != nil {
		t.Fatalf("GetConnector: %v", err)
	}
	want := VoiceConnector{ID: vc.ID, Name: "lab", Region: "eu-west-1", ARN: vc.ARN}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	_, err = c.GetConnector(t.Context(), "eu-west-1", "nosuchconnector0000000")
	if !IsNotFound(err) || s.Stats().Calls("GetVoiceConnector") != 2 {
		t.Errorf("got %v after %d calls, want NotFound after 2", err, s.Stats().Calls("GetVoiceConnector"))
	}
}

func TestSimListAcrossPagesAndRegions(t *testing.T) {
	s, url := newSim(t, sim.Config{})
	for range 250 {
		createConnector(t, s, "vc", "eu-west-1")
	}
	createConnector(t, s, "other", "us-east-1")
	c := newTestClient(t, url, ClientOptions{})
	got, err := c.ListConnectors(t.Context(), "eu-west-1")
	if err != nil {
		t.Fatalf("ListConnectors: %v", err)
	}
	ids := map[string]bool{}
	for _, vc := range got {
		ids[vc.ID] = true
		if vc.Region != "eu-west-1" {
			t.Fatalf("got connector %+v, want only eu-west-1", vc)
		}
	}
	if len(got) != 250 || len(ids) != 250 {
		t.Errorf("got %d connectors (%d distinct), want 250", len(got), len(ids))
	}
	if calls := s.Stats().Calls("ListVoiceConnectors"); calls != 3 {
		t.Errorf("got %d list calls, want 3 pages", calls)
	}
}

// faultsOff is an Observer that turns the simulator's faults off after the
// given number of retries, so a test knows exactly how many attempts failed.
type faultsOff struct {
	countingObserver
	s     *sim.Service
	after int
	once  sync.Once
	seen  int
}

func (o *faultsOff) Retry(region, op string) {
	o.countingObserver.Retry(region, op)
	o.mu.Lock()
	o.seen++
	done := o.seen >= o.after
	o.mu.Unlock()
	if done {
		o.once.Do(func() { o.s.SetFaults(0) })
	}
}

func TestSimRetriesFaultsUntilSuccess(t *testing.T) {
	s, url := newSim(t, sim.Config{FaultRate: 1})
	vc := createConnector(t, s, "vc", "us-east-1")
	obs := &faultsOff{s: s, after: 3}
	c := newTestClient(t, url, ClientOptions{Observer: obs})
	if _, err := c.GetOrigination(t.Context(), "us-east-1", vc.ID); err != nil {
		t.Fatalf("GetOrigination: %v", err)
	}
	st := s.Stats()
	const op = "GetVoiceConnectorOrigination"
	if failed := st.Count(op, 500) + st.Count(op, 503); failed != 3 || st.Count(op, 200) != 1 {
		t.Errorf("got %d faults and %d successes (%v), want 3 and 1", failed, st.Count(op, 200), st.Requests)
	}
}

func TestSimGivesUpAfterMaxAttempts(t *testing.T) {
	s, url := newSim(t, sim.Config{FaultRate: 1})
	vc := createConnector(t, s, "vc", "us-east-1")
	c := newTestClient(t, url, ClientOptions{MaxAttempts: 3})
	_, err := c.PutOrigination(t.Context(), "us-east-1", vc.ID, &origination.Origination{Disabled: true})
	if _, ok := errors.AsType[*retry.MaxAttemptsError](err); !ok || !IsTransient(err) {
		t.Errorf("got %v, want a transient MaxAttemptsError", err)
	}
	if calls := s.Stats().Calls("PutVoiceConnectorOrigination"); calls != 3 {
		t.Errorf("got %d calls, want 3", calls)
	}
}

func TestSimValidationNotRetried(t *testing.T) {
	s, url := newSim(t, sim.Config{})
	vc := createConnector(t, s, "vc", "us-east-1")
	c := newTestClient(t, url, ClientOptions{})
	bad := &origination.Origination{Routes: []origination.Route{{Host: "h", Protocol: "TLS", Priority: 1, Weight: 1}}}
	_, err := c.PutOrigination(t.Context(), "us-east-1", vc.ID, bad)
	if apiCode(err) != "BadRequestException" || IsTransient(err) {
		t.Errorf("got %v (transient %v), want a permanent BadRequestException", err, IsTransient(err))
	}
	if calls := s.Stats().Calls("PutVoiceConnectorOrigination"); calls != 1 {
		t.Errorf("got %d calls, want 1", calls)
	}
}

// TestSimThrottleRetried: the simulator allows 1 call/s; the second call is
// throttled until the bucket refills and must then succeed. The server's 429
// count must match the throttles the Observer saw.
func TestSimThrottleRetried(t *testing.T) {
	s, url := newSim(t, sim.Config{Rate: 1, Burst: 1})
	vc := createConnector(t, s, "vc", "us-east-1")
	obs := &countingObserver{}
	every400ms := retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 400 * time.Millisecond, nil })
	c := newTestClient(t, url, ClientOptions{Observer: obs, Backoff: every400ms})
	for i := range 2 {
		if _, err := c.GetOrigination(t.Context(), "us-east-1", vc.ID); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	const op = "GetVoiceConnectorOrigination"
	st, seen := s.Stats(), obs.snapshot()
	throttled := st.Count(op, 429)
	if throttled == 0 || int64(seen["throttle us-east-1 "+op]) != throttled || int64(seen["retry us-east-1 "+op]) != throttled {
		t.Errorf("got %d 429s on the server, observer %v; want some, all seen as throttles and retries", throttled, seen)
	}
}

// TestSimClientLimiterAvoidsThrottling: a client limited below the
// simulator's rate is never throttled.
func TestSimClientLimiterAvoidsThrottling(t *testing.T) {
	s, url := newSim(t, sim.Config{Rate: 10, Burst: 2})
	vc := createConnector(t, s, "vc", "us-east-1")
	c := newTestClient(t, url, ClientOptions{APIRate: 8, APIBurst: 1})
	start := time.Now()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := c.GetOrigination(t.Context(), "us-east-1", vc.ID); err != nil {
				t.Errorf("GetOrigination: %v", err)
			}
		})
	}
	wg.Wait()
	st := s.Stats()
	t.Logf("16 calls at 8/s against a 10/s simulator: %v, %d throttled", time.Since(start), st.Throttled)
	if st.Throttled != 0 {
		t.Errorf("got %d throttled calls, want 0", st.Throttled)
	}
}
