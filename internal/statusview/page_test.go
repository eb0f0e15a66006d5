package statusview

import (
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/statusview/pagetest"
	"github.com/sipops/reconciler/internal/suspension"
)

var now = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// kinds are the settings of the page: origination, with its defaults.
var kinds = func() []setting.Kind {
	k, err := origination.New(origination.Options{})
	if err != nil {
		panic(err)
	}
	return []setting.Kind{k}
}()

// withOrigination is the settings of a connector whose spec asks desired
// of origination, and whose live origination is live.
func withOrigination(desired, live *origination.Origination, differs bool) []daemon.SettingStatus {
	s := daemon.SettingStatus{Kind: kinds[0], Differs: differs}
	if desired != nil {
		s.Desired = desired
	}
	if live != nil {
		s.Live = live
	}
	return []daemon.SettingStatus{s}
}

// injected is an error text a hostile or careless upstream could produce;
// the page must show it as text, never run it.
const injected = `put origination: <script>alert("x")</script> throttled`

// overview is a loop state with one of everything the page shows: a
// connector in sync with two routes sharing a tier 60/40, a failed one, a
// newest revision both invalid and held, and one change.
func overview() daemon.Overview {
	live := &origination.Origination{Routes: []origination.Route{
		{Host: "sbc2.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 40},
		{Host: "sbc1.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 60},
	}}
	retry := now.Add(30 * time.Second)
	change := daemon.AppliedChange{Time: now.Add(-2 * time.Minute), Revision: "sha256:0123456789abcdef0123", Trigger: "revision",
		Key: "east", ID: "abcdef0123456789", Setting: origination.Name, Action: setting.Put, After: live}
	return daemon.Overview{
		Source:      "git https://git.example.com/voice/specs.git",
		SourceError: "fetch https://git.example.com/voice/specs.git: connection refused",
		LastGood:    &daemon.Revision{ID: "sha256:0123456789abcdef0123", Accepted: now.Add(-2 * time.Minute)},
		Current:     &daemon.Revision{ID: "fedcba9876543210fedc"},
		Invalid:     []schema.Diagnostic{{File: "origination.cue", Line: 4, Column: 12, Message: `protocol: "udp" is not "TCP" or "UDP"`}},
		Held:        []diff.Violation{{Kind: setting.TrafficLoss, Keys: []string{"east"}, Message: "east would lose every route (--allow-traffic-loss)"}},
		Ready:       true,
		LastSync:    now.Add(-5 * time.Second),
		LastSuccess: now.Add(-5 * time.Second),
		Drift:       "correct",
		Connectors: []daemon.ConnectorStatus{
			{Key: "east", ID: "abcdef0123456789", Name: "vc-east", Region: "us-east-1", State: daemon.StateInSync, Settings: withOrigination(live, live, false), LastChange: &change},
			{Key: "west", Name: "vc-west", Region: "us-west-2", State: daemon.StateFailed, Settings: withOrigination(live, nil, false), Error: injected, NextRetry: &retry, Failures: 2},
		},
		Changes: []daemon.AppliedChange{change},
		Counts:  map[daemon.ConnectorState]int{daemon.StateInSync: 1, daemon.StateDrifted: 0, daemon.StateFailed: 1, daemon.StatePending: 0},
	}
}

func serve(t *testing.T, path string) *http.Response {
	t.Helper()
	h := New(overview, 10*time.Second, kinds)
	h.now = func() time.Time { return now }
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Result()
}

func TestServeHTTP(t *testing.T) {
	for _, tc := range []struct {
		path        string
		code        int
		contentType string
	}{
		{"/", http.StatusOK, "text/html; charset=utf-8"},
		{"/index.html", http.StatusNotFound, "text/plain; charset=utf-8"},
		{"/status/", http.StatusNotFound, "text/plain; charset=utf-8"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp := serve(t, tc.path)
			if resp.StatusCode != tc.code {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tc.code)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type: got %q, want %q", got, tc.contentType)
			}
		})
	}
}

func page(t *testing.T) (string, *pagetest.Node) {
	t.Helper()
	b, err := io.ReadAll(serve(t, "/").Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), pagetest.Parse(t, b)
}

