package origination

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sipops/reconciler/internal/setting"
)

// shareLines renders ch's traffic effect one share per line.
func shareLines(ch setting.Change) []string {
	var out []string
	for _, t := range Traffic(changeOf(ch)) {
		for _, s := range t.Shares {
			out = append(out, fmt.Sprintf("p%d %s %s → %s", t.Priority, s.Key.Host, percent(s.Before), percent(s.After)))
		}
	}
	return out
}

func TestTraffic(t *testing.T) {
	a, b, c := udp("a", 1, 50), udp("b", 1, 50), udp("c", 1, 50)
	tests := []struct {
		name          string
		before, after *Origination
		want          []string
	}{
		{"third route joins a tier", orig(a, b), orig(a, b, c),
			[]string{"p1 a 50% → 33%", "p1 b 50% → 33%", "p1 c 0% → 33%"}},
		{"weights of three routes", orig(a, b, c), orig(udp("a", 1, 20), udp("b", 1, 30), udp("c", 1, 50)),
			[]string{"p1 a 33% → 20%", "p1 b 33% → 30%", "p1 c 33% → 50%"}},
		{"same shares, new weights", orig(a, b), orig(udp("a", 1, 10), udp("b", 1, 10)), nil},
		{"untouched tier omitted", orig(a, udp("z", 2, 1)), orig(a, b, udp("z", 2, 1)),
			[]string{"p1 a 100% → 50%", "p1 b 0% → 50%"}},
		{"route moves tier", orig(a, b), orig(a, udp("b", 2, 50)),
			[]string{"p1 a 50% → 100%", "p1 b 50% → 0%", "p2 b 0% → 100%"}},
		{"disabled carries nothing", orig(a, b), disabled(orig(a, b)),
			[]string{"p1 a 50% → 0%", "p1 b 50% → 0%"}},
		{"created", nil, orig(a), []string{"p1 a 0% → 100%"}},
		{"tiny shares never round to 0 or 100", orig(udp("a", 1, 1)), orig(udp("a", 1, 1), udp("b", 1, 100), udp("c", 1, 100)),
			[]string{"p1 a 100% → <1%", "p1 b 0% → 50%", "p1 c 0% → 50%"}},
		{"near-total share", orig(udp("a", 1, 1)), orig(udp("a", 1, 100), udp("b", 1, 1)),
			[]string{"p1 a 100% → >99%", "p1 b 0% → <1%"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := plan(want(tt.after), tt.before)
			if got := shareLines(ch); !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestTrafficTiersInPriorityOrder(t *testing.T) {
	ch := plan(want(orig(udp("a", 3, 1), udp("b", 1, 1), udp("c", 2, 1))), nil)
	var got []int
	for _, tier := range Traffic(changeOf(ch)) {
		got = append(got, tier.Priority)
	}
	if want := []int{1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
