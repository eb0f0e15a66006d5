// Command vulnfilter reads `govulncheck -format json` on stdin and fails
// when the code calls a vulnerable function of a module it requires. Called
// vulnerabilities of the standard library are listed but do not fail: they
// are fixed by a newer Go toolchain, which is the machine's, not the
// project's, to install (see README, Reliability).
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

type message struct {
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

func main() {
	stdlib, modules, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vulnfilter: %v\n", err)
		os.Exit(2)
	}
	for _, f := range stdlib {
		fmt.Printf("standard library, called: %s (upgrade Go)\n", f)
	}
	for _, f := range modules {
		fmt.Printf("module, called: %s\n", f)
	}
	fmt.Printf("vulnfilter: %d called in the standard library, %d called in required modules\n", len(stdlib), len(modules))
	if len(modules) > 0 {
		os.Exit(1)
	}
}

// read returns the vulnerabilities the code calls, as "ID in module@version,
// fixed in version", split by where they are.
func read(r io.Reader) (stdlib, modules []string, err error) {
	dec := json.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("read govulncheck output: %w", err)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue // not called: the package or module is only imported or required
		}
		t := f.Trace[0]
		s := fmt.Sprintf("%s in %s@%s, fixed in %s", f.OSV, t.Module, t.Version, f.FixedVersion)
		if t.Module == "stdlib" {
			stdlib = append(stdlib, s)
		} else {
			modules = append(modules, s)
		}
	}
	slices.Sort(stdlib)
	slices.Sort(modules)
	return slices.Compact(stdlib), slices.Compact(modules), nil
}
