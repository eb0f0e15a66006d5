package schema

import (
	"fmt"
	"strings"
	"testing"
)

// generate writes a spec of n connectors with routes routes each, spread over
// files of 100 connectors. With templates, routes share a CUE definition with
// defaults, as operators write them by hand; without, every field is given,
// as a generator would write them.
func generate(n, routes int, templates bool) []File {
	tmpl := "#SBC & {"
	if !templates {
		tmpl = "{port: 5060, protocol: \"UDP\", weight: 10, "
	}
	files := []File{{Path: "defs.cue", Data: []byte("package gen\n\n#SBC: {port: *5060 | int, protocol: *\"UDP\" | \"TCP\", weight: *10 | int, ...}\n")}}
	var b strings.Builder
	for i := range n {
		if i%100 == 0 {
			b.Reset()
			b.WriteString("package gen\n\nvoiceConnectors: {\n")
		}
		fmt.Fprintf(&b, "\t\"vc-%05d\": {\n\t\tid: \"vc%020d\"\n\t\torigination: routes: [\n", i, i)
		for j := range routes {
			fmt.Fprintf(&b, "\t\t\t%shost: \"sbc%d.pop%d.example.com\", priority: %d},\n", tmpl, j, i%50, 1+j/2)
		}
		b.WriteString("\t\t]\n\t}\n")
		if i%100 == 99 || i == n-1 {
			b.WriteString("}\n")
			files = append(files, File{Path: fmt.Sprintf("part-%03d.cue", i/100), Data: []byte(b.String())})
		}
	}
	return files
}

// BenchmarkLoad1000x10 loads 1,000 connectors of 10 routes. The goal is
// 0.5 s and 150 MB peak RSS on a 2-core machine; measure RSS with
//
//	go test -c -o /tmp/schema.test ./schema
//	/usr/bin/time -v /tmp/schema.test -test.run '^$' -test.bench Load1000x10 -test.benchtime 1x
func BenchmarkLoad1000x10(b *testing.B) {
	b.Run("literal", func(b *testing.B) { benchLoad(b, generate(1000, 10, false)) })
	b.Run("templates", func(b *testing.B) { benchLoad(b, generate(1000, 10, true)) })
}

func benchLoad(b *testing.B, files []File) {
	b.ReportAllocs()
	for b.Loop() {
		spec, err := Load(files, LoadOptions{Kinds: kinds(b, 0)})
		if err != nil {
			b.Fatal(err)
		}
		if len(spec.Connectors) != 1000 {
			b.Fatalf("got %d connectors, want 1000", len(spec.Connectors))
		}
	}
}
