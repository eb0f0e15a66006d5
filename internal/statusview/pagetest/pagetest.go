// Package pagetest reads the status page the way a person sees it, for
// tests: the page rendered in-process and the DOM Chromium dumps.
//
// It is enough of a DOM to check rows, classes and text without a dependency
// on an HTML parser: encoding/xml in non-strict mode, with HTML's void
// elements closed and its entities known, reads both forms of the page.
//
// It is internal to the reconciler's tests and has no compatibility promise.
package pagetest

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
)

// Node is an element of a parsed page or, with no Tag, a run of text.
type Node struct {
	Tag  string
	Attr map[string]string
	Kids []*Node
	Text string
}

// Parse reads an HTML page and fails t if it cannot.
func Parse(t testing.TB, b []byte) *Node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	root := &Node{Tag: "#document"}
	stack := []*Node{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root
		}
		if err != nil {
			t.Fatalf("parse page: %v\n%s", err, b)
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &Node{Tag: strings.ToLower(tok.Name.Local), Attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.Attr[strings.ToLower(a.Name.Local)] = a.Value
			}
			top.Kids = append(top.Kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			top.Kids = append(top.Kids, &Node{Text: string(tok)})
		}
	}
}

// All returns the elements under n, in document order, that have the tag
// and every class of sel, written "tag.class1.class2" (no tag: any tag).
func (n *Node) All(sel string) []*Node {
	tag, classes, _ := strings.Cut(sel, ".")
	var out []*Node
	var walk func(*Node)
	walk = func(n *Node) {
		for _, k := range n.Kids {
			if k.Tag != "" && (tag == "" || k.Tag == tag) && k.hasClasses(classes) {
				out = append(out, k)
			}
			walk(k)
		}
	}
	walk(n)
	return out
}

// With returns the elements of All(sel) whose attribute name is value; the
// caller checks how many there are.
func (n *Node) With(sel, name, value string) []*Node {
	var out []*Node
	for _, e := range n.All(sel) {
		if e.Attr[name] == value {
			out = append(out, e)
		}
	}
	return out
}

func (n *Node) hasClasses(classes string) bool {
	have := strings.Fields(n.Attr["class"])
	for c := range strings.SplitSeq(classes, ".") {
		if c != "" && !slices.Contains(have, c) {
			return false
		}
	}
	return true
}

// Content is the text under n with runs of white space collapsed to one
// space, as a person reads it; elements are kept apart by a space, so
// adjacent cells do not run together.
func (n *Node) Content() string {
	var b strings.Builder
	var walk func(*Node)
	walk = func(n *Node) {
		b.WriteString(n.Text)
		for _, k := range n.Kids {
			if k.Tag != "" {
				b.WriteString(" ")
			}
			walk(k)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}
