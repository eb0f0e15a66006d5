package diff

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/sipops/reconciler/internal/goldentest"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// mixedPlan has one connector of every kind: create, change, delete, disable,
// noop and unknown, plus an encryption violation.
func mixedPlan() *Plan {
	east := orig(udp("sbc1.example.com", 1, 10), udp("198.51.100.7", 1, 10), udp("sbc2.example.com", 2, 100))
	noop := orig(tcp("10.0.0.1", 5060, 1, 1))
	desired := []schema.DesiredConnector{
		conn("sbc-east", orig(udp("sbc1.example.com", 1, 20), udp("sbc2.example.com", 2, 50), tcp("sbc3.example.com", 5061, 2, 50))),
		absent("old-lab"),
		{Key: "new-one", Name: "new-one", Region: "eu-west-2", Settings: []setting.Desired{{Kind: kind, Value: orig(tcp("a.example.net", 5061, 1, 70), tcp("b.example.net", 5061, 1, 30))}}},
		conn("lab", disabled(orig(udp("lab.example.com", 1, 1)))),
		conn("secure", orig(tcp("tls.example.com", 5061, 1, 50), udp("plain.example.com", 1, 50))),
		conn("quiet", noop),
		conn("unread", noop),
	}
	lv := map[string]Live{
		"sbc-east": liveAs("abcdef1ghij2klmno3pqr4", false, east),
		"old-lab":  live(orig(udp("lab1", 1, 1), udp("lab2", 1, 1), udp("lab3", 2, 1))),
		"new-one":  liveAs("zyx987", false, nil),
		"lab":      live(orig(udp("lab.example.com", 1, 1))),
		"secure":   liveAs("", true, orig(tcp("tls.example.com", 5061, 1, 50))),
		"quiet":    live(noop),
	}
	return Compute(desired, lv)
}

// ecReason is the refusal of a change that turns off origination while
// emergency calling is configured.
const ecReason = "emergency calling is configured for this Voice Connector: delete it before disabling or removing origination"

// refusedPlan has a delete and a disable refused one by one, next to a
// change that goes ahead.
func refusedPlan() *Plan {
	a := orig(udp("sbc1.example.com", 1, 50), udp("sbc2.example.com", 1, 50))
	p := Compute([]schema.DesiredConnector{absent("gone"), conn("off", disabled(orig(udp("sbc1.example.com", 1, 50)))), conn("on", orig(udp("sbc1.example.com", 1, 100)))},
		map[string]Live{"gone": liveAs("vc-gone", false, a), "off": liveAs("vc-off", false, orig(udp("sbc1.example.com", 1, 50))), "on": liveAs("vc-on", false, a)})
	p.Refuse("off", origination.Name, ecReason)
	p.Refuse("gone", origination.Name, ecReason)
	return p
}

// refusedOnlyPlan writes nothing: its one change is refused.
func refusedOnlyPlan() *Plan {
	p := Compute([]schema.DesiredConnector{absent("gone")}, map[string]Live{"gone": liveAs("vc-gone", false, orig(udp("sbc1.example.com", 1, 50)))})
	p.Refuse("gone", origination.Name, ecReason)
	return p
}

// escapePlan has keys, ids, hosts and messages with characters Markdown
// would misread.
func escapePlan() *Plan {
	desired := []schema.DesiredConnector{
		conn("pipe|key", orig(udp("sbc|1.example.com", 1, 10))),
		conn("`tick`", orig(udp("a`b.example.com", 1, 10), udp("a```b.example.com", 1, 10))),
		conn("x*y_z<b>&amp;", orig(udp("sbc.example.com", 1, 10))),
		conn("new\nline", orig(udp("sbc.example.com", 1, 10))),
	}
	lv := map[string]Live{
		"pipe|key":      live(nil),
		"`tick`":        live(nil),
		"x*y_z<b>&amp;": liveAs("", true, nil),
	}
	return Compute(desired, lv)
}

