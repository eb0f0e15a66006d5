package setting

import (
	"fmt"
	"io"
)

// Op marks a change in a plan's text: of a connector's setting, or of a
// part of one (a route).
type Op string

// Ops.
const (
	Add    Op = "+"
	Remove Op = "-"
	Modify Op = "~"
)

// ANSI colours of the text rendering.
const (
	Green  = "\x1b[32m"
	Yellow = "\x1b[33m"
	Red    = "\x1b[31m"
	reset  = "\x1b[0m"
)

// Printer writes the lines of a plan's text rendering, in colour on a
// terminal, and keeps the first write error.
type Printer struct {
	w     io.Writer
	color bool
	err   error
}

// NewPrinter returns a printer to w, in colour when color is set.
func NewPrinter(w io.Writer, color bool) *Printer { return &Printer{w: w, color: color} }

// Line writes one line.
func (p *Printer) Line(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
}

// Paint returns s in color, when the printer has colour.
func (p *Printer) Paint(s, color string) string {
	if !p.color {
		return s
	}
	return color + s + reset
}

// Op paints a +, ~ or - marker in its colour: green, yellow, red.
func (p *Printer) Op(op Op) string {
	switch op {
	case Add:
		return p.Paint(string(op), Green)
	case Remove:
		return p.Paint(string(op), Red)
	}
	return p.Paint(string(op), Yellow)
}

// Err is the first error writing a line.
func (p *Printer) Err() error { return p.err }
