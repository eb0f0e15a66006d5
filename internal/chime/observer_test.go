package chime

import (
	"maps"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/origination"
)

func TestObserverCounts(t *testing.T) {
	const get, put = "GetVoiceConnectorOrigination", "PutVoiceConnectorOrigination"
	tests := []struct {
		name string
		fail []int
		call func(*testing.T, *Client) error
		want map[string]int
	}{
		{"first try", nil, getCall, map[string]int{"request us-east-1 " + get + " ok": 1}},
		{"throttled twice then ok", []int{429, 429}, getCall, map[string]int{
			"request us-east-1 " + get + " ok": 1,
			"retry us-east-1 " + get:           2,
			"throttle us-east-1 " + get:        2,
		}},
		{"5xx is a retry, not a throttle", []int{503, 500}, getCall, map[string]int{
			"request us-east-1 " + get + " ok": 1,
			"retry us-east-1 " + get:           2,
		}},
		{"throttled to the end", repeat(429, 30), getCall, map[string]int{
			"request us-east-1 " + get + " ThrottledClientException": 1,
			"retry us-east-1 " + get:                                 DefaultMaxThrottleAttempts - 1,
			"throttle us-east-1 " + get:                              DefaultMaxThrottleAttempts,
		}},
		{"bad request", []int{400}, putCall, map[string]int{
			"request us-east-1 " + put + " BadRequestException": 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := &countingObserver{}
			f := &flaky{fail: tt.fail, ok: answer(200, `{}`)}
			// The SDK's own backoff, capped low, so this also covers MaxBackoff.
			c := newTestClient(t, serve(t, f).URL, ClientOptions{Observer: obs, MaxBackoff: 5 * time.Millisecond})
			_ = tt.call(t, c)
			if got := obs.snapshot(); !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func getCall(t *testing.T, c *Client) error {
	_, err := c.GetOrigination(t.Context(), "", testID)
	return err
}

func putCall(t *testing.T, c *Client) error {
	_, err := c.PutOrigination(t.Context(), "", testID, &origination.Origination{Disabled: true})
	return err
}
