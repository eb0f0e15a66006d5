package importer

import (
	"bytes"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/format"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/setting"
)

func vc(key, name, id string, o *origination.Origination) *connector {
	return &connector{
		VoiceConnector: chime.VoiceConnector{
			ID: id, Name: name, Region: "us-east-1", ARN: "arn:aws:chime:us-east-1:123456789012:vc/" + id,
		},
		key:  key,
		live: []setting.Value{live(o)},
	}
}

// live is o as the origination kind reads it: nil for none.
func live(o *origination.Origination) setting.Value {
	if o == nil {
		return nil
	}
	return o
}

func TestRender(t *testing.T) {
	id := func(n int) string { return testID("render", n) }
	disabled := func(o *origination.Origination) *origination.Origination { o.Disabled = true; return o }
	tests := []struct {
		name string
		cs   []*connector
	}{
		{"routes", []*connector{
			// Routes out of order, as a hand-made fake might return them:
			// written by priority, then host.
			vc("sbc-east", "sbc-east", id(1), routes(
				udp("sbc2.east.example.com", 2, 100),
				tcp("sbc1.east.example.com", 5061, 1, 50),
				udp("SBC0.East.Example.COM.", 1, 50),
			)),
			vc("pbx hq.v2", "pbx hq.v2", id(2), routes(tcp("203.0.113.7", 5080, 1, 100))),
		}},
		{"disabled", []*connector{
			vc("lab", "lab", id(1), disabled(routes(udp("kamailio.lab.example.com", 1, 100)))),
			vc("lab-off", "lab-off", id(2), &origination.Origination{Disabled: true}),
		}},
		{"absent", []*connector{vc("unused", "unused", id(1), nil)}},
		{"skipped", func() []*connector {
			c := vc("unused", "unused", id(1), nil)
			c.skipped = true
			return []*connector{vc("used", "used", id(2), routes(udp("sbc.example.com", 1, 1))), c}
		}()},
		{"problem", func() []*connector {
			c := vc("bad", "bad", id(1), routes(udp("sbc_1.example.com", 0, 10)))
			c.problems = []string{
				`origination.routes[0]: priority 0 out of range 1..100`,
				`origination.routes[0]: host "sbc_1.example.com" is not an IPv4 address or an FQDN: label "sbc_1" is not 1-63 letters, digits and inner hyphens`,
			}
			return []*connector{c}
		}()},
		{"duplicate-names", []*connector{
			vc("pbx@"+id(2), "pbx", id(2), routes(udp("b.example.com", 1, 1))),
			vc("pbx@"+id(1), "pbx", id(1), routes(udp("a.example.com", 1, 1))),
		}},
		{"odd-characters", []*connector{
			vc("a \"quoted\" \\(name)", "a \"quoted\" \\(name)\nsecond line", id(1), routes(udp("x\"y\\(z).example.com", 1, 1))),
		}},
		{"empty", nil},
	}
	kind, err := origination.New(origination.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := render("us-east-1", tt.cs, []setting.Kind{kind})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "render/"+tt.name+".cue", got)
			again, err := format.Source(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, got) {
				t.Errorf("not canonical: cue fmt changes it to\n%s", again)
			}
		})
	}
}

// TestQuote checks that what render writes evaluates, in CUE, to the live
// string, whatever it holds.
func TestQuote(t *testing.T) {
	ctx := cuecontext.New()
	for _, s := range []string{"plain", `a"b`, `back\slash`, `\(x)`, "new\nline", "tab\t", "é ünïcode", "#x", "_x", "if", "null"} {
		for _, src := range []string{"x: " + quote(s), quote(s) + ": 1"} {
			v := ctx.CompileString(src)
			if err := v.Err(); err != nil {
				t.Errorf("%q: %s: %v", s, src, err)
				continue
			}
			it, err := v.Fields(cue.All())
			if err != nil {
				t.Fatal(err)
			}
			it.Next()
			got := it.Selector().Unquoted()
			if src[0] == 'x' {
				got, _ = it.Value().String()
			}
			if got != s {
				t.Errorf("%s evaluates to %q, want %q", src, got, s)
			}
		}
	}
}