func TestPageConnectors(t *testing.T) {
	_, doc := page(t)
	for _, tc := range []struct {
		key, state string
		shows      []string // text of the row, in any order
	}{
		{"east", "in_sync", []string{"vc-east · us-east-1 abcdef0123456789", "sbc1.example.com", "sbc2.example.com", "2m0s ago", "put on revision, revision 0123456789ab"}},
		{"west", "failed", []string{"vc-west · us-west-2", injected, "retry 09:30:30", "no origination"}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			rows := doc.With("tr.connector", "data-key", tc.key)
			if len(rows) != 1 {
				t.Fatalf("got %d rows with data-key=%q, want 1", len(rows), tc.key)
			}
			row := rows[0]
			if got := row.Attr["data-state"]; got != tc.state {
				t.Errorf("data-state: got %q, want %q", got, tc.state)
			}
			if got := len(row.All("span.state." + tc.state)); got != 1 {
				t.Errorf("got %d state badges with class %q, want 1", got, tc.state)
			}
			text := row.Content()
			for _, s := range tc.shows {
				if !strings.Contains(text, s) {
					t.Errorf("row shows %q, want it to contain %q", text, s)
				}
			}
		})
	}
}

// TestPageOrder: connectors that need attention come before those in sync,
// whatever their keys.
func TestPageOrder(t *testing.T) {
	_, doc := page(t)
	var got []string
	for _, row := range doc.All("tr.connector") {
		got = append(got, row.Attr["data-key"])
	}
	if want := []string{"west", "east"}; !slices.Equal(got, want) {
		t.Errorf("rows: got %v, want %v", got, want)
	}
}

func TestPageShares(t *testing.T) {
	_, doc := page(t)
	row := doc.With("tr.connector", "data-key", "east")[0]
	got := map[string]string{}
	for _, tr := range row.All("table.routes")[0].All("tr")[1:] {
		cells := tr.All("td")
		got[cells[0].Content()] = cells[len(cells)-1].Content()
	}
	for host, want := range map[string]string{"sbc1.example.com": "60%", "sbc2.example.com": "40%"} {
		if got[host] != want {
			t.Errorf("share of %s: got %q, want %q (all: %v)", host, got[host], want, got)
		}
	}
}

func TestPageText(t *testing.T) {
	_, doc := page(t)
	text := doc.Content()
	for _, tc := range []struct{ what, want string }{
		{"counts", "Connectors (1 in sync, 0 drifted, 1 failed, 0 pending, 0 suspended)"},
		{"revision in force", "revision in force 0123456789ab accepted 2m0s ago"},
		{"diagnostic", `origination.cue:4:12: protocol: "udp" is not "TCP" or "UDP"`},
		{"violation", "[traffic-loss] east would lose every route (--allow-traffic-loss)"},
		{"change log", "east 0123456789ab revision put none → sbc1.example.com:5060/UDP p1 w60"},
		{"readiness", "ready"},
		{"source error", "source cannot be read, the revision in force stays: fetch https://git.example.com/voice/specs.git: connection refused"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			if !strings.Contains(text, tc.want) {
				t.Errorf("page shows %q, want it to contain %q", text, tc.want)
			}
		})
	}
	if got := len(doc.With("table", "id", "changes")[0].All("tr")); got != 2 {
		t.Errorf("change log: got %d rows, want a header and 1 change", got)
	}
	if len(doc.With("table", "id", "suspensions")) != 0 {
		t.Error("a table of suspensions without any")
	}
}

