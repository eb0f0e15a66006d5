package sim_test

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
)

// answer is what a raw HTTP call got back.
type answer struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func keys(t *testing.T, body string) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return slices.Sorted(maps.Keys(m))
}

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestWireErrors(t *testing.T) {
	s, url := start(t, sim.Config{})
	id := mustCreate(t, s, "vc", "us-east-1").ID
	orig := url + "/voice-connectors/" + id + "/origination"
	unsigned := func(h string) *http.Request {
		r, _ := http.NewRequest("GET", orig, nil)
		if h != "" {
			r.Header.Set("Authorization", h)
		}
		return r
	}
	tests := []struct {
		name       string
		req        *http.Request
		status     int
		errorType  string
		code, text string
	}{
		{"no authorization", unsigned(""), 403, "ForbiddenException", "Forbidden", "Signature Version 4"},
		{"bearer token", unsigned("Bearer abc"), 403, "ForbiddenException", "Forbidden", "Signature Version 4"},
		{"no credential", unsigned("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab"), 403, "ForbiddenException", "Forbidden", "credential scope"},
		{"wrong service", unsigned("AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab"), 403, "ForbiddenException", "Forbidden", "'chime'"},
		{"malformed json", signed(t, "PUT", orig, `{"Origination":`, "us-east-1"), 400, "BadRequestException", "BadRequest", "not valid JSON"},
		{"quoted port", signed(t, "PUT", orig, `{"Origination":{"Routes":[{"Host":"h","Port":"5060"}]}}`, "us-east-1"), 400, "BadRequestException", "BadRequest", "Origination.Routes[0].Port must be an integer"},
		{"fractional weight", signed(t, "PUT", orig, `{"Origination":{"Routes":[{"Host":"h","Weight":1.5}]}}`, "us-east-1"), 400, "BadRequestException", "BadRequest", "Origination.Routes[0].Weight must be an integer"},
		{"string disabled", signed(t, "PUT", orig, `{"Origination":{"Disabled":"true"}}`, "us-east-1"), 400, "BadRequestException", "BadRequest", "Origination.Disabled must be a boolean"},
		{"empty protocol", signed(t, "PUT", orig, `{"Origination":{"Routes":[{"Host":"h","Protocol":""}]}}`, "us-east-1"), 400, "BadRequestException", "BadRequest", `Origination.Routes[0].Protocol must be TCP or UDP, got ""`},
		{"empty routes, disabled false", signed(t, "PUT", orig, `{"Origination":{"Routes":[],"Disabled":false}}`, "us-east-1"), 400, "BadRequestException", "BadRequest", "Origination.Routes must hold at least one route unless Disabled is true"},
		{"empty integration type", signed(t, "POST", url+"/voice-connectors", `{"Name":"n","RequireEncryption":true,"IntegrationType":""}`, "us-east-1"), 400, "BadRequestException", "BadRequest", `IntegrationType must be one of CONNECT_CALL_TRANSFER_CONNECTOR, CONNECT_ANALYTICS_CONNECTOR, got ""`},
		{"emergency calling, wrong method", signed(t, "POST", url+"/voice-connectors/"+id+"/emergency-calling-configuration", "{}", "us-east-1"), 405, "UnknownOperationException", "UnknownOperation", "GET, PUT, DELETE"},
		{"lower-case member", signed(t, "PUT", orig, `{"origination":{"Disabled":true}}`, "us-east-1"), 400, "BadRequestException", "BadRequest", "Origination is required"},
		{"array body", signed(t, "PUT", orig, `[]`, "us-east-1"), 400, "BadRequestException", "BadRequest", "JSON object"},
		{"trailing garbage", signed(t, "PUT", orig, `{"Origination":{"Disabled":true}} x`, "us-east-1"), 400, "BadRequestException", "BadRequest", "not valid JSON"},
		{"body over 1 MiB", signed(t, "PUT", orig, `{"x":"`+strings.Repeat("a", 1<<20)+`"}`, "us-east-1"), 400, "BadRequestException", "BadRequest", "larger than"},
		{"empty id", signed(t, "GET", url+"/voice-connectors//origination", "", "us-east-1"), 400, "BadRequestException", "BadRequest", "VoiceConnectorId"},
		{"unknown id", signed(t, "GET", url+"/voice-connectors/abcdefghijabcdefghij12/origination", "", "us-east-1"), 404, "NotFoundException", "NotFound", "abcdefghijabcdefghij12"},
		{"other region", signed(t, "GET", orig, "", "eu-west-1"), 404, "NotFoundException", "NotFound", "eu-west-1"},
		{"unknown route", signed(t, "GET", url+"/voice-connector-groups", "", "us-east-1"), 404, "UnknownOperationException", "UnknownOperation", "no such API route"},
		{"wrong method", signed(t, "POST", orig, "{}", "us-east-1"), 405, "UnknownOperationException", "UnknownOperation", "GET, PUT, DELETE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, tt.req)
			if a.status != tt.status {
				t.Fatalf("status: got %d, want %d (body %s)", a.status, tt.status, a.body)
			}
			if got := a.header.Get("X-Amzn-ErrorType"); got != tt.errorType {
				t.Errorf("X-Amzn-ErrorType: got %q, want %q", got, tt.errorType)
			}
			if got := a.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type: got %q, want application/json", got)
			}
			if got := keys(t, a.body); !slices.Equal(got, []string{"Code", "Message"}) {
				t.Errorf("body keys: got %v, want [Code Message]", got)
			}
			var body struct{ Code, Message string }
			_ = json.Unmarshal([]byte(a.body), &body)
			if body.Code != tt.code || !strings.Contains(body.Message, tt.text) {
				t.Errorf("body: got %s, want Code %q and a Message containing %q", a.body, tt.code, tt.text)
			}
			if id := a.header.Get("x-amzn-RequestId"); !requestIDPattern.MatchString(id) {
				t.Errorf("x-amzn-RequestId: got %q, want a UUID", id)
			}
		})
	}
}

var timestampPattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func TestWireSuccess(t *testing.T) {
	_, url := start(t, sim.Config{})
	a := do(t, signed(t, "POST", url+"/voice-connectors", `{"Name":"wire","RequireEncryption":false}`, "ap-southeast-2"))
	if a.status != 201 {
		t.Fatalf("create: got %d %s, want 201", a.status, a.body)
	}
	var created struct{ VoiceConnector map[string]any }
	if err := json.Unmarshal([]byte(a.body), &created); err != nil {
		t.Fatal(err)
	}
	vc := created.VoiceConnector
	wantKeys := []string{"AwsRegion", "CreatedTimestamp", "Name", "NetworkType", "OutboundHostName", "RequireEncryption", "UpdatedTimestamp", "VoiceConnectorArn", "VoiceConnectorId"}
	if got := slices.Sorted(maps.Keys(vc)); !slices.Equal(got, wantKeys) {
		t.Errorf("VoiceConnector keys: got %v, want %v", got, wantKeys)
	}
	if ts, _ := vc["CreatedTimestamp"].(string); !timestampPattern.MatchString(ts) {
		t.Errorf("CreatedTimestamp: got %v, want ISO 8601 with milliseconds", vc["CreatedTimestamp"])
	}
	id, _ := vc["VoiceConnectorId"].(string)
	if !regexp.MustCompile(`^[a-z0-9]{22}$`).MatchString(id) {
		t.Errorf("VoiceConnectorId: got %q, want 22 lower-case alphanumerics", id)
	}
	orig := url + "/voice-connectors/" + id + "/origination"
	steps := []struct {
		method, url, body string
		status            int
		want              string // exact body
	}{
		{"GET", orig, "", 200, `{}`},
		{"PUT", orig, `{"Origination":{"Routes":[{"Host":"10.0.0.1","Protocol":"UDP","Priority":1,"Weight":5,"Future":1}]}}`, 200,
			`{"Origination":{"Routes":[{"Host":"10.0.0.1","Port":5060,"Protocol":"UDP","Priority":1,"Weight":5}],"Disabled":false}}`},
		{"GET", orig, "", 200, `{"Origination":{"Routes":[{"Host":"10.0.0.1","Port":5060,"Protocol":"UDP","Priority":1,"Weight":5}],"Disabled":false}}`},
		{"PUT", orig, `{"Origination":{"Disabled":true}}`, 200, `{"Origination":{"Routes":[],"Disabled":true}}`},
		{"DELETE", orig, "", 204, ``},
		{"GET", orig, "", 200, `{}`},
		{"GET", url + "/voice-connectors?max-results=1", "", 200, ""},
		{"GET", url + "/voice-connector-regions", "", 200, `{"VoiceConnectorRegions":["us-east-1","us-west-2","ca-central-1","eu-central-1","eu-west-1","eu-west-2","ap-northeast-2","ap-northeast-1","ap-southeast-1","ap-southeast-2"]}`},
		{"DELETE", url + "/voice-connectors/" + id, "", 204, ``},
	}
	for _, st := range steps {
		a := do(t, signed(t, st.method, st.url, st.body, "ap-southeast-2"))
		if a.status != st.status || (st.want != "" || st.status == 204) && a.body != st.want {
			t.Errorf("%s %s: got %d %s, want %d %s", st.method, st.url, a.status, a.body, st.status, st.want)
		}
		if st.status == 204 && a.header.Get("Content-Type") != "" {
			t.Errorf("%s %s: Content-Type on 204: got %q, want none", st.method, st.url, a.header.Get("Content-Type"))
		}
		if a.header.Get("x-amzn-RequestId") == "" {
			t.Errorf("%s %s: no x-amzn-RequestId", st.method, st.url)
		}
	}
}

