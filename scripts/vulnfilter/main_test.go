package main

import (
	"slices"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	in := `{"config":{"scanner_name":"govulncheck"}}
{"finding":{"osv":"GO-1","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"net/http","function":"Get"}]}}
{"finding":{"osv":"GO-1","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"net/http","function":"Get"}]}}
{"finding":{"osv":"GO-2","fixed_version":"v0.2.0","trace":[{"module":"example.com/m","version":"v0.1.0","package":"example.com/m/p","function":"F"}]}}
{"finding":{"osv":"GO-3","fixed_version":"v0.3.0","trace":[{"module":"example.com/n","version":"v0.1.0","package":"example.com/n"}]}}
{"finding":{"osv":"GO-4","trace":[{"module":"stdlib","version":"v1.26.8"}]}}
`
	stdlib, modules, err := read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"GO-1 in stdlib@v1.26.8, fixed in v1.26.9"}; !slices.Equal(stdlib, want) {
		t.Errorf("stdlib: got %q, want %q", stdlib, want)
	}
	if want := []string{"GO-2 in example.com/m@v0.1.0, fixed in v0.2.0"}; !slices.Equal(modules, want) {
		t.Errorf("modules: got %q, want %q", modules, want)
	}
	if _, _, err := read(strings.NewReader("{not json")); err == nil {
		t.Error("got no error for bad input")
	}
}
