// Command vulnfilter reads `govulncheck -format json` on stdin and fails
// when the code calls a vulnerable function, of a required module or of the
// standard library alike: releases are built with the Go toolchain that
// go.mod names, so a vulnerability of its standard library ships in the
// binary just as one of a module does, and the fix is a newer toolchain
// line. Findings whose trace stops at a package or module (imported or
// required) do not fail: govulncheck found no call to the vulnerable code.
package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"go/token"
	"io"
	"os"
	"slices"
	"strings"
)

// message is the part of a govulncheck JSON message that vulnfilter reads.
type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
	} `json:"config"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		// Trace starts at the vulnerable symbol and ends at the entry point.
		Trace []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Package  string `json:"package"`
			Function string `json:"function"`
			Receiver string `json:"receiver"`
		} `json:"trace"`
	} `json:"finding"`
}

// vuln is one called vulnerability of one module version.
type vuln struct {
	Module, Version, OSV, Fixed string
	Symbols                     []string // the vulnerable symbols the code calls, exported ones first
}

// shownSymbols is how many called symbols a line names: a vulnerability of
// net/http can be reached through dozens, and one is enough to look for.
const shownSymbols = 3

func (v vuln) String() string {
	where := v.Module + "@" + v.Version
	if v.Module == "stdlib" {
		where = "the standard library of Go " + v.Version
	}
	fixed := "fixed in " + v.Fixed
	if v.Fixed == "" {
		fixed = "no fixed version"
	}
	calls := strings.Join(v.Symbols[:min(len(v.Symbols), shownSymbols)], ", ")
	if n := len(v.Symbols) - shownSymbols; n > 0 {
		calls += fmt.Sprintf(" and %d more", n)
	}
	return fmt.Sprintf("%s in %s, calls %s, %s", v.OSV, where, calls, fixed)
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
}

// run lists the called vulnerabilities on stdout and returns the exit code:
// 0 for none, 1 for any, 2 when the input is not govulncheck's JSON.
func run(in io.Reader, stdout, stderr io.Writer) int {
	goVersion, vulns, err := read(in)
	if err != nil {
		fmt.Fprintf(stderr, "vulnfilter: %v\n", err)
		return 2
	}
	for _, v := range vulns {
		fmt.Fprintf(stdout, "called: %s\n", v)
	}
	fmt.Fprintf(stdout, "vulnfilter: %d called vulnerabilities in the required modules and the standard library of %s\n", len(vulns), cmp.Or(goVersion, "an unknown Go version"))
	if len(vulns) > 0 {
		return 1
	}
	return 0
}

// read returns the Go version govulncheck checked the standard library of
// and the vulnerabilities the code calls, sorted by module and ID, one per
// module version and ID with the symbols of all its traces.
func read(r io.Reader) (goVersion string, vulns []vuln, err error) {
	type key struct{ module, version, osv string }
	byKey := map[key]*vuln{}
	exported := map[string]bool{}
	dec := json.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", nil, fmt.Errorf("read govulncheck output: %w", err)
		}
		if m.Config != nil {
			goVersion = m.Config.GoVersion
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue // not called: the package or module is only imported or required
		}
		t := f.Trace[0]
		k := key{t.Module, t.Version, f.OSV}
		v := byKey[k]
		if v == nil {
			v = &vuln{Module: t.Module, Version: t.Version, OSV: f.OSV, Fixed: f.FixedVersion}
			byKey[k] = v
		}
		// As govulncheck prints it: package.Receiver.Function, without the
		// pointer star and the $ suffix of a closure.
		recv := strings.TrimPrefix(t.Receiver, "*")
		fn := strings.Split(t.Function, "$")[0]
		sym := t.Package + "." + fn
		if recv != "" {
			sym = t.Package + "." + recv + "." + fn
		}
		if !slices.Contains(v.Symbols, sym) {
			v.Symbols = append(v.Symbols, sym)
			exported[sym] = token.IsExported(fn) && (recv == "" || token.IsExported(recv))
		}
	}
	for _, v := range byKey {
		// Exported symbols first: a name the code can call is the one to
		// look for; unexported ones are reached inside the package.
		slices.SortFunc(v.Symbols, func(a, b string) int {
			if exported[a] != exported[b] {
				if exported[a] {
					return -1
				}
				return 1
			}
			return cmp.Compare(a, b)
		})
		vulns = append(vulns, *v)
	}
	slices.SortFunc(vulns, func(a, b vuln) int {
		return cmp.Or(cmp.Compare(a.Module, b.Module), cmp.Compare(a.Version, b.Version), cmp.Compare(a.OSV, b.OSV))
	})
	return goVersion, vulns, nil
}
