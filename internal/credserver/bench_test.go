package credserver

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkServe measures one authorised GET over loopback with a kept-alive
// connection and cached credentials: the cost a client pays per call.
func BenchmarkServe(b *testing.B) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(b, p.get, Options{})
	serve(b, s)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest("GET", s.URL(), nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", s.Token())
	getHTTP(b, client, s) // fetch the credentials once
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
}
