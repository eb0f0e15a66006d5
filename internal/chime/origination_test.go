package chime

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/sipops/reconciler/internal/origination"
)

const testID = "abcdef1ghij2klmno3pqr4"

func TestGetOriginationNormalises(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    *origination.Origination
	}{
		{"empty body", answer(200, ``), nil},
		{"empty object", answer(200, `{}`), nil},
		{"empty origination", answer(200, `{"Origination":{}}`), nil},
		{"no routes not disabled", answer(200, `{"Origination":{"Routes":[],"Disabled":false}}`), nil},
		{"disabled without routes", answer(200, `{"Origination":{"Disabled":true}}`),
			&origination.Origination{Disabled: true}},
		{"absent port and unsorted routes", answer(200, `{"Origination":{"Routes":[
			{"Host":"b.example.com","Protocol":"TCP","Priority":2,"Weight":10},
			{"Host":"10.0.0.1","Port":5080,"Protocol":"UDP","Priority":1,"Weight":5}]}}`),
			&origination.Origination{Routes: []origination.Route{
				{Host: "10.0.0.1", Port: 5080, Protocol: "UDP", Priority: 1, Weight: 5},
				{Host: "b.example.com", Port: 5060, Protocol: "TCP", Priority: 2, Weight: 10},
			}}},
		{"routes and disabled", answer(200, `{"Origination":{"Disabled":true,"Routes":[{"Host":"h","Port":5060,"Protocol":"TCP","Priority":1,"Weight":1}]}}`),
			&origination.Origination{Disabled: true, Routes: []origination.Route{{Host: "h", Port: 5060, Protocol: "TCP", Priority: 1, Weight: 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			c := newTestClient(t, srv.URL, ClientOptions{})
			got, err := c.GetOrigination(t.Context(), "", testID)
			if err != nil {
				t.Fatalf("GetOrigination: got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPutOriginationSendsAndNormalises(t *testing.T) {
	bodies := make(chan []byte, 1)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/voice-connectors/"+testID+"/origination" {
			t.Errorf("got %s %s, want PUT of the origination", r.Method, r.URL.Path)
		}
		body, _ := io.ReadAll(r.Body)
		bodies <- body
		answer(200, `{"Origination":{"Disabled":false,"Routes":[{"Host":"h","Protocol":"UDP","Priority":1,"Weight":1}]}}`)(w, r)
	}))
	c := newTestClient(t, srv.URL, ClientOptions{})
	desired := &origination.Origination{Routes: []origination.Route{{Host: "h", Protocol: "UDP", Priority: 1, Weight: 1}}}
	got, err := c.PutOrigination(t.Context(), "", testID, desired)
	if err != nil {
		t.Fatalf("PutOrigination: %v", err)
	}
	sent := <-bodies
	wantSent := `{"Origination":{"Disabled":false,"Routes":[{"Host":"h","Priority":1,"Protocol":"UDP","Weight":1}]}}`
	if !jsonEqual(t, sent, wantSent) {
		t.Errorf("sent %s, want %s", sent, wantSent)
	}
	want := &origination.Origination{Routes: []origination.Route{{Host: "h", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 1}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("sent body %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(g, w)
}

func TestPutOriginationRefusesNil(t *testing.T) {
	f := &flaky{ok: answer(200, `{}`)}
	c := newTestClient(t, serve(t, f).URL, ClientOptions{})
	_, err := c.PutOrigination(t.Context(), "", testID, nil)
	if err == nil || f.requests() != 0 {
		t.Errorf("got error %v after %d requests, want an error and no request", err, f.requests())
	}
}

func TestNotFoundStaysAnError(t *testing.T) {
	f := &flaky{ok: func(w http.ResponseWriter, _ *http.Request) { writeError(w, 404) }}
	c := newTestClient(t, serve(t, f).URL, ClientOptions{})
	o := &origination.Origination{Disabled: true}
	calls := map[string]func() error{
		"get voice connector " + testID + " in us-east-1: ": func() error {
			_, err := c.GetConnector(t.Context(), "", testID)
			return err
		},
		// The origination's 404, then the connector's: it does not exist.
		"get origination of " + testID + " in us-east-1: the voice connector does not exist: ": func() error {
			_, err := c.GetOrigination(t.Context(), "", testID)
			return err
		},
		"put origination of " + testID + " in us-east-1: ": func() error {
			_, err := c.PutOrigination(t.Context(), "", testID, o)
			return err
		},
		"delete origination of " + testID + " in us-east-1: ": func() error {
			return c.DeleteOrigination(t.Context(), "", testID)
		},
	}
	for prefix, call := range calls {
		t.Run(strings.Fields(prefix)[0], func(t *testing.T) {
			err := call()
			if !IsNotFound(err) || IsTransient(err) {
				t.Errorf("got IsNotFound %v IsTransient %v, want true false (err %v)", IsNotFound(err), IsTransient(err), err)
			}
			if _, ok := errors.AsType[*types.NotFoundException](err); !ok {
				t.Errorf("got %T, want a *types.NotFoundException inside", err)
			}
			if err == nil || !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("got %q, want prefix %q", err, prefix)
			}
		})
	}
}

func TestDeleteOrigination(t *testing.T) {
	methods := make(chan string, 1)
	c := newTestClient(t, serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		methods <- r.Method
		w.WriteHeader(http.StatusNoContent)
	})).URL, ClientOptions{})
	if err := c.DeleteOrigination(t.Context(), "", testID); err != nil {
		t.Fatalf("DeleteOrigination: %v", err)
	}
	if method := <-methods; method != http.MethodDelete {
		t.Errorf("got method %s, want DELETE", method)
	}
}
