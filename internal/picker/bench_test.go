package picker

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// benchHistory is a realistic history: 500 uses over 200 profiles.
func benchHistory(items []Item) *History {
	h := &History{}
	for i := 0; i < MaxHistory; i++ {
		h.Record(items[(i*37)%200].Profile, testNow.Add(-time.Duration(i)*time.Hour))
	}
	return h
}

// BenchmarkFirstFrame10k measures what happens before the first frame on
// a 10,000-profile config: preparing the matcher, frecency order, and
// rendering a 200x50 frame.
func BenchmarkFirstFrame10k(b *testing.B) {
	items := genItems(10000)
	h := benchHistory(items)
	opts := Options{Now: func() time.Time { return testNow }, History: h}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		md := newModel(items, opts)
		buf.Reset()
		md.render(&buf, 200, 50)
	}
}

// BenchmarkKeystroke10k measures one more character of query on 10,000
// profiles (incremental filter, sort, render).
func BenchmarkKeystroke10k(b *testing.B) {
	items := genItems(10000)
	for _, q := range []string{"", "w", "web", "web pro"} {
		b.Run(fmt.Sprintf("after=%q", q), func(b *testing.B) {
			md := newModel(items, Options{Now: func() time.Time { return testNow }, History: benchHistory(items)})
			typeKeys(md, q)
			base := append([]rune(nil), md.query...)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				md.setQuery(base) // back to the previous query (cached)
				md.handle(key{kind: keyRune, r: 'd'}, 47)
				buf.Reset()
				md.render(&buf, 200, 50)
			}
		})
	}
}

// BenchmarkBackspace10k measures deleting a character (served from the
// cached matches of the shorter query).
func BenchmarkBackspace10k(b *testing.B) {
	items := genItems(10000)
	md := newModel(items, Options{Now: func() time.Time { return testNow }})
	typeKeys(md, "web prod")
	full := append([]rune(nil), md.query...)
	var buf bytes.Buffer
	for b.Loop() {
		md.setQuery(full)
		md.handle(key{kind: keyBackspace}, 47)
		buf.Reset()
		md.render(&buf, 200, 50)
	}
}
