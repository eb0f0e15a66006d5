package sim

import (
	"bytes"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

const (
	sigV4Algorithm  = "AWS4-HMAC-SHA256"
	signingName     = "chime"
	scopeTerminator = "aws4_request"
)

// authenticate admits a request and returns its signing region, or returns
// the answer that refuses it. Without Config.Credentials only the form of
// the Authorization header is checked (signingRegion); with them the SigV4
// signature is verified as AWS does (verify).
func (s *Service) authenticate(r *http.Request, op operation) (string, *result) {
	if s.keys == nil {
		region, err := signingRegion(r.Header.Get("Authorization"))
		if err != nil {
			return "", op.fail(excForbidden, "%v", err)
		}
		return region, nil
	}
	return s.verify(r, op)
}

// signingRegion returns the region of the SigV4 credential scope in an
// Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, SignedHeaders=..., Signature=...
//
// The signature itself is not verified (no Config.Credentials), but the
// header must have the shape every SigV4 signer produces, so an unsigned
// or hand-rolled request fails here as it would against AWS.
func signingRegion(header string) (string, error) {
	rest, found := strings.CutPrefix(header, sigV4Algorithm+" ")
	if !found {
		return "", errors.New("missing Authorization header with an AWS Signature Version 4 (" + sigV4Algorithm + ")")
	}
	var scope string
	var signed bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope = v
		case "Signature":
			signed = v != ""
		}
	}
	if !signed {
		return "", errors.New("the Authorization header has no Signature")
	}
	return scopeRegion(scope)
}

// scopeRegion checks AKID/yyyymmdd/region/chime/aws4_request.
func scopeRegion(scope string) (string, error) {
	p := strings.Split(scope, "/")
	if len(p) != 5 || p[0] == "" || len(p[1]) != 8 || p[2] == "" || p[4] != scopeTerminator {
		return "", errors.New("the Authorization header has no credential scope of the form AKID/date/region/" + signingName + "/" + scopeTerminator)
	}
	if p[3] != signingName {
		return "", errors.New("credential should be scoped to correct service: '" + signingName + "', not '" + p[3] + "'")
	}
	return p[2], nil
}

// validateCredentials checks Config.Credentials: an access key id goes
// into the credential scope, so it cannot hold its separator.
func validateCredentials(keys map[string]string) error {
	if keys != nil && len(keys) == 0 {
		return errors.New("credentials: give at least one access key, or none to verify no signatures")
	}
	for id, secret := range keys {
		switch {
		case id == "" || strings.ContainsAny(id, "/ ,:"):
			return fmt.Errorf("credentials: access key id %q must be non-empty, without '/', ',', ':' or spaces", id)
		case secret == "":
			return fmt.Errorf("credentials: access key %s has an empty secret", id)
		}
	}
	return nil
}

// The front end's answers to requests it does not authenticate. They are
// not among the model's errors (SDKs report them as generic API errors),
// are 403, and carry the message in a lower-case "message" member, as AWS
// restJson1 front ends send them.
const (
	excMissingToken      = "MissingAuthenticationTokenException"
	excUnrecognized      = "UnrecognizedClientException"
	excInvalidSignature  = "InvalidSignatureException"
	msgMissingToken      = "Missing Authentication Token"
	msgUnrecognized      = "The security token included in the request is invalid."
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// frontEndError is the body of a refusal by the front end.
type frontEndError struct {
	Message string `json:"message"`
}

func refuse(errorType, format string, args ...any) *result {
	return &result{status: http.StatusForbidden, errorType: errorType,
		body: frontEndError{Message: fmt.Sprintf(format, args...)}}
}

// clockSkew is how far the signing time may be from the simulator's clock,
// either way: AWS allows five minutes.
const clockSkew = 5 * time.Minute

// amzDateLayout is the ISO 8601 basic format of X-Amz-Date.
const amzDateLayout = "20060102T150405Z"

// verify checks the request's SigV4 signature against Config.Credentials
// and returns the signing region. The checks run in this order: an
// Authorization header of the SigV4 form, a known key, the scope, the
// signing time, then the signature over the canonical request.
func (s *Service) verify(r *http.Request, op operation) (string, *result) {
	auth, secret, refused := s.credential(r.Header)
	if refused != nil {
		return "", refused
	}
	if refused := auth.checkScope(); refused != nil {
		return "", refused
	}
	signedAt, refused := s.signingTime(r, auth)
	if refused != nil {
		return "", refused
	}
	payloadHash, refused := readPayload(r, op)
	if refused != nil {
		return "", refused
	}
	want := signature(secret, auth, signedAt, canonicalRequest(r, auth.signedHeaders, payloadHash))
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return "", refuse(excInvalidSignature, msgSignatureMismatch)
	}
	return auth.region, nil
}

