// Package envfile reads environment files as systemd's EnvironmentFile=
// does (systemd.exec(5)), so that what the daemon takes from its
// --env-file and what systemd puts in its environment agree. Where systemd
// would silently ignore a line, or where its versions disagree, it is an
// error naming the file and the line.
//
// It is internal to the reconciler and has no compatibility promise.
package envfile

import (
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// Assignment is one KEY=value of an environment file.
type Assignment struct {
	Key, Value string
	Line       int // where the key starts, 1-based
}

// Read reads and parses the environment file at path.
func Read(path string) ([]Assignment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read environment file: %w", err)
	}
	return Parse(b, path)
}

// The states of Parse, those of systemd's parser.
const (
	envPreKey = iota
	envKey
	envPreValue
	envValue
	envValueEscape
	envSingleQuote
	envDoubleQuote
	envDoubleQuoteEscape
	envComment
	envCommentEscape
)

// Parse reads an environment file, named name in errors, as systemd's
// EnvironmentFile= does (systemd.exec(5); src/basic/env-file.c):
//
//   - blank lines are skipped; a line whose first non-blank character is
//     # or ; is a comment; a # elsewhere is part of the value;
//   - KEY=value, blanks around the key and before the value ignored, and
//     trailing blanks of an unquoted value dropped;
//   - in an unquoted value a backslash makes the next character literal,
//     and a backslash at the end of a line continues the value on the next;
//   - 'single quotes' keep everything literally, newlines included;
//     "double quotes" too, except that \" \\ \` \$ stand for the character
//     and a backslash-newline continues the value; quoted and unquoted
//     parts next to each other are joined, blanks between them dropped;
//   - no variable is expanded.
//
// Where systemd would silently ignore a line, or where its versions
// disagree, this is an error that names the line: a line without "=", a
// name that is not [A-Za-z_][A-Za-z0-9_]* ("export KEY=..." is one: systemd
// takes no shell syntax), a comment ending in a backslash (systemd 253 and
// earlier continue the comment on the next line, 254 and later do not), a
// control character in a value, and invalid UTF-8. The last assignment of
// a key wins, as in systemd.
func Parse(b []byte, name string) ([]Assignment, error) {
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%s: not valid UTF-8: systemd refuses the file", name)
	}
	p := envParser{name: name, line: 1}
	for i := 0; i < len(b); i++ {
		if err := p.next(b[i]); err != nil {
			return nil, err
		}
		if b[i] == '\n' {
			p.line++
		}
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	return p.out, nil
}

// envParser is the state of Parse.
type envParser struct {
	name       string
	state      int
	line       int // of the byte being read
	keyLine    int // where the key being read started
	key, value strings.Builder
	keyBlank   int // length of the key before its trailing blanks, -1 if none
	valueBlank int // the same for an unquoted value
	out        []Assignment
}

func isNewline(c byte) bool { return c == '\n' || c == '\r' }
func isBlank(c byte) bool   { return c == ' ' || c == '\t' || isNewline(c) }

