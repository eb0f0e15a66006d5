package sim_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
)

func TestSDKPagination(t *testing.T) {
	s, url := start(t, sim.Config{})
	for i := range 250 {
		mustCreate(t, s, fmt.Sprintf("vc-%04d", i), "us-east-1")
	}
	mustCreate(t, s, "elsewhere", "us-west-2")
	var want []string
	for _, c := range s.Connectors("us-east-1") {
		want = append(want, c.ID)
	}
	c := client(url, "us-east-1")
	for _, size := range []int32{0, 1, 7, 100} { // 0: max-results omitted, default page size
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			in := &chimesdkvoice.ListVoiceConnectorsInput{}
			if size > 0 {
				in.MaxResults = aws.Int32(size)
			}
			p := chimesdkvoice.NewListVoiceConnectorsPaginator(c, in, func(o *chimesdkvoice.ListVoiceConnectorsPaginatorOptions) {
				o.StopOnDuplicateToken = true
			})
			var got []string
			pages := 0
			for p.HasMorePages() {
				page, err := p.NextPage(t.Context())
				if err != nil {
					t.Fatalf("page %d: %v", pages+1, err)
				}
				pages++
				for _, vc := range page.VoiceConnectors {
					got = append(got, aws.ToString(vc.VoiceConnectorId))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("ids: got %d (unique %d), want the %d of us-east-1 in order", len(got), len(slices.Compact(slices.Sorted(slices.Values(got)))), len(want))
			}
			perPage := int(size)
			if size == 0 {
				perPage = sim.DefaultPageSize
			}
			if wantPages := (250 + perPage - 1) / perPage; pages != wantPages {
				t.Errorf("pages: got %d, want %d", pages, wantPages)
			}
		})
	}
}

func TestSDKTokenFromOtherRegionRefused(t *testing.T) {
	s, url := start(t, sim.Config{})
	for i := range 3 {
		mustCreate(t, s, fmt.Sprint("vc", i), "us-east-1")
	}
	first, err := client(url, "us-east-1").ListVoiceConnectors(t.Context(), &chimesdkvoice.ListVoiceConnectorsInput{MaxResults: aws.Int32(1)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: got token %v, err %v; want a token", first.NextToken, err)
	}
	_, err = client(url, "eu-west-1").ListVoiceConnectors(t.Context(), &chimesdkvoice.ListVoiceConnectorsInput{NextToken: first.NextToken})
	if name, _ := exception(err); name != "BadRequestException" {
		t.Errorf("token in another region: got %v, want BadRequestException", err)
	}
}

func TestSDKThrottling(t *testing.T) {
	s, url := start(t, sim.Config{Rate: 1, Burst: 2})
	id := mustCreate(t, s, "vc", "us-east-1").ID
	c := client(url, "us-east-1")
	var throttled int
	for range 5 {
		_, err := c.GetVoiceConnectorOrigination(t.Context(), &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)})
		if err == nil {
			continue
		}
		if name, code := exception(err); name != "ThrottledClientException" || code != "Throttled" {
			t.Fatalf("got %s/%s (%v), want ThrottledClientException/Throttled", name, code, err)
		}
		throttled++
	}
	if throttled < 2 {
		t.Errorf("throttled calls: got %d, want at least 2 of 5 with burst 2 at 1/s", throttled)
	}
	// Buckets are per operation: another operation still has its burst.
	if _, err := c.ListVoiceConnectors(t.Context(), &chimesdkvoice.ListVoiceConnectorsInput{}); err != nil {
		t.Errorf("ListVoiceConnectors with a fresh bucket: got %v, want success", err)
	}
	st := s.Stats()
	if got := st.Count("GetVoiceConnectorOrigination", 429); got != int64(throttled) || st.Throttled != int64(throttled) {
		t.Errorf("stats: got %d 429s, %d throttled; want %d", got, st.Throttled, throttled)
	}
	s.SetRate(0, 0)
	if _, err := c.GetVoiceConnectorOrigination(t.Context(), &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}); err != nil {
		t.Errorf("after SetRate(0, 0): got %v, want success", err)
	}
}

