package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
)

func dnis(emergency, test, country string) types.DNISEmergencyCallingConfiguration {
	d := types.DNISEmergencyCallingConfiguration{EmergencyPhoneNumber: aws.String(emergency), CallingCountry: aws.String(country)}
	if test != "" {
		d.TestPhoneNumber = aws.String(test)
	}
	return d
}

func TestSDKEmergencyCalling(t *testing.T) {
	s, url := start(t, sim.Config{})
	id := aws.String(mustCreate(t, s, "e911", "us-east-1").ID)
	c := client(url, "us-east-1")
	ctx := t.Context()
	get := func() *types.EmergencyCallingConfiguration {
		t.Helper()
		out, err := c.GetVoiceConnectorEmergencyCallingConfiguration(ctx, &chimesdkvoice.GetVoiceConnectorEmergencyCallingConfigurationInput{VoiceConnectorId: id})
		if err != nil {
			t.Fatalf("GetVoiceConnectorEmergencyCallingConfiguration: %v", err)
		}
		return out.EmergencyCallingConfiguration
	}
	if got := get(); got != nil {
		t.Fatalf("Get of unset configuration: got %+v, want nil", got)
	}
	in := &types.EmergencyCallingConfiguration{DNIS: []types.DNISEmergencyCallingConfiguration{
		dnis("+12065550100", "+12065550199", "US"), dnis("16135550100", "", "CA")}}
	out, err := c.PutVoiceConnectorEmergencyCallingConfiguration(ctx, &chimesdkvoice.PutVoiceConnectorEmergencyCallingConfigurationInput{
		VoiceConnectorId: id, EmergencyCallingConfiguration: in})
	if err != nil {
		t.Fatalf("PutVoiceConnectorEmergencyCallingConfiguration: %v", err)
	}
	for name, got := range map[string]*types.EmergencyCallingConfiguration{"Put echo": out.EmergencyCallingConfiguration, "Get": get()} {
		if got == nil || len(got.DNIS) != 2 || aws.ToString(got.DNIS[0].TestPhoneNumber) != "+12065550199" ||
			got.DNIS[1].TestPhoneNumber != nil || aws.ToString(got.DNIS[1].CallingCountry) != "CA" {
			t.Errorf("%s: got %+v, want the two DNIS entries as put", name, got)
		}
	}
	want := &sim.EmergencyCalling{DNIS: []sim.DNIS{{"+12065550100", "+12065550199", "US"}, {"16135550100", "", "CA"}}}
	if got, err := s.EmergencyCalling(*id); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("direct EmergencyCalling: got %+v, %v; want %+v", got, err, want)
	}
	for i := range 2 { // the second delete finds nothing and still succeeds
		if _, err := c.DeleteVoiceConnectorEmergencyCallingConfiguration(ctx, &chimesdkvoice.DeleteVoiceConnectorEmergencyCallingConfigurationInput{VoiceConnectorId: id}); err != nil {
			t.Fatalf("DeleteVoiceConnectorEmergencyCallingConfiguration #%d: %v", i+1, err)
		}
		if got := get(); got != nil {
			t.Errorf("Get after delete #%d: got %+v, want nil", i+1, got)
		}
	}
}

// TestSDKEmergencyCallingGuardsOrigination: while emergency calling is
// configured, origination can be neither turned off nor deleted.
func TestSDKEmergencyCallingGuardsOrigination(t *testing.T) {
	s, url := start(t, sim.Config{})
	id := mustCreate(t, s, "e911", "us-east-1").ID
	c := client(url, "us-east-1")
	ctx := t.Context()
	enabled := &origination.Origination{Routes: []origination.Route{{Host: "10.0.0.1", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 1}}}
	if err := s.SetOrigination(id, enabled); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEmergencyCalling(id, &sim.EmergencyCalling{DNIS: []sim.DNIS{{EmergencyPhoneNumber: "+12065550100", CallingCountry: "US"}}}); err != nil {
		t.Fatal(err)
	}
	disable := func(ctx context.Context) error {
		_, err := c.PutVoiceConnectorOrigination(ctx, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id),
			Origination: &types.Origination{Disabled: aws.Bool(true), Routes: routes(1)}})
		return err
	}
	remove := func(ctx context.Context) error {
		_, err := c.DeleteVoiceConnectorOrigination(ctx, &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)})
		return err
	}
	tests := []struct {
		name string
		call func(context.Context) error
		want string
	}{
		{"put disabled", disable, "Origination.Disabled: if emergency calling is configured for the Voice Connector, it must be deleted prior to " +
			"turning off origination settings (voice connector " + id + " has an emergency calling configuration)"},
		{"delete", remove, "If emergency calling is configured for the Voice Connector, it must be deleted prior to " +
			"deleting the origination settings (voice connector " + id + " has an emergency calling configuration)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := as[*types.BadRequestException](tt.call(t.Context()))
			if !ok || aws.ToString(e.Message) != tt.want {
				t.Errorf("got %v, want BadRequestException %q", e, tt.want)
			}
		})
	}
	// An enabled Put is still fine, and nothing changed.
	if _, err := c.PutVoiceConnectorOrigination(ctx, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id),
		Origination: &types.Origination{Routes: routes(2)}}); err != nil {
		t.Errorf("enabled Put: %v", err)
	}
	if o, _ := s.Origination(id); o == nil || o.Disabled || len(o.Routes) != 2 {
		t.Errorf("origination: got %+v, want the 2 enabled routes", o)
	}
	// Direct access follows the same rule.
	for _, o := range []*origination.Origination{nil, {Disabled: true}} {
		if err := s.SetOrigination(id, o); err == nil || !strings.Contains(err.Error(), "emergency calling") {
			t.Errorf("SetOrigination(%+v): got %v, want an emergency calling error", o, err)
		}
	}
	// Once emergency calling is deleted, both work.
	if err := s.SetEmergencyCalling(id, nil); err != nil {
		t.Fatal(err)
	}
	if err := disable(ctx); err != nil {
		t.Errorf("Put disabled after deleting emergency calling: %v", err)
	}
	if err := remove(ctx); err != nil {
		t.Errorf("Delete after deleting emergency calling: %v", err)
	}
}

