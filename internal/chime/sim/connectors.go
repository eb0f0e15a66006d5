package sim

//lint:file-ignore ST1005 messages start with the AWS member name, as the service's do

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// StoredConnector is a Voice Connector as the simulated service stores it.
type StoredConnector struct {
	ID                string    `json:"id"`
	Name              string    `json:"name"`
	Region            string    `json:"region"`
	ARN               string    `json:"arn"`
	OutboundHostName  string    `json:"outboundHostName"`
	RequireEncryption bool      `json:"requireEncryption"`
	Created           time.Time `json:"created"`
	Updated           time.Time `json:"updated"`
	IntegrationType   string    `json:"integrationType,omitempty"` // "" = none
	NetworkType       string    `json:"networkType,omitempty"`     // "" = DefaultNetworkType
}

// DefaultNetworkType is the NetworkType of a connector created without
// one: IPv4 only, as every connector was before dual stack.
const DefaultNetworkType = "IPV4_ONLY"

func newConnector(account, id, name, region string, encrypt bool, now time.Time) StoredConnector {
	now = now.UTC().Truncate(time.Millisecond)
	return StoredConnector{
		ID:                id,
		Name:              name,
		Region:            region,
		ARN:               fmt.Sprintf("arn:aws:chime:%s:%s:vc/%s", region, account, id),
		OutboundHostName:  id + ".voiceconnector.chime.aws",
		RequireEncryption: encrypt,
		Created:           now,
		Updated:           now,
	}
}

// idPattern is the model's VoiceConnectorId pattern, anchored: the service
// matches whole values.
var idPattern = regexp.MustCompile(`^([a-z0-9]{21,22}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// namePattern is the model's VoiceConnectorName pattern, anchored.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9 _.-]+$`)

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns 22 random lower-case alphanumerics, the form of real ids.
// Ids are not drawn from the seeded source so that a restart with a state
// file and the same seed cannot collide with stored ids.
func newID() string {
	b := make([]byte, 22)
	for i := range b {
		b[i] = idAlphabet[rand.IntN(len(idAlphabet))]
	}
	return string(b)
}

// timestampLayout is ISO 8601 with milliseconds, as the service sends
// (e.g. 2019-06-04T18:46:56.508Z).
const timestampLayout = "2006-01-02T15:04:05.000Z"

// wireConnector is the VoiceConnector shape on the wire, every member of
// the model; IntegrationType only when the connector has one.
type wireConnector struct {
	VoiceConnectorID  string `json:"VoiceConnectorId"`
	AwsRegion         string `json:"AwsRegion"`
	Name              string `json:"Name"`
	OutboundHostName  string `json:"OutboundHostName"`
	RequireEncryption bool   `json:"RequireEncryption"`
	CreatedTimestamp  string `json:"CreatedTimestamp"`
	UpdatedTimestamp  string `json:"UpdatedTimestamp"`
	VoiceConnectorArn string `json:"VoiceConnectorArn"`
	IntegrationType   string `json:"IntegrationType,omitempty"`
	NetworkType       string `json:"NetworkType"`
}

func (c StoredConnector) wire() wireConnector {
	return wireConnector{
		VoiceConnectorID:  c.ID,
		AwsRegion:         c.Region,
		Name:              c.Name,
		OutboundHostName:  c.OutboundHostName,
		RequireEncryption: c.RequireEncryption,
		CreatedTimestamp:  c.Created.UTC().Format(timestampLayout),
		UpdatedTimestamp:  c.Updated.UTC().Format(timestampLayout),
		VoiceConnectorArn: c.ARN,
		IntegrationType:   c.IntegrationType,
		NetworkType:       cmp.Or(c.NetworkType, DefaultNetworkType),
	}
}

type connectorOutput struct {
	VoiceConnector wireConnector `json:"VoiceConnector"`
}

func (s *Service) createVoiceConnector(c *call) *result {
	body, fail := c.body()
	if fail != nil {
		return fail
	}
	in, err := parseCreate(body, c.region)
	if err != nil {
		return c.op.fail(excBadRequest, "%v", err)
	}
	conn := newConnector(s.account, s.store.freshID(), in.name, in.region, in.encrypt, s.now())
	conn.IntegrationType, conn.NetworkType = in.integration, in.network
	if err := s.store.create(conn); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusCreated, connectorOutput{VoiceConnector: conn.wire()})
}

// createInput is a validated CreateVoiceConnector request.
type createInput struct {
	name        string
	region      string
	encrypt     bool
	integration string // "" = none
	network     string // "" = DefaultNetworkType
}

