package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/schema"
)

// runaway never finishes evaluating: it builds a list of a trillion items.
const runaway = `package p

import "list"

voiceConnectors: vc: {id: "abcdef1ghij2klmno3pqr4", origination: disabled: true}
_huge: [for i in list.Range(0, 1000000000000, 1) {x: i}]
voiceConnectors: vc2: {id: "abcdef1ghij2klmno3pqr5", origination: disabled: len(_huge) > 0}
`

// TestSandbox: the child process gives what schema.Load gives, and a
// revision that never finishes evaluating is stopped by the time or the
// memory bound with a clear error, as an invalid revision.
func TestSandbox(t *testing.T) {
	good := []schema.File{{Path: "a.cue", Data: []byte(specFile(50))}}
	bad := []schema.File{{Path: "a.cue", Data: []byte(strings.Replace(specFile(0), `"UDP"`, `"udp"`, 1))}}
	opts := schema.LoadOptions{DefaultRegion: "us-east-1"}
	tests := []struct {
		name    string
		files   []schema.File
		timeout time.Duration
		memory  uint64
		wantErr string
	}{
		{"valid", good, time.Minute, 1 << 30, ""},
		{"invalid", bad, time.Minute, 1 << 30, `a.cue:4:`},
		{"over the time bound", []schema.File{{Path: "a.cue", Data: []byte(runaway)}}, 2 * time.Second, 64 << 30, "took longer than 2s (--spec-timeout)"},
		{"over the memory bound", []schema.File{{Path: "a.cue", Data: []byte(runaway)}}, 5 * time.Minute, 128 << 20, "needed more than 128 MiB (--spec-memory)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, err := newSandbox(tt.timeout, tt.memory)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			got, err := sb.load(tt.files, opts)
			t.Logf("took %v", time.Since(start).Round(time.Millisecond))
			switch {
			case tt.wantErr == "":
				want, wantErr := schema.Load(tt.files, opts) // in this process: only for specs that finish
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v, %v; want %+v, %v", got, err, want, wantErr)
				}
			default:
				var inv *schema.InvalidError
				if !errors.As(err, &inv) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want an invalid spec error containing %q", err, tt.wantErr)
				}
			}
		})
	}
}
