package sim_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"

	"github.com/sipops/reconciler/internal/chime/sim"
)

const (
	accessKey = "AKIDSIMTEST"
	secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

	msgMissing   = "Missing Authentication Token"
	msgUnknown   = "The security token included in the request is invalid."
	msgMismatch  = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	typeMissing  = "MissingAuthenticationTokenException"
	typeUnknown  = "UnrecognizedClientException"
	typeMismatch = "InvalidSignatureException"
)

// strict serves a simulator that verifies signatures by accessKey and a
// second key.
func strict(t *testing.T) (*sim.Service, string) {
	t.Helper()
	return start(t, sim.Config{Credentials: map[string]string{accessKey: secretKey, "AKIDOTHER": "other-secret"}})
}

// keyedClient is the real SDK client with the given static credentials.
func keyedClient(url, region, id, secret string) *chimesdkvoice.Client {
	return chimesdkvoice.New(chimesdkvoice.Options{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// signing is how a raw request gets signed by the SDK's own signer.
type signing struct {
	id, secret, token, region, service string
	at                                 time.Time
}

func goodSigning() signing {
	return signing{id: accessKey, secret: secretKey, region: "us-east-1", service: "chime", at: time.Now()}
}

// sigv4 returns a request signed with the SDK's v4 signer over body.
func sigv4(t *testing.T, method, url, body string, sg signing) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: sg.id, SecretAccessKey: sg.secret, SessionToken: sg.token}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), sg.service, sg.region, sg.at); err != nil {
		t.Fatal(err)
	}
	return req
}

// withBody replaces the body of a signed request, keeping its signature.
func withBody(req *http.Request, body string) *http.Request {
	r := req.Clone(req.Context())
	r.Body = http.NoBody
	if body != "" {
		r.Body = readCloser{strings.NewReader(body)}
	}
	r.ContentLength = int64(len(body))
	return r
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func TestSigV4Accepted(t *testing.T) {
	s, url := strict(t)
	id := mustCreate(t, s, "signed", "us-east-1").ID
	c := keyedClient(url, "us-east-1", accessKey, secretKey)
	ctx := t.Context()
	created, err := c.CreateVoiceConnector(ctx, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("sdk"), RequireEncryption: aws.Bool(true)})
	if err != nil {
		t.Fatalf("CreateVoiceConnector: %v", err)
	}
	if _, err := c.PutVoiceConnectorOrigination(ctx, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id),
		Origination: &types.Origination{Routes: routes(3)}}); err != nil {
		t.Fatalf("PutVoiceConnectorOrigination: %v", err)
	}
	if out, err := c.GetVoiceConnectorOrigination(ctx, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}); err != nil || len(out.Origination.Routes) != 3 {
		t.Fatalf("GetVoiceConnectorOrigination: got %+v, %v; want 3 routes", out, err)
	}
	// The query string is part of the signature: max-results, and a token
	// whose characters are escaped twice over.
	if out, err := c.ListVoiceConnectors(ctx, &chimesdkvoice.ListVoiceConnectorsInput{MaxResults: aws.Int32(1)}); err != nil || out.NextToken == nil {
		t.Fatalf("ListVoiceConnectors: got %+v, %v; want a page and a token", out, err)
	}
	// A label with escaped characters reaches validation, so the signature
	// of its path verified.
	_, err = c.GetVoiceConnectorOrigination(ctx, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String("abc/def ghi+~*")})
	if name, _ := exception(err); name != "BadRequestException" {
		t.Errorf("escaped id: got %v, want BadRequestException (signature accepted)", err)
	}
	_, err = c.ListVoiceConnectors(ctx, &chimesdkvoice.ListVoiceConnectorsInput{NextToken: aws.String("tok/+= *&x=y")})
	if name, _ := exception(err); name != "BadRequestException" {
		t.Errorf("escaped token: got %v, want BadRequestException (signature accepted)", err)
	}
	if _, err := c.DeleteVoiceConnector(ctx, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: created.VoiceConnector.VoiceConnectorId}); err != nil {
		t.Errorf("DeleteVoiceConnector: %v", err)
	}
	// The second key works too, and with it the region of its scope.
	other := keyedClient(url, "eu-west-2", "AKIDOTHER", "other-secret")
	if out, err := other.ListVoiceConnectors(ctx, &chimesdkvoice.ListVoiceConnectorsInput{}); err != nil || len(out.VoiceConnectors) != 0 {
		t.Errorf("second key in eu-west-2: got %+v, %v; want an empty listing", out, err)
	}
}