func TestWireStatsEndpoint(t *testing.T) {
	s, url := start(t, sim.Config{})
	id := mustCreate(t, s, "vc", "us-east-1").ID
	for range 3 {
		do(t, signed(t, "GET", url+"/voice-connectors/"+id+"/origination", "", "us-east-1"))
	}
	do(t, signed(t, "PUT", url+"/voice-connectors/"+id+"/origination", `{"Origination":{"Disabled":true}}`, "us-east-1"))
	do(t, signed(t, "PUT", url+"/voice-connectors/"+id+"/origination", `{}`, "us-east-1"))
	req, _ := http.NewRequest("GET", url+"/_sim/stats", nil)
	a := do(t, req)
	var got sim.Stats
	if err := json.Unmarshal([]byte(a.body), &got); err != nil || a.status != 200 {
		t.Fatalf("stats: got %d %s (%v), want 200 JSON", a.status, a.body, err)
	}
	want := sim.Stats{Requests: map[string]map[string]int64{
		"GetVoiceConnectorOrigination": {"200": 3},
		"PutVoiceConnectorOrigination": {"200": 1, "400": 1},
	}, Total: 5}
	if !statsEqual(got, want) || got.Count("PutVoiceConnectorOrigination", 200) != 1 || got.Calls("PutVoiceConnectorOrigination") != 2 {
		t.Errorf("stats: got %+v, want %+v", got, want)
	}
	req, _ = http.NewRequest("POST", url+"/_sim/reset-stats", nil)
	if a := do(t, req); a.status != 204 || s.Stats().Total != 0 {
		t.Errorf("reset-stats: got %d and total %d, want 204 and 0", a.status, s.Stats().Total)
	}
}

func statsEqual(a, b sim.Stats) bool {
	return a.Total == b.Total && a.Throttled == b.Throttled && a.Faults == b.Faults &&
		maps.EqualFunc(a.Requests, b.Requests, maps.Equal)
}