// next reads one byte.
func (p *envParser) next(c byte) error {
	switch p.state {
	case envPreKey:
		switch {
		case c == '#' || c == ';':
			p.state = envComment
		case !isBlank(c):
			p.state, p.keyLine, p.keyBlank = envKey, p.line, -1
			p.key.WriteByte(c)
		}
	case envKey:
		switch {
		case isNewline(c):
			return fmt.Errorf("%s:%d: want KEY=value, got %q without \"=\" (systemd would ignore the line)", p.name, p.keyLine, p.key.String())
		case c == '=':
			p.state, p.valueBlank = envPreValue, -1
		default:
			p.keepBlank(&p.keyBlank, p.key.Len(), c)
			p.key.WriteByte(c)
		}
	case envPreValue:
		switch {
		case isNewline(c):
			return p.push()
		case c == '\'':
			p.state = envSingleQuote
		case c == '"':
			p.state = envDoubleQuote
		case c == '\\':
			p.state = envValueEscape
		case !isBlank(c):
			p.state = envValue
			p.value.WriteByte(c)
		}
	case envValue:
		switch {
		case isNewline(c):
			return p.push()
		case c == '\\':
			p.state, p.valueBlank = envValueEscape, -1
		default:
			p.keepBlank(&p.valueBlank, p.value.Len(), c)
			p.value.WriteByte(c)
		}
	case envValueEscape:
		p.state = envValue
		if !isNewline(c) {
			p.value.WriteByte(c)
		}
	case envSingleQuote:
		if c == '\'' {
			p.state = envPreValue
		} else {
			p.value.WriteByte(c)
		}
	case envDoubleQuote:
		switch c {
		case '"':
			p.state = envPreValue
		case '\\':
			p.state = envDoubleQuoteEscape
		default:
			p.value.WriteByte(c)
		}
	case envDoubleQuoteEscape:
		p.state = envDoubleQuote
		switch {
		case strings.IndexByte("\"\\`$", c) >= 0:
			p.value.WriteByte(c)
		case c != '\n':
			p.value.WriteByte('\\')
			p.value.WriteByte(c)
		}
	case envComment:
		switch {
		case c == '\\':
			p.state = envCommentEscape
		case isNewline(c):
			p.state = envPreKey
		}
	case envCommentEscape:
		if isNewline(c) {
			return fmt.Errorf("%s:%d: a comment ends in a backslash: systemd 253 and earlier take the next line as part of the comment, "+
				"254 and later do not; remove the backslash", p.name, p.line)
		}
		p.state = envComment
	}
	return nil
}

// keepBlank tracks where the trailing blanks of a key or value start.
func (p *envParser) keepBlank(blank *int, n int, c byte) {
	switch {
	case !isBlank(c):
		*blank = -1
	case *blank < 0:
		*blank = n
	}
}

// end finishes the file: an assignment without a final newline counts.
func (p *envParser) end() error {
	switch p.state {
	case envKey:
		return fmt.Errorf("%s:%d: want KEY=value, got %q without \"=\" (systemd would ignore the line)", p.name, p.keyLine, p.key.String())
	case envSingleQuote, envDoubleQuote, envDoubleQuoteEscape:
		return fmt.Errorf("%s:%d: the quote of %s is not closed: systemd would take the rest of the file as its value", p.name, p.keyLine, p.key.String())
	case envPreValue, envValue, envValueEscape:
		return p.push()
	}
	return nil
}

// push ends an assignment and checks it as systemd would before putting it
// in the environment.
func (p *envParser) push() error {
	key, value := p.key.String(), p.value.String()
	if p.keyBlank >= 0 {
		key = key[:p.keyBlank]
	}
	if p.state == envValue && p.valueBlank >= 0 {
		value = value[:p.valueBlank]
	}
	p.key.Reset()
	p.value.Reset()
	p.state = envPreKey
	if rest, ok := strings.CutPrefix(key, "export "); ok {
		return fmt.Errorf("%s:%d: \"export %s\": systemd takes no shell syntax and would ignore the line; remove \"export\"", p.name, p.keyLine, strings.TrimSpace(rest))
	}
	if !ValidName(key) {
		return fmt.Errorf("%s:%d: %q is not a variable name (letters, digits and _, not starting with a digit): systemd would ignore the line", p.name, p.keyLine, key)
	}
	if i := strings.IndexFunc(value, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' || r == 0x7f }); i >= 0 {
		return fmt.Errorf("%s:%d: %s holds the control character %q: systemd would ignore the line", p.name, p.keyLine, key, value[i])
	}
	p.out = append(p.out, Assignment{Key: key, Value: value, Line: p.keyLine})
	return nil
}

// ValidName reports whether systemd takes name as a variable's name:
// letters, digits and _, not starting with a digit.
func ValidName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