func TestGolden(t *testing.T) {
	mixedPreflight := map[origination.Key]origination.Probe{
		{Host: "sbc3.example.com", Port: 5061, Protocol: "TCP"}: {OK: true, Detail: "SIP/2.0 200 OK in 3ms"},
		{Host: "sbc1.example.com", Port: 5060, Protocol: "UDP"}: {OK: false, Detail: "no answer within 2s"},
		{Host: "198.51.100.7", Port: 5060, Protocol: "UDP"}:     {OK: false, Detail: "never shown: removed"},
	}
	tests := []struct {
		name string
		plan *Plan
		opts RenderOptions
		// markdownOnly skips the text and JSON goldens of cases that only
		// differ in what the Markdown rendering shows.
		markdownOnly bool
	}{
		{"mixed", mixedPlan(), RenderOptions{Revision: "abc123"}, false},
		{"mixed_allowed", mixedPlan(), RenderOptions{Revision: "abc123", Gates: Gates{AllowTrafficLoss: true}}, false},
		{"mixed_color", mixedPlan(), RenderOptions{Revision: "abc123", Color: true}, false},
		{"mixed_preflight", preflighted(mixedPlan(), mixedPreflight), RenderOptions{Revision: "abc123"}, false},
		{"mixed_errors", mixedPlan(), RenderOptions{Revision: "abc123", Errors: map[string]error{
			"unread":    errors.New("read origination: AccessDeniedException: not authorized"),
			"not-in-it": errors.New("never shown: not unknown"),
		}}, true},
		{"nochange", fleet(3, 0, 0), RenderOptions{Revision: "0123456789abcdef"}, false},
		{"refused", refusedPlan(), RenderOptions{Revision: "abc123", Gates: Gates{AllowTrafficLoss: true}}, false},
		{"refused_only", refusedOnlyPlan(), RenderOptions{Revision: "abc123"}, false},
		{"masschange", fleet(10, 4, 1), RenderOptions{}, false},
		{"escape", preflighted(escapePlan(), map[origination.Key]origination.Probe{
			{Host: "sbc|1.example.com", Port: 5060, Protocol: "UDP"}: {OK: false, Detail: "SIP/2.0 503 Service | Unavailable <now>"},
		}), RenderOptions{Revision: "`rev|1`", Errors: map[string]error{
			"new\nline": errors.New("resolve: *two* names | `x` <b>\n#1 @ops [a](b) ~c~ $d$ & \\"),
		}}, true},
		{"truncated", bigPlan(300, 10), RenderOptions{Revision: "abc123"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text, js, md bytes.Buffer
			if err := tt.plan.WriteText(&text, tt.opts); err != nil {
				t.Fatalf("WriteText: got %v, want nil", err)
			}
			if err := tt.plan.WriteJSON(&js, tt.opts); err != nil {
				t.Fatalf("WriteJSON: got %v, want nil", err)
			}
			if err := tt.plan.WriteMarkdown(&md, tt.opts); err != nil {
				t.Fatalf("WriteMarkdown: got %v, want nil", err)
			}
			if !tt.markdownOnly {
				golden(t, tt.name+".txt", text.Bytes())
			}
			if !tt.opts.Color && !tt.markdownOnly {
				golden(t, tt.name+".json", js.Bytes())
			}
			if !tt.opts.Color {
				golden(t, tt.name+".md", md.Bytes())
			}
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldentest.Check(t, filepath.Join("testdata", "golden", name), got)
}

func TestJSONIsVersionedAndValid(t *testing.T) {
	var buf bytes.Buffer
	if err := mixedPlan().WriteJSON(&buf, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string `json:"format_version"`
		Changes       []struct {
			Action setting.Action `json:"action"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("Unmarshal: got %v, want nil", err)
	}
	if doc.FormatVersion != FormatVersion || len(doc.Changes) != 6 {
		t.Errorf("got version %q with %d changes, want %q with 6", doc.FormatVersion, len(doc.Changes), FormatVersion)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	p := mixedPlan()
	if err := p.WriteText(failWriter{}, RenderOptions{}); err == nil {
		t.Errorf("WriteText: got nil error, want disk full")
	}
	if err := p.WriteJSON(failWriter{}, RenderOptions{}); err == nil {
		t.Errorf("WriteJSON: got nil error, want disk full")
	}
	if err := p.WriteMarkdown(failWriter{}, RenderOptions{}); err == nil {
		t.Errorf("WriteMarkdown: got nil error, want disk full")
	}
}