func TestSDKEmergencyCallingErrors(t *testing.T) {
	s, url := start(t, sim.Config{})
	known := mustCreate(t, s, "e911", "us-east-1").ID
	const unknown = "zzzzzzzzzzzzzzzzzzzzzz"
	c := client(url, "us-east-1")
	put := func(id string, ds ...types.DNISEmergencyCallingConfiguration) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.PutVoiceConnectorEmergencyCallingConfiguration(ctx, &chimesdkvoice.PutVoiceConnectorEmergencyCallingConfigurationInput{
				VoiceConnectorId: aws.String(id), EmergencyCallingConfiguration: &types.EmergencyCallingConfiguration{DNIS: ds}})
			return err
		}
	}
	tests := []struct {
		name, wantType, wantMsg string
		call                    func(context.Context) error
	}{
		{"get unknown id", "NotFoundException", "voice connector " + unknown + " not found", func(ctx context.Context) error {
			_, err := c.GetVoiceConnectorEmergencyCallingConfiguration(ctx, &chimesdkvoice.GetVoiceConnectorEmergencyCallingConfigurationInput{VoiceConnectorId: aws.String(unknown)})
			return err
		}},
		{"put unknown id", "NotFoundException", "voice connector " + unknown + " not found", put(unknown, dnis("+12065550100", "", "US"))},
		{"delete unknown id", "NotFoundException", "voice connector " + unknown + " not found", func(ctx context.Context) error {
			_, err := c.DeleteVoiceConnectorEmergencyCallingConfiguration(ctx, &chimesdkvoice.DeleteVoiceConnectorEmergencyCallingConfigurationInput{VoiceConnectorId: aws.String(unknown)})
			return err
		}},
		{"bad id", "BadRequestException", "VoiceConnectorId", put("NOPE", dnis("+12065550100", "", "US"))},
		{"letters in number", "BadRequestException",
			"EmergencyCallingConfiguration.DNIS[0].EmergencyPhoneNumber is required and must be an E.164 number: an optional + and 2 to 15 digits, the first not 0",
			put(known, dnis("+1206555CALL", "", "US"))},
		{"leading zero", "BadRequestException", "EmergencyCallingConfiguration.DNIS[0].EmergencyPhoneNumber", put(known, dnis("+0206555010", "", "US"))},
		{"16 digits", "BadRequestException", "EmergencyCallingConfiguration.DNIS[0].EmergencyPhoneNumber", put(known, dnis("+1206555010012345", "", "US"))},
		{"one digit", "BadRequestException", "EmergencyCallingConfiguration.DNIS[0].EmergencyPhoneNumber", put(known, dnis("+1", "", "US"))},
		{"bad test number", "BadRequestException",
			"EmergencyCallingConfiguration.DNIS[1].TestPhoneNumber must be an E.164 number: an optional + and 2 to 15 digits, the first not 0",
			put(known, dnis("+12065550100", "", "US"), dnis("+12065550100", "0911", "US"))},
		{"lower-case country", "BadRequestException",
			`EmergencyCallingConfiguration.DNIS[0].CallingCountry is required and must be an ISO 3166-1 alpha-2 code (two upper-case letters), got "us"`,
			put(known, dnis("+12065550100", "", "us"))},
		{"three-letter country", "BadRequestException", "EmergencyCallingConfiguration.DNIS[0].CallingCountry", put(known, dnis("+12065550100", "", "USA"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(t.Context())
			if name, _ := exception(err); name != tt.wantType || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("got %v, want %s containing %q", err, tt.wantType, tt.wantMsg)
			}
		})
	}
	if ec, _ := s.EmergencyCalling(known); ec != nil {
		t.Errorf("configuration after rejected puts: got %+v, want nil", ec)
	}
	if err := s.SetEmergencyCalling(known, &sim.EmergencyCalling{DNIS: []sim.DNIS{{EmergencyPhoneNumber: "+1206"}}}); err == nil ||
		!strings.Contains(err.Error(), "CallingCountry") {
		t.Errorf("SetEmergencyCalling without a country: got %v, want a CallingCountry error", err)
	}
	if err := s.SetEmergencyCalling(unknown, nil); !errors.Is(err, sim.ErrNotFound) {
		t.Errorf("SetEmergencyCalling of an unknown id: got %v, want ErrNotFound", err)
	}
}