func TestSigV4Refused(t *testing.T) {
	s, url := strict(t)
	id := mustCreate(t, s, "signed", "us-east-1").ID
	orig := url + "/voice-connectors/" + id + "/origination"
	const body = `{"Origination":{"Disabled":true}}`
	now := time.Now()
	with := func(change func(*signing)) signing {
		sg := goodSigning()
		change(&sg)
		return sg
	}
	header := func(name, value string) func(*http.Request) *http.Request {
		return func(r *http.Request) *http.Request { r.Header.Set(name, value); return r }
	}
	keep := func(r *http.Request) *http.Request { return r }
	tests := []struct {
		name      string
		req       *http.Request
		tamper    func(*http.Request) *http.Request
		errorType string
		message   string // exact, or a regexp when it starts with ^
	}{
		{"no authorization", sigv4(t, "GET", orig, "", goodSigning()), func(r *http.Request) *http.Request { r.Header.Del("Authorization"); return r },
			typeMissing, msgMissing},
		{"bearer token", sigv4(t, "GET", orig, "", goodSigning()), header("Authorization", "Bearer abc"),
			typeMissing, "^" + regexp.QuoteMeta(msgMissing+": the Authorization header is not of the form AWS4-HMAC-SHA256 Credential=")},
		{"no signature", sigv4(t, "GET", orig, "", goodSigning()),
			header("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/20261125/us-east-1/chime/aws4_request, SignedHeaders=host;x-amz-date"),
			typeMissing, "^" + regexp.QuoteMeta(msgMissing+": ")},
		{"short scope", sigv4(t, "GET", orig, "", goodSigning()),
			header("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=ab"),
			typeMissing, "^" + regexp.QuoteMeta(msgMissing+": ")},
		{"unknown access key", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.id = "AKIDUNKNOWN" })), keep,
			typeUnknown, msgUnknown},
		{"session token", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.token = "FwoGZXIvYXdzEB" })), keep,
			typeUnknown, msgUnknown},
		{"wrong secret", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.secret = "not-the-secret" })), keep,
			typeMismatch, msgMismatch},
		{"secret of the other key", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.secret = "other-secret" })), keep,
			typeMismatch, msgMismatch},
		{"tampered body, same length", sigv4(t, "PUT", orig, body, goodSigning()),
			func(r *http.Request) *http.Request { return withBody(r, strings.Replace(body, "true", "tru ", 1)) },
			typeMismatch, msgMismatch},
		{"tampered body, other length", sigv4(t, "PUT", orig, body, goodSigning()),
			func(r *http.Request) *http.Request { return withBody(r, `{"Origination":{"Disabled":false}}`) },
			typeMismatch, msgMismatch},
		{"x-amz-content-sha256 not the body's", sigv4(t, "PUT", orig, body, goodSigning()),
			header("X-Amz-Content-Sha256", strings.Repeat("0", 64)),
			typeMismatch, msgMismatch},
		{"tampered signed header", sigv4(t, "PUT", orig, body, goodSigning()), header("Content-Type", "text/plain"),
			typeMismatch, msgMismatch},
		{"tampered date within the window", sigv4(t, "GET", orig, "", goodSigning()),
			header("X-Amz-Date", now.UTC().Add(-time.Second).Format("20060102T150405Z")),
			typeMismatch, msgMismatch},
		{"tampered method", sigv4(t, "GET", orig, "", goodSigning()), func(r *http.Request) *http.Request { r.Method = "DELETE"; return r },
			typeMismatch, msgMismatch},
		{"tampered path", sigv4(t, "GET", url+"/voice-connectors/"+id, "", goodSigning()),
			func(r *http.Request) *http.Request { r.URL.Path += "/origination"; return r },
			typeMismatch, msgMismatch},
		{"tampered query", sigv4(t, "GET", url+"/voice-connectors?max-results=5", "", goodSigning()),
			func(r *http.Request) *http.Request { r.URL.RawQuery = "max-results=6"; return r },
			typeMismatch, msgMismatch},
		{"host not signed", sigv4(t, "GET", orig, "", goodSigning()), func(r *http.Request) *http.Request {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=host;", "SignedHeaders=", 1))
			return r
		}, typeMismatch, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"wrong service", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.service = "voice-chime" })), keep,
			typeMismatch, "Credential should be scoped to correct service: 'chime'."},
		{"wrong region", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.region = "us-east-2" })), keep,
			typeMismatch, "Credential should be scoped to a valid region, not 'us-east-2'."},
		{"expired", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.at = now.Add(-6 * time.Minute) })), keep,
			typeMismatch, `^Signature expired: ` + now.UTC().Add(-6*time.Minute).Format("20060102T150405Z") +
				` is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$`},
		{"not yet current", sigv4(t, "GET", orig, "", with(func(sg *signing) { sg.at = now.Add(6 * time.Minute) })), keep,
			typeMismatch, `^Signature not yet current: ` + now.UTC().Add(6*time.Minute).Format("20060102T150405Z") +
				` is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$`},
		{"no date", sigv4(t, "GET", orig, "", goodSigning()), func(r *http.Request) *http.Request { r.Header.Del("X-Amz-Date"); return r },
			typeMismatch, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, tt.tamper(tt.req))
			if a.status != http.StatusForbidden {
				t.Fatalf("status: got %d %s, want 403", a.status, a.body)
			}
			if got := a.header.Get("X-Amzn-ErrorType"); got != tt.errorType {
				t.Errorf("X-Amzn-ErrorType: got %q, want %q", got, tt.errorType)
			}
			if got := a.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type: got %q, want application/json", got)
			}
			if got := keys(t, a.body); !slices.Equal(got, []string{"message"}) {
				t.Errorf("body keys: got %v, want [message]", got)
			}
			var b struct {
				Message string `json:"message"`
			}
			_ = json.Unmarshal([]byte(a.body), &b)
			if strings.HasPrefix(tt.message, "^") {
				if !regexp.MustCompile(tt.message).MatchString(b.Message) {
					t.Errorf("message: got %q, want a match of %s", b.Message, tt.message)
				}
			} else if b.Message != tt.message {
				t.Errorf("message: got %q, want %q", b.Message, tt.message)
			}
			if !requestIDPattern.MatchString(a.header.Get("x-amzn-RequestId")) {
				t.Errorf("x-amzn-RequestId: got %q, want a UUID", a.header.Get("x-amzn-RequestId"))
			}
		})
	}
	if o, _ := s.Origination(id); o != nil {
		t.Errorf("origination after refused puts: got %+v, want nil", o)
	}
}