// TestPageSuspended: a suspended connector is listed with who, why and for
// how long, its row says its live routes differ from the spec and which
// the spec wants, and the change log shows the suspension. A suspension of
// a connector the spec does not name is listed too.
func TestPageSuspended(t *testing.T) {
	o := overview()
	by := suspension.Operator{User: "root", SudoUser: "alice"}
	dr := &origination.Origination{Routes: []origination.Route{{Host: "dr.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 100}}}
	s := suspension.Suspension{Key: "north", Reason: "INC-4242 " + injected, By: by, Since: now.Add(-time.Hour)}
	o.Suspensions = []suspension.Suspension{s, {Key: "old", By: suspension.Operator{User: "bob"}, Since: now.Add(-50 * time.Hour)}}
	want, _ := o.Connectors[0].Settings[0].Desired.(*origination.Origination)
	o.Connectors = append(o.Connectors, daemon.ConnectorStatus{Key: "north", Region: "us-east-1", State: daemon.StateSuspended,
		Settings: withOrigination(want, dr, true), Suspension: &s, Differs: true})
	o.Counts[daemon.StateSuspended] = 1
	o.Changes = append(o.Changes, daemon.AppliedChange{Time: now.Add(-time.Hour), Trigger: daemon.TriggerSuspend, Key: "north",
		Action: setting.Noop, By: &by, Reason: s.Reason})
	h := New(func() daemon.Overview { return o }, 10*time.Second, kinds)
	h.now = func() time.Time { return now }
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	raw := rec.Body.String()
	doc := pagetest.Parse(t, []byte(raw))
	if strings.Contains(raw, injected) {
		t.Error("a reason is not escaped")
	}
	var listed []string
	for _, row := range doc.All("tr.suspension") {
		listed = append(listed, row.Content())
	}
	if want := []string{"north 1h0m0s root (sudo by alice) INC-4242 " + injected, "old 50h0m0s bob —"}; !slices.Equal(listed, want) {
		t.Errorf("suspensions: got %q, want %q", listed, want)
	}
	rows := doc.With("tr.connector", "data-key", "north")
	if len(rows) != 1 || rows[0].Attr["data-state"] != "suspended" || len(rows[0].All("span.state.suspended")) != 1 {
		t.Fatalf("got rows %v, want one suspended row for north", rows)
	}
	for _, want := range []string{"by root (sudo by alice) 1h0m0s ago: INC-4242", "live differs from the spec, which wants sbc1.example.com:5060/UDP p1 w60", "dr.example.com"} {
		if !strings.Contains(rows[0].Content(), want) {
			t.Errorf("row shows %q, want it to contain %q", rows[0].Content(), want)
		}
	}
	var order []string
	for _, row := range doc.All("tr.connector") {
		order = append(order, row.Attr["data-key"])
	}
	if want := []string{"west", "north", "east"}; !slices.Equal(order, want) {
		t.Errorf("rows: got %v, want %v", order, want)
	}
	text := doc.Content()
	for _, want := range []string{"0 pending, 1 suspended)", "north suspend by root (sudo by alice): INC-4242"} {
		if !strings.Contains(text, want) {
			t.Errorf("page shows %q, want it to contain %q", text, want)
		}
	}
}

var (
	externalRE = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`)
	refreshRE  = regexp.MustCompile(`<meta http-equiv="refresh" content="10">`)
)

// TestPageSelfContained: the page loads nothing from elsewhere and runs no
// script, so it works from a jump host with no internet and a strict CSP,
// and an error text cannot inject anything.
func TestPageSelfContained(t *testing.T) {
	raw, _ := page(t)
	for _, tc := range []struct {
		what string
		bad  bool
	}{
		{"a <script element", strings.Contains(strings.ToLower(raw), "<script")},
		{"an external src or href", externalRE.MatchString(raw)},
		{"the injected error unescaped", strings.Contains(raw, injected)},
		{"no meta refresh of 10 s", !refreshRE.MatchString(raw)},
		{"no escaped error", !strings.Contains(raw, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`)},
	} {
		if tc.bad {
			t.Errorf("page has %s", tc.what)
		}
	}
}

