package schema

import "fmt"

// Diagnostic is one problem found in a spec, located in a file.
type Diagnostic struct {
	// File is relative to the spec directory. Line and Column are 1-based;
	// zero when the problem has no single position.
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func (d Diagnostic) String() string {
	switch {
	case d.File == "":
		return d.Message
	case d.Line == 0:
		return fmt.Sprintf("%s: %s", d.File, d.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Column, d.Message)
}
