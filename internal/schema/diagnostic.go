package schema

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue/token"
)

// Diagnostic is one problem found in a spec, located in a file.
type Diagnostic struct {
	// File is relative to the spec directory. Line and Column are 1-based;
	// zero when the problem has no single position.
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Also lists the problem's other positions, as file:line:col, when CUE
	// knows several: a conflict is at both values, which may be in two
	// files. The text ends with them; JSON leaves the field out when empty.
	Also []string `json:"also,omitempty"`
}

func (d Diagnostic) String() string {
	var s string
	switch {
	case d.File == "":
		s = d.Message
	case d.Line == 0:
		s = fmt.Sprintf("%s: %s", d.File, d.Message)
	default:
		s = fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Column, d.Message)
	}
	if len(d.Also) > 0 {
		s += " (also at " + strings.Join(d.Also, ", ") + ")"
	}
	return s
}

func diagAt(pos token.Pos, msg string) Diagnostic {
	d := Diagnostic{Message: msg}
	if pos.IsValid() {
		d.File, d.Line, d.Column = pos.Filename(), pos.Line(), pos.Column()
	}
	return d
}

// location renders the diagnostic's position alone, as file:line:col.
func (d Diagnostic) location() string {
	return fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Column)
}

// diagKey identifies a diagnostic: Diagnostic itself is not comparable.
type diagKey struct {
	file         string
	line, column int
	message      string
	also         string
}

func (d Diagnostic) key() diagKey {
	return diagKey{d.File, d.Line, d.Column, d.Message, fmt.Sprintf("%q", d.Also)}
}
