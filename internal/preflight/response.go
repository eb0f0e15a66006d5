package preflight

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotSIP is returned for an answer that is not a SIP response.
var ErrNotSIP = errors.New("not a SIP response")

// errShort is returned by ParseResponse when the message is not complete.
var errShort = errors.New("incomplete SIP response")

// Response is a parsed SIP response: its status line and headers.
type Response struct {
	StatusLine string // "SIP/2.0 200 OK"
	Code       int
	Header     map[string]string // canonical lower-case name → first value
	BodyLen    int               // Content-Length, 0 when absent
}

// maxHeader bounds the header section a response may have.
const maxHeader = 64 << 10

// ParseResponse parses the status line and headers of a SIP response. It
// returns errShort when data ends before the blank line or before the
// body announced by Content-Length (the TCP framing), and an error wrapping
// ErrNotSIP for anything else malformed. It never panics.
func ParseResponse(data []byte) (*Response, error) {
	end := bytes.Index(data, []byte("\r\n\r\n"))
	if end < 0 {
		if len(data) > maxHeader || (len(data) >= 8 && !bytes.HasPrefix(data, []byte("SIP/2.0 "))) {
			return nil, fmt.Errorf("%w: no header end", ErrNotSIP)
		}
		return nil, errShort
	}
	lines := strings.Split(string(data[:end]), "\r\n")
	r := &Response{StatusLine: lines[0], Header: map[string]string{}}
	code, err := statusCode(lines[0])
	if err != nil {
		return nil, err
	}
	r.Code = code
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("%w: bad header line %q", ErrNotSIP, clip(l))
		}
		name = compact(strings.ToLower(strings.TrimSpace(name)))
		if _, dup := r.Header[name]; !dup {
			r.Header[name] = strings.TrimSpace(value)
		}
	}
	if cl, ok := r.Header["content-length"]; ok {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 || n > maxHeader {
			return nil, fmt.Errorf("%w: bad Content-Length %q", ErrNotSIP, clip(cl))
		}
		r.BodyLen = n
	}
	if len(data)-end-4 < r.BodyLen {
		return nil, errShort
	}
	return r, nil
}

// statusCode checks "SIP/2.0 NNN Reason" and returns NNN.
func statusCode(line string) (int, error) {
	rest, ok := strings.CutPrefix(line, "SIP/2.0 ")
	if !ok || len(rest) < 3 {
		return 0, fmt.Errorf("%w: status line %q", ErrNotSIP, clip(line))
	}
	code, err := strconv.Atoi(rest[:3])
	if err != nil || code < 100 || code > 699 || (len(rest) > 3 && rest[3] != ' ') {
		return 0, fmt.Errorf("%w: status line %q", ErrNotSIP, clip(line))
	}
	return code, nil
}

// compact maps RFC 3261 compact header names to their long form.
func compact(name string) string {
	switch name {
	case "l":
		return "content-length"
	case "i":
		return "call-id"
	case "v":
		return "via"
	}
	return name
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