// credential parses the Authorization header and finds the secret of its
// access key.
func (s *Service) credential(h http.Header) (authorization, string, *result) {
	header := h.Get("Authorization")
	if header == "" {
		return authorization{}, "", refuse(excMissingToken, msgMissingToken)
	}
	auth, ok := parseAuthorization(header)
	if !ok {
		return auth, "", refuse(excMissingToken, "%s: the Authorization header is not of the form "+
			sigV4Algorithm+" Credential=AKID/yyyymmdd/region/"+signingName+"/"+scopeTerminator+
			", SignedHeaders=host;..., Signature=hex", msgMissingToken)
	}
	secret, known := s.keys[auth.accessKey]
	if !known || h.Get("X-Amz-Security-Token") != "" {
		// The simulator's keys are long-term: a session token never
		// belongs to them, and AWS answers a bad token as an unknown key.
		return auth, "", refuse(excUnrecognized, msgUnrecognized)
	}
	return auth, secret, nil
}

// readPayload reads the body (which stays readable for the operation) and
// returns its SHA-256 in hex, which must be x-amz-content-sha256 when the
// client sent that header.
func readPayload(r *http.Request, op operation) (string, *result) {
	if r.Body == nil { // a request built by hand for ServeHTTP
		r.Body = http.NoBody
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	switch {
	case err != nil:
		return "", op.fail(excBadRequest, "read request body: %v", err)
	case len(body) > maxBody:
		return "", op.fail(excBadRequest, "request body is larger than %d bytes", maxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	hash := hexSHA256(body)
	if sent := r.Header.Get("X-Amz-Content-Sha256"); sent != "" && sent != hash {
		return "", refuse(excInvalidSignature, msgSignatureMismatch)
	}
	return hash, nil
}

// checkScope refuses a scope naming another service or a region the
// service is not offered in, and a signature that does not cover the host
// (it could be replayed to another endpoint).
func (a authorization) checkScope() *result {
	switch {
	case a.service != signingName:
		return refuse(excInvalidSignature, "Credential should be scoped to correct service: '%s'.", signingName)
	case !validRegion(a.region):
		return refuse(excInvalidSignature, "Credential should be scoped to a valid region, not '%s'.", a.region)
	}
	for _, h := range a.signedHeaders {
		if h == "host" {
			return nil
		}
	}
	return refuse(excInvalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
}

// signingTime reads X-Amz-Date (or, without it, Date), and refuses a time
// more than clockSkew from the simulator's clock or on another day than
// the credential scope.
func (s *Service) signingTime(r *http.Request, a authorization) (time.Time, *result) {
	var t time.Time
	var err error
	switch amz, date := r.Header.Get("X-Amz-Date"), r.Header.Get("Date"); {
	case amz != "":
		t, err = time.Parse(amzDateLayout, amz)
	case date != "":
		t, err = http.ParseTime(date)
	default:
		return t, refuse(excInvalidSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if err != nil {
		return t, refuse(excInvalidSignature, "X-Amz-Date or Date %q is not a date in ISO 8601 basic format (yyyyMMdd'T'HHmmss'Z') or RFC 1123", r.Header.Get("X-Amz-Date")+r.Header.Get("Date"))
	}
	t = t.UTC()
	now := s.now().UTC()
	switch {
	case t.Before(now.Add(-clockSkew)):
		return t, refuse(excInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 5 min.)",
			t.Format(amzDateLayout), now.Add(-clockSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	case t.After(now.Add(clockSkew)):
		return t, refuse(excInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 5 min.)",
			t.Format(amzDateLayout), now.Add(clockSkew).Format(amzDateLayout), now.Format(amzDateLayout))
	case t.Format("20060102") != a.date:
		return t, refuse(excInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			a.date, t.Format("20060102"), t.Format(amzDateLayout))
	}
	return t, nil
}