// TestSigV4AcceptedVariants: what a signature may leave out or vary and
// still be right.
func TestSigV4AcceptedVariants(t *testing.T) {
	s, url := strict(t)
	id := mustCreate(t, s, "signed", "us-east-1").ID
	orig := url + "/voice-connectors/" + id + "/origination"
	const body = `{"Origination":{"Disabled":true}}`
	sum := sha256.Sum256([]byte(body))
	tests := []struct {
		name string
		req  *http.Request
	}{
		{"unsigned header added after signing", func() *http.Request {
			r := sigv4(t, "GET", orig, "", goodSigning())
			r.Header.Set("X-Forwarded-For", "10.0.0.1")
			return r
		}()},
		{"signed 4 minutes ago", sigv4(t, "GET", orig, "", signing{id: accessKey, secret: secretKey, region: "us-east-1", service: "chime", at: time.Now().Add(-4 * time.Minute)})},
		{"signed 4 minutes ahead", sigv4(t, "GET", orig, "", signing{id: accessKey, secret: secretKey, region: "us-east-1", service: "chime", at: time.Now().Add(4 * time.Minute)})},
		{"x-amz-content-sha256 signed", func() *http.Request {
			r, _ := http.NewRequest("PUT", orig, strings.NewReader(body))
			r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}, r,
				hex.EncodeToString(sum[:]), "chime", "us-east-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return r
		}()},
		{"signed header name in lower case on the wire", func() *http.Request {
			r := sigv4(t, "PUT", orig, body, goodSigning())
			r.Header["content-type"] = r.Header["Content-Type"] // same header, other spelling on the wire
			delete(r.Header, "Content-Type")
			return r
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a := do(t, tt.req); a.status != 200 {
				t.Errorf("got %d %s, want 200", a.status, a.body)
			}
		})
	}
}

// TestSigV4SDKErrors: the SDK reports the front end's refusals as generic
// API errors carrying the type and message.
func TestSigV4SDKErrors(t *testing.T) {
	s, url := strict(t)
	id := aws.String(mustCreate(t, s, "signed", "us-east-1").ID)
	tests := []struct {
		name, code, message string
		c                   *chimesdkvoice.Client
	}{
		{"unknown key", typeUnknown, msgUnknown, keyedClient(url, "us-east-1", "AKIDNOBODY", secretKey)},
		{"wrong secret", typeMismatch, msgMismatch, keyedClient(url, "us-east-1", accessKey, "wrong")},
		{"wrong region", typeMismatch, "Credential should be scoped to a valid region, not 'sa-east-1'.", keyedClient(url, "sa-east-1", accessKey, secretKey)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.GetVoiceConnectorOrigination(t.Context(), &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: id})
			var generic *smithy.GenericAPIError
			if !errors.As(err, &generic) || generic.Code != tt.code || generic.Message != tt.message {
				t.Errorf("got %T %v, want *smithy.GenericAPIError %s: %s", err, err, tt.code, tt.message)
			}
		})
	}
	// Without Credentials, any SigV4-shaped header passes, as before.
	_, url = start(t, sim.Config{})
	if _, err := keyedClient(url, "us-east-1", "ANY", "thing").ListVoiceConnectors(t.Context(), &chimesdkvoice.ListVoiceConnectorsInput{}); err != nil {
		t.Errorf("without Credentials: got %v, want success", err)
	}
}

func TestCredentialsValidated(t *testing.T) {
	for _, keys := range []map[string]string{{}, {"": "s"}, {"AK/ID": "s"}, {"AKID": ""}} {
		if _, err := sim.New(sim.Config{Credentials: keys}); err == nil {
			t.Errorf("Credentials %v: got no error, want one", keys)
		}
	}
}
