package sim

import (
	"encoding/json"
	"reflect"
	"regexp"
	"testing"
)

// memberRE is how every 400 from the body decoders must begin: with the
// member at fault (Origination.Routes[3].Port, Tags[0].Key, Name...) or,
// when the body is not an object at all, "request body".
var memberRE = regexp.MustCompile(`^(request body|Origination(\.Routes(\[\d+\](\.(Host|Port|Protocol|Priority|Weight))?)?|\.Disabled)?|Name|RequireEncryption|AwsRegion|IntegrationType|NetworkType|Tags(\[\d+\](\.(Key|Value))?)?|` +
	`EmergencyCallingConfiguration(\.DNIS(\[\d+\](\.(EmergencyPhoneNumber|TestPhoneNumber|CallingCountry))?)?)?)\b`)

// FuzzDecodeRequest feeds arbitrary bodies to the decoders of
// PutVoiceConnectorOrigination, CreateVoiceConnector and
// PutVoiceConnectorEmergencyCallingConfiguration. They must never panic;
// every rejection must name the member at fault (the 400 an operator
// reads); and an accepted origination or emergency calling configuration,
// echoed as the simulator stores it, must be accepted again unchanged (what
// a Get returns can be Put back).
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `"x"`,
		`{"Origination":{"Routes":[{"Host":"sbc1.example.com","Port":5060,"Protocol":"UDP","Priority":1,"Weight":50}],"Disabled":false}}`,
		`{"Origination":{"Disabled":true}}`,
		`{"Origination":{"Routes":[],"Disabled":true}}`,
		`{"Origination":{"Routes":[{"Host":"a","Port":"5060"}]}}`,
		`{"Origination":{"Routes":[{"Host":"a","Priority":0}]}}`,
		`{"Origination":{"Routes":[{"Host":"a","Weight":1e2}]}}`,
		`{"origination":{"Disabled":true}}`,
		`{"Origination":null,"Name":"x"}`,
		`{"Name":"vc 1","RequireEncryption":false,"AwsRegion":"eu-west-2","Tags":[{"Key":"k","Value":""}]}`,
		`{"Name":"","RequireEncryption":true}`,
		`{"Name":"vc","RequireEncryption":"yes"}`,
		`{"Name":"vc","RequireEncryption":true,"NetworkType":"IPV6"}`,
		`{"Name":"vc","RequireEncryption":true,"Tags":[]}`,
		`{"Name":"vc","RequireEncryption":true,"IntegrationType":"","NetworkType":"DUAL_STACK"}`,
		`{"Origination":{"Routes":[],"Disabled":false}}`,
		`{"Origination":{"Routes":[{"Host":"a","Protocol":""}]}}`,
		`{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"+12065550100","TestPhoneNumber":"+12065550199","CallingCountry":"US"}]}}`,
		`{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"0","CallingCountry":"usa"}]}}`,
		`{"EmergencyCallingConfiguration":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		body, err := parseBody(data)
		if err != nil {
			namesMember(t, "parse", err)
			return
		}
		o, err := parseOrigination(body, MaxRoutes)
		if err != nil {
			namesMember(t, "Put", err)
		} else {
			echoed, _ := json.Marshal(putInput{Origination: o})
			again, err := parseBody(echoed)
			if err == nil {
				var o2 *wireOrigination
				if o2, err = parseOrigination(again, MaxRoutes); err == nil && !reflect.DeepEqual(o, o2) {
					t.Fatalf("echo %s read back as %+v, was %+v", echoed, o2, o)
				}
			}
			if err != nil {
				t.Fatalf("accepted %q, but its echo %s is refused: %v", data, echoed, err)
			}
		}
		body, _ = parseBody(data) // the decoders' first error sticks: start afresh
		if _, err := parseCreate(body, "us-east-1"); err != nil {
			namesMember(t, "Create", err)
		}
		body, _ = parseBody(data)
		ec, err := parseEmergencyCalling(body)
		if err != nil {
			namesMember(t, "Put emergency calling", err)
			return
		}
		echoed, _ := json.Marshal(emergencyCallingOutput{EmergencyCallingConfiguration: ec})
		again, _ := parseBody(echoed)
		if ec2, err := parseEmergencyCalling(again); err != nil || !reflect.DeepEqual(ec, ec2) {
			t.Fatalf("accepted %q, but its echo %s reads back as %+v, %v", data, echoed, ec2, err)
		}
	})
}

type putInput struct {
	Origination *wireOrigination `json:"Origination"`
}

func namesMember(t *testing.T, op string, err error) {
	t.Helper()
	if !memberRE.MatchString(err.Error()) {
		t.Fatalf("%s: the error names no member: %q", op, err)
	}
}
