package main

import (
	"bytes"
	"strings"
	"testing"
)

const config = `{"config":{"scanner_name":"govulncheck","go_version":"go1.27.3"}}
`

func TestRun(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		code  int
		lines []string // stdout, in order
	}{{
		name:  "no findings",
		in:    config,
		lines: []string{"vulnfilter: 0 called vulnerabilities in the required modules and the standard library of go1.27.3"},
	}, {
		name: "standard library, called",
		in: config + `{"finding":{"osv":"GO-1","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"net/http","function":"Get"},{"module":"example.com/r","package":"example.com/r","function":"main"}]}}
`,
		code: 1,
		lines: []string{
			"called: GO-1 in the standard library of Go v1.27.3, calls net/http.Get, fixed in v1.27.4",
			"vulnfilter: 1 called vulnerabilities in the required modules and the standard library of go1.27.3",
		},
	}, {
		name: "required module, called",
		in: config + `{"finding":{"osv":"GO-2","fixed_version":"v0.2.0","trace":[{"module":"example.com/m","version":"v0.1.0","package":"example.com/m/p","function":"F"}]}}
`,
		code: 1,
		lines: []string{
			"called: GO-2 in example.com/m@v0.1.0, calls example.com/m/p.F, fixed in v0.2.0",
			"vulnfilter: 1 called vulnerabilities in the required modules and the standard library of go1.27.3",
		},
	}, {
		name: "imported or required only, not called",
		in: config + `{"finding":{"osv":"GO-3","fixed_version":"v0.3.0","trace":[{"module":"example.com/n","version":"v0.1.0","package":"example.com/n"}]}}
{"finding":{"osv":"GO-4","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3"}]}}
{"osv":{"id":"GO-3"}}
{"progress":{"message":"Scanning your code"}}
`,
		lines: []string{"vulnfilter: 0 called vulnerabilities in the required modules and the standard library of go1.27.3"},
	}, {
		name: "one line per vulnerability, its symbols merged, sorted by module",
		in: config + `{"finding":{"osv":"GO-6","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"net/http","function":"Get"}]}}
{"finding":{"osv":"GO-6","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"net/http","function":"Get"}]}}
{"finding":{"osv":"GO-6","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"net/http","receiver":"*Client","function":"Do"}]}}
{"finding":{"osv":"GO-5","trace":[{"module":"example.com/m","version":"v0.1.0","package":"example.com/m","receiver":"T","function":"M$1"}]}}
`,
		code: 1,
		lines: []string{
			"called: GO-5 in example.com/m@v0.1.0, calls example.com/m.T.M, no fixed version",
			"called: GO-6 in the standard library of Go v1.27.3, calls net/http.Client.Do, net/http.Get, fixed in v1.27.4",
			"vulnfilter: 2 called vulnerabilities in the required modules and the standard library of go1.27.3",
		},
	}, {
		name: "exported symbols first, the rest counted",
		in: config + `{"finding":{"osv":"GO-7","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"crypto/tls","receiver":"*Conn","function":"handshake"}]}}
{"finding":{"osv":"GO-7","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"crypto/tls","function":"dial"}]}}
{"finding":{"osv":"GO-7","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"net/http","function":"Get"}]}}
{"finding":{"osv":"GO-7","fixed_version":"v1.27.4","trace":[{"module":"stdlib","version":"v1.27.3","package":"net/http","receiver":"*Client","function":"Do"}]}}
`,
		code: 1,
		lines: []string{
			"called: GO-7 in the standard library of Go v1.27.3, calls net/http.Client.Do, net/http.Get, crypto/tls.Conn.handshake and 1 more, fixed in v1.27.4",
			"vulnfilter: 1 called vulnerabilities in the required modules and the standard library of go1.27.3",
		},
	}, {
		name:  "no config message",
		in:    "",
		lines: []string{"vulnfilter: 0 called vulnerabilities in the required modules and the standard library of an unknown Go version"},
	}, {
		name: "not govulncheck JSON",
		in:   "{not json",
		code: 2,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(strings.NewReader(tt.in), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			var lines []string
			if s := strings.TrimSuffix(stdout.String(), "\n"); s != "" {
				lines = strings.Split(s, "\n")
			}
			if strings.Join(lines, "\n") != strings.Join(tt.lines, "\n") {
				t.Errorf("stdout:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tt.lines, "\n"))
			}
			if (code == 2) != (stderr.Len() > 0) {
				t.Errorf("stderr %q with exit code %d", stderr.String(), code)
			}
		})
	}
}
