package chime

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// listHandler serves ListVoiceConnectors over n connectors, paging with the
// offset as next-token, and records the max-results of every request.
func listHandler(n int, maxResults *record) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		maxResults.add(q.Get("max-results"))
		size, _ := strconv.Atoi(q.Get("max-results"))
		start, _ := strconv.Atoi(q.Get("next-token"))
		end := min(start+size, n)
		var vcs []map[string]any
		for i := start; i < end; i++ {
			vcs = append(vcs, map[string]any{
				"VoiceConnectorId": fmt.Sprintf("vc%020d", i), "Name": fmt.Sprintf("vc-%d", i),
				"AwsRegion": "eu-west-1", "RequireEncryption": i%2 == 0,
				"VoiceConnectorArn": fmt.Sprintf("arn:aws:chime:eu-west-1:123456789012:vc/vc%020d", i),
			})
		}
		body := map[string]any{"VoiceConnectors": vcs}
		if end < n {
			body["NextToken"] = strconv.Itoa(end)
		}
		writeJSON(w, 200, body)
	}
}

// record collects strings from handler goroutines.
type record struct {
	mu sync.Mutex
	v  []string
}

func (r *record) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.v = append(r.v, s)
}

func (r *record) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.v)
}

func TestListConnectorsReadsAllPages(t *testing.T) {
	var sizes record
	srv := serve(t, listHandler(250, &sizes))
	c := newTestClient(t, srv.URL, ClientOptions{})
	got, err := c.ListConnectors(t.Context(), "eu-west-1")
	if err != nil {
		t.Fatalf("ListConnectors: %v", err)
	}
	if len(got) != 250 {
		t.Fatalf("got %d connectors, want 250", len(got))
	}
	if got := fmt.Sprint(sizes.get()); got != "[100 100 100]" {
		t.Errorf("got max-results %v, want [100 100 100]", got)
	}
	want := VoiceConnector{ID: "vc00000000000000000249", Name: "vc-249", Region: "eu-west-1",
		ARN: "arn:aws:chime:eu-west-1:123456789012:vc/vc00000000000000000249"}
	if got[249] != want {
		t.Errorf("got last %+v, want %+v", got[249], want)
	}
}

func TestGetConnector(t *testing.T) {
	srv := serve(t, answer(200, `{"VoiceConnector":{"VoiceConnectorId":"`+testID+`","Name":"sbc-east",
		"RequireEncryption":true,"VoiceConnectorArn":"arn:aws:chime:us-east-1:123456789012:vc/`+testID+`",
		"CreatedTimestamp":"2019-06-04T18:46:56.508Z"}}`))
	c := newTestClient(t, srv.URL, ClientOptions{})
	got, err := c.GetConnector(t.Context(), "", testID)
	if err != nil {
		t.Fatalf("GetConnector: %v", err)
	}
	// Without AwsRegion in the answer, the region asked is reported.
	want := VoiceConnector{ID: testID, Name: "sbc-east", Region: "us-east-1", RequireEncryption: true,
		ARN: "arn:aws:chime:us-east-1:123456789012:vc/" + testID}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestEndpointFromEnvironment(t *testing.T) {
	for _, name := range []string{"AWS_ENDPOINT_URL_CHIME_SDK_VOICE", "AWS_ENDPOINT_URL"} {
		t.Run(name, func(t *testing.T) {
			f := &flaky{ok: answer(200, `{}`)}
			srv := serve(t, f)
			isolateAWS(t)
			t.Setenv(name, srv.URL)
			c := newClient(t, "", ClientOptions{})
			if _, err := c.GetOrigination(t.Context(), "", testID); err != nil {
				t.Fatalf("GetOrigination: %v", err)
			}
			if got := f.requests(); got != 1 {
				t.Errorf("got %d requests at the endpoint from %s, want 1", got, name)
			}
		})
	}
}

func TestRegionsAreIsolated(t *testing.T) {
	f := &flaky{ok: answer(200, `{}`)}
	// One request per second per region: a second call in the same region
	// would wait a second, one in another region must not.
	c := newTestClient(t, serve(t, f).URL, ClientOptions{APIRate: 1, APIBurst: 1})
	start := time.Now()
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		if _, err := c.GetOrigination(t.Context(), region, testID); err != nil {
			t.Fatalf("GetOrigination in %s: %v", region, err)
		}
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("got %v for one call in each of two regions, want no limiter wait", d)
	}
	if got := fmt.Sprint(f.regionCounts()); got != "map[eu-west-1:1 us-east-1:1]" {
		t.Errorf("got signed regions %s, want one request each in eu-west-1 and us-east-1", got)
	}
	c.mu.Lock()
	n, distinct := len(c.regions), c.regions["us-east-1"] != c.regions["eu-west-1"]
	c.mu.Unlock()
	if n != 2 || !distinct {
		t.Errorf("got %d cached regional clients (distinct %v), want 2 distinct", n, distinct)
	}
}

func TestNoRegion(t *testing.T) {
	isolateAWS(t)
	os.Unsetenv("AWS_REGION")
	c := newClient(t, "http://127.0.0.1:1", ClientOptions{})
	if got := c.DefaultRegion(); got != "" {
		t.Errorf("got default region %q, want none", got)
	}
	if _, err := c.GetOrigination(t.Context(), "", testID); err == nil {
		t.Error("got no error without any region, want one")
	}
}
