package source

import (
	"reflect"
	"testing"
)

func TestTrailers(t *testing.T) {
	tests := []struct {
		name, msg string
		want      map[string][]string
	}{
		{"none", "add sbc-east\n\nroutes for the new SBC\n", nil},
		{"subject only", "Reconciler-Allow: mass-change\n", nil},
		{"one", "move traffic\n\nReconciler-Allow: mass-change\n",
			map[string][]string{"Reconciler-Allow": {"mass-change"}}},
		{"canonical keys, repeated", "x\n\nbody\n\nreconciler-allow: mass-change\nSigned-off-by: A <a@x>\nRECONCILER-ALLOW: traffic-loss\n",
			map[string][]string{"Reconciler-Allow": {"mass-change", "traffic-loss"}, "Signed-Off-By": {"A <a@x>"}}},
		{"continuation", "x\n\nNote: first\n  second\n", map[string][]string{"Note": {"first second"}}},
		{"not all trailers", "x\n\nReconciler-Allow: mass-change\nbecause we must\n", nil},
		{"comments and CRLF", "x\r\n\r\nKey: v\r\n# comment\r\n", map[string][]string{"Key": {"v"}}},
		{"space in key", "x\n\nnot a: trailer\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := (&Snapshot{Message: tc.msg}).Trailers()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
