package sim

//lint:file-ignore ST1005 messages start with the AWS member name, as the service's do

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// createInput is a validated CreateVoiceConnector request.
type createInput struct {
	name    string
	region  string
	encrypt bool
}

// parseCreate validates a CreateVoiceConnector body. Without AwsRegion the
// connector goes to the signing region (where the real, per-region endpoint
// would put it), or to DefaultRegion when the signing region hosts no Voice
// Connectors. Tags, IntegrationType and NetworkType are validated but not
// kept: nothing the simulator serves returns them.
func parseCreate(body *object, signing string) (createInput, error) {
	in := createInput{region: signing}
	name, hasName := body.str("Name")
	encrypt, hasEncrypt := body.boolean("RequireEncryption")
	region, hasRegion := body.str("AwsRegion")
	integration, _ := body.str("IntegrationType")
	network, _ := body.str("NetworkType")
	tags, _ := body.list("Tags")
	if body.err != nil {
		return in, body.err
	}
	in.name, in.encrypt = name, encrypt
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
		enum("IntegrationType", integration, "", "CONNECT_CALL_TRANSFER_CONNECTOR", "CONNECT_ANALYTICS_CONNECTOR"),
		enum("NetworkType", network, "", "IPV4_ONLY", "DUAL_STACK"),
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
