package schema

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// spec1 is a one-connector spec whose routes are given as CUE.
func spec1(routes ...string) []File {
	src := fmt.Sprintf("package p\nvoiceConnectors: vc: {\n\tid: \"abcdef1ghij2klmno3pqr4\"\n\torigination: routes: [%s]\n}\n", strings.Join(routes, ", "))
	return []File{{Path: "spec.cue", Data: []byte(src)}}
}

func routeN(n int) []string {
	rs := make([]string, n)
	for i := range rs {
		rs[i] = fmt.Sprintf(`{host: "sbc%d.example.com", protocol: "TCP", priority: 1, weight: 1}`, i)
	}
	return rs
}

func TestBoundaries(t *testing.T) {
	field := func(name string, v int) []File {
		vals := map[string]int{"port": 5060, "priority": 1, "weight": 1}
		vals[name] = v
		return spec1(fmt.Sprintf(`{host: "sbc.example.com", port: %d, protocol: "UDP", priority: %d, weight: %d}`,
			vals["port"], vals["priority"], vals["weight"]))
	}
	tests := []struct {
		name      string
		files     []File
		maxRoutes int
		wantErr   string // "" = valid
	}{
		{"priority 0", field("priority", 0), 0, "priority 0 out of range 1..100"},
		{"priority 1", field("priority", 1), 0, ""},
		{"priority 100", field("priority", 100), 0, ""},
		{"priority 101", field("priority", 101), 0, "priority 101 out of range 1..100"},
		{"weight 0", field("weight", 0), 0, "weight 0 out of range 1..100"},
		{"weight 1", field("weight", 1), 0, ""},
		{"weight 100", field("weight", 100), 0, ""},
		{"weight 101", field("weight", 101), 0, "weight 101 out of range 1..100"},
		{"port 0", field("port", 0), 0, "port 0 out of range 1..65535"},
		{"port 1", field("port", 1), 0, ""},
		{"port 65535", field("port", 65535), 0, ""},
		{"port 65536", field("port", 65536), 0, "port 65536 out of range 1..65535"},
		{"0 routes", spec1(routeN(0)...), 0, "routes is empty"},
		{"1 route", spec1(routeN(1)...), 0, ""},
		{"10 routes", spec1(routeN(10)...), 0, ""},
		{"11 routes", spec1(routeN(11)...), 0, "11 routes exceed the quota of 10"},
		{"11 routes, quota 11", spec1(routeN(11)...), 11, ""},
		{"20 routes, quota 20", spec1(routeN(20)...), 20, ""},
		{"20 routes, default quota", spec1(routeN(20)...), 0, "20 routes exceed the quota of 10"},
		{"21 routes, quota 20", spec1(routeN(21)...), 20, "21 routes, the API allows at most 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := Load(tt.files, LoadOptions{Kinds: kinds(t, tt.maxRoutes)})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want a valid spec", err)
				}
				if len(spec.Connectors) != 1 {
					t.Fatalf("got %d connectors, want 1", len(spec.Connectors))
				}
				return
			}
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("got %v, want an *InvalidError", err)
			}
			if spec != nil {
				t.Errorf("got a spec along with the error, want none")
			}
			if len(inv.Errors) != 1 || !strings.Contains(inv.Errors[0].Message, tt.wantErr) || inv.Errors[0].Line == 0 {
				t.Errorf("got %v, want one positioned error containing %q", inv.Errors, tt.wantErr)
			}
		})
	}
}

func TestNoFiles(t *testing.T) {
	_, err := Load(nil, LoadOptions{Kinds: kinds(t, 0)})
	var inv *InvalidError
	if !errors.As(err, &inv) || inv.Errors[0].Message != "no .cue files found" {
		t.Errorf("got %v, want no .cue files found", err)
	}
}
