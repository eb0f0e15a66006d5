package sim

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"time"
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
}

// DefaultRegion is where a connector is created when neither the request's
// AwsRegion nor the signing region names a Voice Connector region; it is the
// default the service model documents for CreateVoiceConnector.
const DefaultRegion = "us-east-1"

// Regions returns the Voice Connector regions of the model's
// VoiceConnectorAwsRegion enum, in model order; ListAvailableVoiceConnectorRegions
// answers this list.
func Regions() []string {
	return []string{"us-east-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1",
		"eu-west-2", "ap-northeast-2", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2"}
}

func validRegion(r string) bool { return slices.Contains(Regions(), r) }

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

// newRequestID returns a random UUID-shaped id for x-amzn-RequestId.
func newRequestID() string {
	a, b := rand.Uint64(), rand.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

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

// timestampLayout is ISO 8601 with milliseconds, as the service sends
// (e.g. 2019-06-04T18:46:56.508Z).
const timestampLayout = "2006-01-02T15:04:05.000Z"

// wireConnector is the VoiceConnector shape on the wire.
type wireConnector struct {
	VoiceConnectorID  string `json:"VoiceConnectorId"`
	AwsRegion         string `json:"AwsRegion"`
	Name              string `json:"Name"`
	OutboundHostName  string `json:"OutboundHostName"`
	RequireEncryption bool   `json:"RequireEncryption"`
	CreatedTimestamp  string `json:"CreatedTimestamp"`
	UpdatedTimestamp  string `json:"UpdatedTimestamp"`
	VoiceConnectorArn string `json:"VoiceConnectorArn"`
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
	}
}