// TestWireEmergencyCalling checks the exact bodies, and the members the SDK
// requires before sending.
func TestWireEmergencyCalling(t *testing.T) {
	s, url := start(t, sim.Config{Unconfigured: sim.UnconfiguredNotFound})
	id := mustCreate(t, s, "e911", "us-east-1").ID
	ec := url + "/voice-connectors/" + id + "/emergency-calling-configuration"
	steps := []struct {
		method, body string
		status       int
		want         string // exact body; for errors, the Message
	}{
		{"GET", "", 404, "voice connector " + id + " has no emergency calling configuration"},
		{"DELETE", "", 404, "voice connector " + id + " has no emergency calling configuration"},
		{"PUT", `{}`, 400, "EmergencyCallingConfiguration is required"},
		{"PUT", `{"EmergencyCallingConfiguration":{"DNIS":[{"CallingCountry":"US"}]}}`, 400,
			"EmergencyCallingConfiguration.DNIS[0].EmergencyPhoneNumber is required and must be an E.164 number: an optional + and 2 to 15 digits, the first not 0"},
		{"PUT", `{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"+12065550100"}]}}`, 400,
			`EmergencyCallingConfiguration.DNIS[0].CallingCountry is required and must be an ISO 3166-1 alpha-2 code (two upper-case letters), got ""`},
		{"PUT", `{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"+12065550100","CallingCountry":"US","TestPhoneNumber":""}]}}`, 400,
			"EmergencyCallingConfiguration.DNIS[0].TestPhoneNumber must be an E.164 number: an optional + and 2 to 15 digits, the first not 0"},
		{"PUT", `{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":12065550100,"CallingCountry":"US"}]}}`, 400,
			"EmergencyCallingConfiguration.DNIS[0].EmergencyPhoneNumber must be a string"},
		{"PUT", `{"EmergencyCallingConfiguration":{"DNIS":{}}}`, 400, "EmergencyCallingConfiguration.DNIS must be a JSON array"},
		{"PUT", `{"EmergencyCallingConfiguration":{}}`, 200, `{"EmergencyCallingConfiguration":{"DNIS":[]}}`},
		{"PUT", `{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"+12065550100","CallingCountry":"US","Future":1}]}}`, 200,
			`{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"+12065550100","CallingCountry":"US"}]}}`},
		{"GET", "", 200, `{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"+12065550100","CallingCountry":"US"}]}}`},
		{"DELETE", "", 204, ""},
	}
	for _, st := range steps {
		a := do(t, signed(t, st.method, ec, st.body, "us-east-1"))
		got := a.body
		if a.status >= 400 {
			var e struct{ Message string }
			_ = json.Unmarshal([]byte(a.body), &e)
			got = e.Message
		}
		if a.status != st.status || got != st.want {
			t.Errorf("%s %s: got %d %s, want %d %s", st.method, st.body, a.status, got, st.status, st.want)
		}
	}
}

// TestEmergencyCallingPersists: the state file keeps emergency calling and
// the connector members added to it.
func TestEmergencyCallingPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, url := start(t, sim.Config{StatePath: path})
	c := client(url, "us-east-1")
	out, err := c.CreateVoiceConnector(t.Context(), &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("kept"), RequireEncryption: aws.Bool(true),
		NetworkType: types.NetworkTypeDualStack, IntegrationType: types.VoiceConnectorIntegrationTypeConnectCallTransferConnector})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.VoiceConnector.VoiceConnectorId)
	want := &sim.EmergencyCalling{DNIS: []sim.DNIS{{EmergencyPhoneNumber: "+12065550100", TestPhoneNumber: "+12065550199", CallingCountry: "US"}}}
	if err := s.SetEmergencyCalling(id, want); err != nil {
		t.Fatal(err)
	}
	again, err := sim.New(sim.Config{StatePath: path})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	if got, err := again.EmergencyCalling(id); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("emergency calling after restart: got %+v, %v; want %+v", got, err, want)
	}
	if got := again.Connectors(""); len(got) != 1 || got[0].NetworkType != "DUAL_STACK" || got[0].IntegrationType != "CONNECT_CALL_TRANSFER_CONNECTOR" {
		t.Errorf("connector after restart: got %+v, want DUAL_STACK and CONNECT_CALL_TRANSFER_CONNECTOR", got)
	}
}
