package preflight

import (
	"errors"
	"testing"
)

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte("SIP/2.0 200 OK\r\nCall-ID: a\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("SIP/2.0 486 Busy Here\r\nl: 3\r\n\r\nabc"))
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseResponse(data)
		if err != nil {
			if r != nil {
				t.Fatalf("got response %+v with error %v", r, err)
			}
			if !errors.Is(err, ErrNotSIP) && !errors.Is(err, errShort) {
				t.Fatalf("got error %v, want ErrNotSIP or errShort", err)
			}
			return
		}
		if r.Code < 100 || r.Code > 699 || r.BodyLen < 0 {
			t.Fatalf("got %+v", r)
		}
	})
}