// parseCreate validates a CreateVoiceConnector body. Without AwsRegion the
// connector goes to the signing region (where the real, per-region endpoint
// would put it), or to DefaultRegion when the signing region hosts no Voice
// Connectors. IntegrationType and NetworkType are kept and echoed; Tags are
// validated but not kept: nothing the simulator serves returns them.
func parseCreate(body *object, signing string) (createInput, error) {
	in := createInput{region: signing}
	name, hasName := body.str("Name")
	encrypt, hasEncrypt := body.boolean("RequireEncryption")
	region, hasRegion := body.str("AwsRegion")
	integration, hasIntegration := body.str("IntegrationType")
	network, hasNetwork := body.str("NetworkType")
	tags, _ := body.list("Tags")
	if body.err != nil {
		return in, body.err
	}
	in.name, in.encrypt, in.integration, in.network = name, encrypt, integration, network
	if !validRegion(in.region) {
		in.region = DefaultRegion
	}
	if hasRegion {
		in.region = region
	}
	err := firstError(
		required("Name", hasName), validateName(name),
		required("RequireEncryption", hasEncrypt),
		enum("AwsRegion", in.region, Regions()...),
		optionalEnum("IntegrationType", integration, hasIntegration, "CONNECT_CALL_TRANSFER_CONNECTOR", "CONNECT_ANALYTICS_CONNECTOR"),
		optionalEnum("NetworkType", network, hasNetwork, "IPV4_ONLY", "DUAL_STACK"),
		validateTags(body, tags),
	)
	return in, err
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func required(member string, present bool) error {
	if !present {
		return fmt.Errorf("%s is required", member)
	}
	return nil
}

func enum(member, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s must be one of %s, got %q", member, strings.Join(allowed, ", "), v)
}

// optionalEnum checks a member that may be absent but, when given, must be
// one of the enum's values ("" is none).
func optionalEnum(member, v string, given bool, allowed ...string) error {
	if !given {
		return nil
	}
	return enum(member, v, allowed...)
}

// validateName checks the model's VoiceConnectorName: 1..256 characters of
// [a-zA-Z0-9 _.-].
func validateName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > 256 {
		return fmt.Errorf("Name must be 1 to 256 characters long, got %d", n)
	}
	if !namePattern.MatchString(name) {
		return fmt.Errorf("Name %q must contain only letters, digits, spaces, '_', '.' and '-'", name)
	}
	return nil
}

// validateTags checks the model's TagList: 1..50 tags, Key 1..128 and
// Value 0..256 characters, both required.
func validateTags(body *object, tags []json.RawMessage) error {
	if tags == nil {
		return nil
	}
	if len(tags) < 1 || len(tags) > 50 {
		return fmt.Errorf("Tags must hold 1 to 50 tags, got %d", len(tags))
	}
	for i, raw := range tags {
		t := newObject(fmt.Sprintf("Tags[%d]", i), raw)
		key, hasKey := t.str("Key")
		value, hasValue := t.str("Value")
		switch n, m := utf8.RuneCountInString(key), utf8.RuneCountInString(value); {
		case t.err != nil:
			return t.err
		case !hasKey || n < 1 || n > 128:
			return fmt.Errorf("%s.Key is required and must be 1 to 128 characters long", t.path)
		case !hasValue || m > 256:
			return fmt.Errorf("%s.Value is required and must be at most 256 characters long", t.path)
		}
	}
	return nil
}

func (s *Service) getVoiceConnector(c *call) *result {
	conn, _, err := s.store.get(c.region, c.id)
	if err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, connectorOutput{VoiceConnector: conn.wire()})
}

func (s *Service) deleteVoiceConnector(c *call) *result {
	if err := s.store.delete(c.region, c.id); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusNoContent, nil)
}

// DefaultPageSize is the ListVoiceConnectors page size when max-results is
// absent. The service documents none; a small default makes a client that
// forgets to paginate fail in tests rather than in production.
const DefaultPageSize = 10

// maxPageSize is the model's ResultMax maximum.
const maxPageSize = 100

type listOutput struct {
	VoiceConnectors []wireConnector `json:"VoiceConnectors"`
	NextToken       string          `json:"NextToken,omitempty"`
}

// listVoiceConnectors pages through the signing region's connectors in id
// order. The token is a cursor (the last id returned), so connectors created
// or deleted between pages never cause duplicates or skip others.
func (s *Service) listVoiceConnectors(c *call) *result {
	q := c.req.URL.Query()
	size := DefaultPageSize
	if q.Has("max-results") {
		n, err := strconv.Atoi(q.Get("max-results"))
		if err != nil || n < 1 || n > maxPageSize {
			return c.op.fail(excBadRequest, "max-results must be an integer between 1 and %d, got %q", maxPageSize, q.Get("max-results"))
		}
		size = n
	}
	var after string
	if q.Has("next-token") {
		var valid bool
		if after, valid = parseToken(q.Get("next-token"), c.region); !valid {
			return c.op.fail(excBadRequest, "next-token is not a token this listing returned in region %s", c.region)
		}
	}
	conns, more := s.store.page(c.region, after, size)
	out := listOutput{VoiceConnectors: make([]wireConnector, 0, len(conns))}
	for _, conn := range conns {
		out.VoiceConnectors = append(out.VoiceConnectors, conn.wire())
	}
	if more {
		out.NextToken = makeToken(c.region, conns[len(conns)-1].ID)
	}
	return ok(http.StatusOK, out)
}

const tokenPrefix = "vc1"

// makeToken encodes the cursor. It is opaque to clients, but bound to the
// region so that a token from one region's listing is refused in another.
func makeToken(region, lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + "|" + region + "|" + lastID))
}

func parseToken(token, region string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	p := strings.Split(string(raw), "|")
	if len(p) != 3 || p[0] != tokenPrefix || p[1] != region || !idPattern.MatchString(p[2]) {
		return "", false
	}
	return p[2], true
}
