package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// check loads the rendered files as `reconciler validate` would and records
// each diagnostic on the connector it is about. Loading them, rather than
// checking the live values in Go, keeps one copy of the rules: whatever the
// loader rejects is reported here, in its words, and nothing else is.
//
// A diagnostic is placed by its position: each connector is one top-level
// declaration, so the line says which. An error that cannot be placed means
// the importer itself wrote something wrong, and fails the import.
func check(files []schema.File, cs []*connector, kinds []setting.Kind) error {
	spec, err := schema.Load(files, schema.LoadOptions{Kinds: kinds})
	var errs, warns []schema.Diagnostic
	if invalid, ok := errors.AsType[*schema.InvalidError](err); ok {
		errs, warns = invalid.Errors, invalid.Warnings
	} else if err != nil {
		return fmt.Errorf("check the imported spec: %w", err)
	} else {
		warns = spec.Warnings
	}
	where, err := locate(files, cs)
	if err != nil {
		return err
	}
	var unplaced []string
	for _, d := range errs {
		c := where.find(d)
		if c == nil {
			unplaced = append(unplaced, d.String())
			continue
		}
		c.problems = append(c.problems, reason(d, c.key))
	}
	if len(unplaced) > 0 {
		return fmt.Errorf("the imported spec is invalid outside any connector (a bug of the importer): %s", strings.Join(unplaced, "; "))
	}
	// Warnings about the spec as a whole (none names a connector) are
	// left to `reconciler validate`.
	for _, d := range warns {
		if c := where.find(d); c != nil {
			c.warnings = append(c.warnings, reason(d, c.key))
		}
	}
	return nil
}

// span is the lines a connector's declaration takes in its file.
type span struct {
	first, last int
	c           *connector
}

// index finds the connector a diagnostic is about.
type index struct {
	spans map[string][]span // by file path
	byKey map[string]*connector
}

// locate parses the rendered files again to learn where each connector's
// declaration is: `voiceConnectors: "key": {...}`, one per connector.
func locate(files []schema.File, cs []*connector) (index, error) {
	idx := index{spans: map[string][]span{}, byKey: map[string]*connector{}}
	for _, c := range cs {
		idx.byKey[c.key] = c
	}
	for _, f := range files {
		file, err := parser.ParseFile(f.Path, f.Data)
		if err != nil {
			return idx, fmt.Errorf("parse the imported %s: %w", f.Path, err)
		}
		for _, decl := range file.Decls {
			if key, ok := connectorKey(decl); ok && idx.byKey[key] != nil {
				s := span{first: decl.Pos().Line(), last: decl.End().Line(), c: idx.byKey[key]}
				idx.spans[f.Path] = append(idx.spans[f.Path], s)
			}
		}
	}
	return idx, nil
}

// connectorKey returns the key of a `voiceConnectors: "key": {...}`
// declaration.
func connectorKey(decl ast.Decl) (string, bool) {
	f, ok := decl.(*ast.Field)
	if !ok {
		return "", false
	}
	if name, _, err := ast.LabelName(f.Label); err != nil || name != "voiceConnectors" {
		return "", false
	}
	st, ok := f.Value.(*ast.StructLit)
	if !ok || len(st.Elts) != 1 {
		return "", false
	}
	inner, ok := st.Elts[0].(*ast.Field)
	if !ok {
		return "", false
	}
	key, _, err := ast.LabelName(inner.Label)
	return key, err == nil
}

// find returns the connector d is about: the one declared at its line or,
// for a diagnostic without a position, the one its message names first
// (the loader starts messages with the quoted key). nil if neither.
func (x index) find(d schema.Diagnostic) *connector {
	for _, s := range x.spans[d.File] {
		if d.Line >= s.first && d.Line <= s.last {
			return s.c
		}
	}
	if d.Line != 0 {
		return nil
	}
	if q, err := strconv.QuotedPrefix(d.Message); err == nil {
		if key, err := strconv.Unquote(q); err == nil {
			return x.byKey[key]
		}
	}
	return nil
}

// reason is the loader's message without the key it starts with, which the
// Problem and the comment give on their own.
func reason(d schema.Diagnostic, key string) string {
	return strings.TrimPrefix(d.Message, strconv.Quote(key)+": ")
}
