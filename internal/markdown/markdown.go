// Package markdown writes text into GitHub- and GitLab-flavoured Markdown
// so that it shows as it is: the plan's pull-request comment quotes keys,
// hosts and messages that come from the operator's spec or the service.
//
// It is internal to the reconciler and has no compatibility promise.
package markdown

import (
	"strconv"
	"strings"
	"unicode"
)

// Code renders s as an inline code span, which Markdown shows as is: no
// emphasis, links, mentions or HTML. Its delimiter is longer than any run
// of backticks in s.
func Code(s string) string {
	s = Printable(s)
	if s == "" {
		return ""
	}
	delim := strings.Repeat("`", LongestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return delim + s + delim
}

// Cell is Code for a table cell, where a pipe ends the cell even in a
// code span unless escaped.
func Cell(s string) string {
	return strings.ReplaceAll(Code(s), "|", `\|`)
}

// Text escapes s as Markdown text, table cells included: the punctuation
// Markdown could read as emphasis, code, links, HTML, strikethrough, math,
// mentions, references or a cell boundary gets a backslash, and control
// characters (line breaks) become spaces.
func Text(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]<>|~$&#!@", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Printable returns s, Go-quoted if it has control characters, which would
// break a table row or a list item.
func Printable(s string) string {
	if strings.ContainsFunc(s, unicode.IsControl) {
		return strconv.Quote(s)
	}
	return s
}

// LongestRun is the length of the longest run of c in s.
func LongestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := range len(s) {
		if s[i] != c {
			n = 0
			continue
		}
		n++
		longest = max(longest, n)
	}
	return longest
}
