package diff

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sipops/reconciler/internal/schema"
)

// bigPlan creates origination on n connectors, each with routes routes of
// its own, so that every connector has long details.
func bigPlan(n, routes int) *Plan {
	var desired []schema.DesiredConnector
	lv := map[string]Live{}
	for i := range n {
		key := fmt.Sprintf("vc%04d", i)
		o := orig()
		for j := range routes {
			o.Routes = append(o.Routes, udp(fmt.Sprintf("sbc%d.%s.example.com", j, key), j%2+1, 10+j))
		}
		desired = append(desired, conn(key, o))
		lv[key] = liveAs(fmt.Sprintf("abcdef1ghij2klmno%05d", i), false, nil)
	}
	return Compute(desired, lv)
}

// deletions deletes the origination of n connectors: n traffic-loss
// refusals and a mass-change one.
func deletions(n int) *Plan {
	var desired []schema.DesiredConnector
	lv := map[string]Live{}
	for i := range n {
		key := fmt.Sprintf("lab%04d", i)
		desired = append(desired, absent(key))
		lv[key] = live(orig(udp("sbc1.example.com", 1, 10), udp("sbc2.example.com", 2, 10)))
	}
	return Compute(desired, lv)
}

var leftOutRE = regexp.MustCompile(`Left out: (.*)\. The text or JSON rendering`)

// TestMarkdownLimit renders plans far over the limit: the output must stay
// within it and end with a note whose counts match what is missing.
func TestMarkdownLimit(t *testing.T) {
	tests := []struct {
		name string
		plan *Plan
		// wantLeft are the parts of the note that must be there.
		wantLeft []string
	}{
		{"1,000 connectors changed", fleet(1000, 1000, 0), []string{"connectors' details"}},
		{"1,000 connectors created with 10 routes", bigPlan(1000, 10), []string{"rows of the changes table", "connectors' details"}},
		{"1,000 connectors deleted", deletions(1000), []string{"refused gates", "rows of the changes table", "connectors' details"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.plan.WriteMarkdown(&buf, RenderOptions{Revision: "abc123"}); err != nil {
				t.Fatalf("WriteMarkdown: got %v, want nil", err)
			}
			out := buf.String()
			if n := len(out); n > MarkdownLimit || utf8.RuneCountInString(out) > MarkdownLimit {
				t.Errorf("got %d bytes (%d characters), want at most %d", n, utf8.RuneCountInString(out), MarkdownLimit)
			}
			m := leftOutRE.FindStringSubmatch(out)
			if m == nil || !strings.HasSuffix(out, m[0]+" of the plan has all of it.\n") {
				t.Fatalf("got no truncation note at the end:\n%s", tail(out))
			}
			left := parseLeftOut(t, m[1])
			for _, what := range tt.wantLeft {
				if left[what] == 0 {
					t.Errorf("note %q: got no %q, want some", m[1], what)
				}
			}
			changed := len(tt.plan.Changes)
			checkLeft(t, left, "connectors' details", changed-strings.Count(out, "\n<details>"))
			checkLeft(t, left, "rows of the changes table", changed-countLines(out, "| `vc", "| `lab"))
			checkLeft(t, left, "refused gates", len(tt.plan.Check(Gates{}))-countLines(out, "- **"))
			var again bytes.Buffer
			if err := tt.plan.WriteMarkdown(&again, RenderOptions{Revision: "abc123"}); err != nil || again.String() != out {
				t.Errorf("second rendering: got a different output (error %v), want the same", err)
			}
		})
	}
}

// parseLeftOut reads "3 refused gates, 1 unplanned connector" as counts by
// what, plural or not.
func parseLeftOut(t *testing.T, note string) map[string]int {
	t.Helper()
	singular := map[string]string{
		"refused gate": "refused gates", "unplanned connector": "unplanned connectors",
		"row of the changes table": "rows of the changes table", "preflight result": "preflight results",
		"connector's route changes": "connectors' details",
	}
	left := map[string]int{}
	for part := range strings.SplitSeq(note, ", ") {
		num, what, _ := strings.Cut(part, " ")
		n, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("note part %q: %v", part, err)
		}
		left[cmp.Or(singular[what], what)] = n
	}
	return left
}

func checkLeft(t *testing.T, left map[string]int, what string, want int) {
	t.Helper()
	if got := left[what]; got != want {
		t.Errorf("note counts %d %s, want %d (what is missing from the output)", got, what, want)
	}
}

func countLines(s string, prefixes ...string) int {
	n := 0
	for line := range strings.Lines(s) {
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				n++
			}
		}
	}
	return n
}

func tail(s string) string {
	return s[max(0, len(s)-500):]
}