// TestPageElection: with leader election the page says who leads; a
// standby shows what it validated for a takeover, and why it cannot
// campaign.
func TestPageElection(t *testing.T) {
	for _, tc := range []struct {
		name     string
		election daemon.ElectionStatus
		want     []string
		wantNot  []string
	}{
		{"leader", daemon.ElectionStatus{Identity: "host-a/10.0.0.1:9750", Leading: true, Leader: "host-a/10.0.0.1:9750", Since: now.Add(-time.Hour)},
			[]string{"Leader election: leader this daemon, host-a/10.0.0.1:9750, holds the lease and writes · since 1h0m0s ago", "revision in force 0123456789ab"},
			[]string{"standby", "validated, ready for a takeover"}},
		{"standby", daemon.ElectionStatus{Identity: "host-b/10.0.0.2:9750", Leader: "host-a/10.0.0.1:9750", Since: now.Add(-time.Minute)},
			[]string{"standby this daemon, host-b/10.0.0.2:9750, validates revisions and writes nothing · leader host-a/10.0.0.1:9750 · since 1m0s ago",
				"revision in force when this daemon last led", "validated, ready for a takeover 76543210fedc"},
			nil},
		{"etcd down", daemon.ElectionStatus{Identity: "host-b", Error: "cannot reach etcd at http://etcd1:2379: " + injected},
			[]string{"leader none seen", "cannot reach etcd at http://etcd1:2379: " + injected}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := overview()
			o.Election, o.Validated = &tc.election, &daemon.Revision{ID: "sha256:76543210fedcba9876"}
			h := New(func() daemon.Overview { return o }, 10*time.Second, kinds)
			h.now = func() time.Time { return now }
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			raw := rec.Body.String()
			text := pagetest.Parse(t, []byte(raw)).Content()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("page shows %q, want it to contain %q", text, w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(text, w) {
					t.Errorf("page shows %q, want no %q", text, w)
				}
			}
			if strings.Contains(raw, injected) {
				t.Error("an error text is not escaped")
			}
		})
	}
	raw, _ := page(t)
	if strings.Contains(raw, "election") {
		t.Error("the page mentions leader election without it")
	}
}

// termination is a second kind of setting for the page, as the next
// managed setting will be: a name, a column and a cell.
type termination struct{ setting.Kind }

func (termination) Name() string   { return "termination" }
func (termination) Column() string { return "allowed CIDRs" }
func (termination) Cell(live setting.Value) template.HTML {
	return template.HTML("<code>" + template.HTMLEscapeString(setting.Format(live)) + "</code>")
}

// cidrs is a value of termination.
type cidrs string

func (c cidrs) Equal(v setting.Value) bool { return v == setting.Value(c) }
func (c cidrs) String() string             { return string(c) }

// TestPageSettings: every kind has its column, in the order of kinds; a
// connector whose spec does not name a setting says so in its cell; with
// more than one kind the page names the setting of a difference and of a
// change.
func TestPageSettings(t *testing.T) {
	o := overview()
	term := daemon.SettingStatus{Kind: termination{}, Desired: cidrs("10.0.0.0/24"), Live: cidrs("10.9.9.0/24"), Differs: true}
	o.Connectors[0].Settings = append(o.Connectors[0].Settings, term)
	o.Connectors[0].Differs = true
	h := New(func() daemon.Overview { return o }, 10*time.Second, append(slices.Clip(kinds), termination{}))
	h.now = func() time.Time { return now }
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	doc := pagetest.Parse(t, rec.Body.Bytes())
	var header []string
	for _, th := range doc.With("table", "id", "connectors")[0].All("tr")[0].All("th") {
		header = append(header, th.Content())
	}
	if want := []string{"connector", "state", "live routes and share of calls", "allowed CIDRs", "last change"}; !slices.Equal(header, want) {
		t.Errorf("columns: got %q, want %q", header, want)
	}
	east := doc.With("tr.connector", "data-key", "east")[0].Content()
	for _, want := range []string{"live differs from the spec, which wants termination 10.0.0.0/24", "10.9.9.0/24", "sbc1.example.com", "put origination on revision"} {
		if !strings.Contains(east, want) {
			t.Errorf("east shows %q, want it to contain %q", east, want)
		}
	}
	if west := doc.With("tr.connector", "data-key", "west")[0].Content(); !strings.Contains(west, "no origination not in the spec") {
		t.Errorf("west shows %q, want its termination cell to say it is not in the spec", west)
	}
	if text := doc.With("table", "id", "changes")[0].Content(); !strings.Contains(text, "revision put origination none → sbc1.example.com") {
		t.Errorf("change log shows %q, want the setting of the change named", text)
	}
}
