package sim

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the SigV4 arithmetic of the server side, written from the
// specification (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html)
// with the standard library: parse the Authorization header, rebuild the
// canonical request from what arrived, derive the key and sign. Tests check
// it against the SDK's own signer (aws/signer/v4) and the real client.

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	accessKey, date, region, service string // the credential scope
	signedHeaders                    []string
	signature                        string
}

// parseAuthorization reads
//
//	AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request, SignedHeaders=a;b, Signature=hex
//
// and reports whether every part is there, once, in that form.
func parseAuthorization(header string) (authorization, bool) {
	rest, found := strings.CutPrefix(header, sigV4Algorithm+" ")
	if !found {
		return authorization{}, false
	}
	parts := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if _, dup := parts[k]; !ok || dup || v == "" {
			return authorization{}, false
		}
		parts[k] = v
	}
	scope := strings.Split(parts["Credential"], "/")
	if len(parts) != 3 || len(scope) != 5 || scope[0] == "" || !isDate(scope[1]) ||
		scope[2] == "" || scope[3] == "" || scope[4] != scopeTerminator || parts["SignedHeaders"] == "" {
		return authorization{}, false
	}
	return authorization{
		accessKey: scope[0], date: scope[1], region: scope[2], service: scope[3],
		signedHeaders: strings.Split(parts["SignedHeaders"], ";"),
		signature:     parts["Signature"],
	}, true
}

func isDate(s string) bool {
	_, err := time.Parse("20060102", s)
	return len(s) == 8 && err == nil
}

// canonicalRequest rebuilds the canonical request the client signed:
//
//	method \n canonical URI \n canonical query \n name:value\n per signed header \n signed headers \n payload hash
//
// The URI is the path as sent, URI-encoded once more (every service but S3
// signs the double-encoded path); the query is decoded, re-encoded and
// sorted; header values are trimmed, inner runs of spaces collapsed, and
// repeated headers joined with commas; headers are taken in the order
// SignedHeaders lists them, which signers sort.
func canonicalRequest(r *http.Request, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(uriEncode(rawPath(r), false) + "\n")
	b.WriteString(canonicalQuery(r.URL.RawQuery) + "\n")
	for _, name := range signed {
		b.WriteString(name + ":" + headerValue(r, name) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + payloadHash)
	return b.String()
}

// rawPath is the path exactly as the request line carried it.
func rawPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if strings.HasPrefix(r.RequestURI, "/") {
		p, _, _ = strings.Cut(r.RequestURI, "?")
	}
	if p == "" {
		return "/"
	}
	return p
}

func canonicalQuery(raw string) string {
	q, _ := url.ParseQuery(raw) // what cannot be decoded is dropped, as SDKs do
	var pairs [][2]string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, [2]string{uriEncode(k, true), uriEncode(v, true)})
		}
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { // by encoded name, then value
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p[0] + "=" + p[1]
	}
	return strings.Join(out, "&")
}

// headerValue is the canonical value of a signed header. The server keeps
// Host and may keep Content-Length outside the header map.
func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return signedHost(r)
	case "content-length":
		if r.Header.Get("Content-Length") == "" && r.ContentLength >= 0 {
			return strconv.FormatInt(r.ContentLength, 10)
		}
	}
	values := r.Header.Values(textproto.CanonicalMIMEHeaderKey(name))
	clean := make([]string, len(values))
	for i, v := range values {
		clean[i] = strings.Join(strings.FieldsFunc(v, func(c rune) bool { return c == ' ' }), " ")
		clean[i] = strings.TrimSpace(clean[i])
	}
	return strings.Join(clean, ",")
}

// signedHost is the Host header without the scheme's default port, which
// signers leave out.
func signedHost(r *http.Request) string {
	host, port, err := net.SplitHostPort(r.Host)
	if err == nil && (r.TLS == nil && port == "80" || r.TLS != nil && port == "443") {
		return host
	}
	return r.Host
}

// uriEncode percent-encodes every byte but the unreserved characters
// A-Z a-z 0-9 - . _ ~ (and '/' unless encodeSlash), upper-case hex.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// signature is the SigV4 signature of a canonical request: the string to
// sign, HMAC-SHA256'd with the key derived from the secret and the scope.
func signature(secret string, a authorization, t time.Time, canonical string) string {
	scope := strings.Join([]string{a.date, a.region, a.service, scopeTerminator}, "/")
	toSign := strings.Join([]string{sigV4Algorithm, t.Format(amzDateLayout), scope, hexSHA256([]byte(canonical))}, "\n")
	key := []byte("AWS4" + secret)
	for _, part := range []string{a.date, a.region, a.service, scopeTerminator} {
		key = hmacSHA256(key, part)
	}
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
