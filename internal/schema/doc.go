// Package schema turns a directory of CUE files into a validated, defaulted
// Spec: for every Voice Connector it names, how to find it and what each
// of its settings must be. The connector's own fields (id, name, region)
// are the loader's; the block of each setting (origination: ...) is its
// kind's to decode (setting.Kind), on the plain data of package specdata,
// with the loader locating every problem.
//
// The contract is schema.cue (embedded) with each setting's definitions
// (CUE). The loader evaluates the operator's
// CUE as one package, so definitions, comprehensions and defaults work as in
// any CUE, then walks the result in Go and checks every field and rule of the
// contract itself. Walking in Go rather than unifying with the schema has two
// reasons: each error can say exactly what was wanted ("priority 0 out of
// range 1..100") where CUE would say "empty disjunction", and it halves the
// time and memory of a 1,000-connector spec. TestSchemaAgrees keeps the Go
// rules and schema.cue from drifting apart: every table case gets the same
// verdict from both.
//
// A spec with any error yields no Spec at all: nothing from a bad revision may
// be applied.
//
// Every [Diagnostic] is located as file:line:col, relative to the spec
// directory. An error CUE places at several positions, such as a conflict
// between values that may come from two files, is reported once, at its
// first position, and lists the others in [Diagnostic.Also]: as cue vet
// does, it names every value involved, so the operator can tell which one
// to fix.
//
// It is internal to the reconciler and has no compatibility promise.
package schema

import _ "embed"

//go:embed schema.cue
var baseCUE string
