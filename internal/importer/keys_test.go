package importer

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
)

func TestAssignKeys(t *testing.T) {
	type in struct{ region, name, id string }
	tests := []struct {
		name string
		in   []in
		want []string // in the order of in
	}{
		{"unique names are kept as they are",
			[]in{{"us-east-1", "pbx hq.v2", "a1"}, {"us-east-1", "sbc-east", "a2"}},
			[]string{"pbx hq.v2", "sbc-east"}},
		{"case makes names distinct",
			[]in{{"us-east-1", "SBC", "a1"}, {"us-east-1", "sbc", "a2"}},
			[]string{"SBC", "sbc"}},
		{"a name used twice in a region gets the id on each",
			[]in{{"us-east-1", "pbx", "a1"}, {"us-east-1", "pbx", "a2"}, {"us-east-1", "other", "a3"}},
			[]string{"pbx@a1", "pbx@a2", "other"}},
		{"a name used in two regions gets the region",
			[]in{{"eu-west-2", "sbc", "b1"}, {"us-east-1", "sbc", "a1"}},
			[]string{"sbc@eu-west-2", "sbc@us-east-1"}},
		{"twice in one region and once in another",
			[]in{{"eu-west-2", "sbc", "b1"}, {"us-east-1", "sbc", "a1"}, {"us-east-1", "sbc", "a2"}},
			[]string{"sbc@eu-west-2", "sbc@a1", "sbc@a2"}},
		{"surrounding spaces are trimmed, and then collide",
			[]in{{"us-east-1", " pbx ", "a1"}, {"us-east-1", "pbx", "a2"}},
			[]string{"pbx@a1", "pbx@a2"}},
		{"no name: the id",
			[]in{{"us-east-1", "", "a1"}, {"us-east-1", "   ", "a2"}},
			[]string{"a1", "a2"}},
		{"unprintable characters are replaced",
			[]in{{"us-east-1", "a\nb\tc", "a1"}},
			[]string{"a_b_c"}},
		{"a name looking like a suffixed key is settled with a counter",
			[]in{{"eu-west-2", "x", "b1"}, {"us-east-1", "x", "a1"}, {"us-east-1", "x@us-east-1", "a2"}},
			[]string{"x@eu-west-2", "x@us-east-1", "x@us-east-1@2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := make([]*connector, len(tt.in))
			for i, c := range tt.in {
				cs[i] = &connector{VoiceConnector: chime.VoiceConnector{Region: c.region, Name: c.name, ID: c.id}}
			}
			sorted := slices.Clone(cs)
			slices.SortFunc(sorted, func(a, b *connector) int {
				return cmp.Or(strings.Compare(a.Region, b.Region), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
			})
			assignKeys(sorted)
			got := make([]string, len(cs))
			for i, c := range cs {
				got[i] = c.key
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("keys %q, want %q", got, tt.want)
			}
		})
	}
}
