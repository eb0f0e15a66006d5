package preflight

import (
	"errors"
	"net"
	"strings"
	"testing"
)

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name, in string
		code     int
		err      error
	}{
		{"ok", "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", 200, nil},
		{"server error counts", "SIP/2.0 503 Service Unavailable\r\n\r\n", 503, nil},
		{"compact length, body", "SIP/2.0 200 OK\r\nl: 2\r\n\r\nhi", 200, nil},
		{"body missing", "SIP/2.0 200 OK\r\nl: 2\r\n\r\n", 0, errShort},
		{"no blank line yet", "SIP/2.0 200 OK\r\n", 0, errShort},
		{"http", "HTTP/1.1 200 OK\r\n\r\n", 0, ErrNotSIP},
		{"garbage", "hello there\n", 0, ErrNotSIP},
		{"bad code", "SIP/2.0 2x0 OK\r\n\r\n", 0, ErrNotSIP},
		{"bad header", "SIP/2.0 200 OK\r\nnocolon\r\n\r\n", 0, ErrNotSIP},
		{"bad length", "SIP/2.0 200 OK\r\nContent-Length: x\r\n\r\n", 0, ErrNotSIP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseResponse([]byte(tt.in))
			if !errors.Is(err, tt.err) {
				t.Fatalf("got error %v, want %v", err, tt.err)
			}
			if err == nil && r.Code != tt.code {
				t.Errorf("got code %d, want %d", r.Code, tt.code)
			}
		})
	}
}

func TestNewRequest(t *testing.T) {
	local := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	req := newRequest("sbc1.example.com", 5060, "udp", local)
	s := string(req.raw)
	for _, want := range []string{
		"OPTIONS sip:sbc1.example.com:5060;transport=udp SIP/2.0\r\n",
		"Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK",
		";rport\r\n", "Max-Forwards: 70\r\n", "To: <sip:sbc1.example.com:5060>\r\n",
		";tag=", "Call-ID: " + req.callID + "\r\n", "CSeq: 1 OPTIONS\r\n", "Contact: <sip:",
		"Accept: application/sdp\r\n", "User-Agent: ", "Content-Length: 0\r\n\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("request lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
		t.Errorf("request has a bare LF:\n%q", s)
	}
	if other := newRequest("h", 1, "udp", local); other.branch == req.branch || other.callID == req.callID {
		t.Errorf("branch or Call-ID repeated: %s %s", other.branch, other.callID)
	}
}

func TestNewRequestTLS(t *testing.T) {
	local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	s := string(newRequest("sbc1.example.com", 5061, "tls", local).raw)
	for _, want := range []string{
		"OPTIONS sip:sbc1.example.com:5061;transport=tls SIP/2.0\r\n",
		"Via: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bK",
		"Contact: <sip:preflight@127.0.0.1:40000;transport=tls>\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("request lacks %q:\n%s", want, s)
		}
	}
}
