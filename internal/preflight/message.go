package preflight

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// userAgent is sent in every request.
const userAgent = "sipops-reconciler-preflight"

// request is one OPTIONS request and the values its response must echo.
type request struct {
	branch, callID string
	raw            []byte
}

// newRequest builds an OPTIONS request for host:port sent from local over
// proto ("udp", "tcp" or "tls"), with fresh branch, tag and Call-ID. Over
// TLS it is sip: with transport=tls (RFC 3261 §19.1.1), not sips:, which
// would ask every hop behind the SBC to be TLS as well.
func newRequest(host string, port int, proto string, local net.Addr) request {
	r := request{branch: "z9hG4bK" + token(), callID: token() + "@preflight"}
	hp := net.JoinHostPort(host, strconv.Itoa(port))
	lh := local.String()
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\r\n", args...) }
	line("OPTIONS sip:%s;transport=%s SIP/2.0", hp, proto)
	line("Via: SIP/2.0/%s %s;branch=%s;rport", strings.ToUpper(proto), lh, r.branch)
	line("Max-Forwards: 70")
	line("To: <sip:%s>", hp)
	line("From: <sip:preflight@%s>;tag=%s", lh, token())
	line("Call-ID: %s", r.callID)
	line("CSeq: 1 OPTIONS")
	line("Contact: <sip:preflight@%s;transport=%s>", lh, proto)
	line("Accept: application/sdp")
	line("User-Agent: %s", userAgent)
	line("Content-Length: 0")
	line("")
	r.raw = []byte(b.String())
	return r
}

func token() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails, per crypto/rand
	return hex.EncodeToString(b)
}
