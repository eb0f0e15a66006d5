package sim

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestSpikes: with SpikeRate, about that fraction of calls wait Spike more,
// the others do not, and SetSpikes turns them off.
func TestSpikes(t *testing.T) {
	const spike = 30 * time.Millisecond
	s, err := New(Config{SpikeRate: 0.25, Spike: spike, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	call := func() time.Duration {
		req := httptest.NewRequest("GET", "/voice-connector-regions", nil)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, Signature=ab")
		start := time.Now()
		s.ServeHTTP(httptest.NewRecorder(), req)
		return time.Since(start)
	}
	const n = 80
	slow := 0
	for range n {
		if call() >= spike {
			slow++
		}
	}
	// 25% of 80 is 20; a binomial spread of ±3σ (about 12) stays far from
	// none and from all.
	if slow < 8 || slow > 32 {
		t.Errorf("spiked calls: got %d of %d, want about %d", slow, n, n/4)
	}
	s.SetSpikes(0, spike)
	for range 10 {
		if d := call(); d >= spike {
			t.Fatalf("after SetSpikes(0): a call took %v", d)
		}
	}
	if _, err := New(Config{SpikeRate: 1.5}); err == nil {
		t.Error("SpikeRate 1.5: got no error")
	}
}