// faultPattern puts 40 times and returns what each call answered.
func faultPattern(t *testing.T, seed int64) (string, *sim.Service) {
	s, url := start(t, sim.Config{FaultRate: 0.5, Seed: seed})
	id := mustCreate(t, s, "vc", "us-east-1").ID
	c := client(url, "us-east-1")
	var b []byte
	for i := range 40 {
		_, err := c.PutVoiceConnectorOrigination(t.Context(), &chimesdkvoice.PutVoiceConnectorOriginationInput{
			VoiceConnectorId: aws.String(id),
			Origination:      &types.Origination{Routes: []types.OriginationRoute{route("10.0.0.1", 5060, int32(i%100+1), 1, "UDP")}},
		})
		switch name, code := exception(err); {
		case err == nil:
			b = append(b, '.')
		case name == "ServiceFailureException" && code == "ServiceFailure":
			b = append(b, 'F')
		case name == "ServiceUnavailableException" && code == "ServiceUnavailable":
			b = append(b, 'U')
		default:
			t.Fatalf("put %d: got %v, want success or a typed 5xx", i, err)
		}
	}
	return string(b), s
}

func TestSDKFaultsReproducible(t *testing.T) {
	a, s := faultPattern(t, 42)
	b, _ := faultPattern(t, 42)
	if a != b {
		t.Errorf("same seed: got %s and %s, want equal", a, b)
	}
	for _, ch := range ".FU" {
		if !slices.Contains([]rune(a), ch) {
			t.Errorf("pattern %s: want at least one %q", a, ch)
		}
	}
	// A faulted put changes nothing: the stored priority is the last success's.
	i := strings.LastIndexByte(a, '.')
	o, err := s.Origination(s.Connectors("")[0].ID)
	if err != nil || o.Routes[0].Priority != i%100+1 {
		t.Errorf("stored priority: got %+v, %v; want %d from put %d", o, err, i%100+1, i)
	}
	ok := s.Stats().Count("PutVoiceConnectorOrigination", 200)
	if got, want := s.Stats().Faults, int64(len(a))-ok; got != want {
		t.Errorf("faults: got %d, want %d", got, want)
	}
}

func TestStatePersistsAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, url := start(t, sim.Config{StatePath: path})
	c := client(url, "eu-central-1")
	var ids []string
	for _, name := range []string{"a", "b", "c"} {
		out, err := c.CreateVoiceConnector(t.Context(), &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String(name), RequireEncryption: aws.Bool(true)})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		ids = append(ids, aws.ToString(out.VoiceConnector.VoiceConnectorId))
	}
	_, err := c.PutVoiceConnectorOrigination(t.Context(), &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(ids[0]),
		Origination: &types.Origination{Routes: []types.OriginationRoute{route("10.1.1.1", 5080, 1, 10, "TCP")}}})
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	if _, err := c.DeleteVoiceConnector(t.Context(), &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(ids[2])}); err != nil {
		t.Fatalf("delete: %v", err)
	}

	again, err := sim.New(sim.Config{StatePath: path})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	if got, want := again.Connectors(""), s.Connectors(""); !slices.Equal(got, want) {
		t.Errorf("connectors after restart: got %+v, want %+v", got, want)
	}
	want := &origination.Origination{Routes: []origination.Route{{Host: "10.1.1.1", Port: 5080, Protocol: "TCP", Priority: 1, Weight: 10}}}
	if got, err := again.Origination(ids[0]); err != nil || !origination.Equal(got, want) {
		t.Errorf("origination after restart: got %+v, %v; want %+v", got, err, want)
	}
	if got, err := again.Origination(ids[1]); err != nil || got != nil {
		t.Errorf("unset origination after restart: got %+v, %v; want nil", got, err)
	}
}
