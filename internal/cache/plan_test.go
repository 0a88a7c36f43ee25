package cache

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/assume-cli/assume/internal/vault"
)

func TestPlanMemo(t *testing.T) {
	c := New(vault.NewMemory())
	if _, err := c.Plan("p"); !errors.Is(err, ErrMiss) {
		t.Fatalf("empty cache: %v", err)
	}
	m := &PlanMemo{Files: []byte{1, 2, 0, 3}, CacheKey: "0123abcd", Region: "eu-west-1"}
	if err := c.PutPlan("p", m); err != nil {
		t.Fatal(err)
	}
	got, err := c.Plan("p")
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("got %+v, %v; want %+v", got, err, m)
	}
	// Other kinds of entry never read as memos, nor memos as credentials.
	c.PutCredentials("p", &Entry{AccessKeyID: "ASIA", SecretAccessKey: "s"})
	if _, err := c.Plan("p"); err != nil {
		t.Errorf("a credential entry of the same name replaced the memo: %v", err)
	}
	c.store.Set(prefixPlan+"q", []byte(`{"v":1,"akid":"ASIA","secret":"s"}`))
	if _, err := c.Plan("q"); !errors.Is(err, ErrMiss) {
		t.Errorf("a credential entry read as a memo: %v", err)
	}
	for _, bad := range []PlanMemo{{CacheKey: "k"}, {Files: []byte{1}}} {
		if _, err := DecodePlanMemo(EncodePlanMemo(&bad)); err == nil {
			t.Errorf("%+v decodes", bad)
		}
	}
	enc := EncodePlanMemo(m)
	for _, b := range [][]byte{enc[:len(enc)-1], append(bytes.Clone(enc), 0), enc[1:]} {
		if _, err := DecodePlanMemo(b); err == nil {
			t.Errorf("%q decodes", b)
		}
	}
}

// FuzzDecodePlanMemo: any input either fails or decodes to a memo that
// encodes back to exactly the input.
func FuzzDecodePlanMemo(f *testing.F) {
	f.Add(EncodePlanMemo(&PlanMemo{Files: []byte{1, 2, 3}, CacheKey: "k", Region: "us-east-1"}))
	f.Add(EncodePlanMemo(&PlanMemo{Files: []byte{0}, CacheKey: "k"}))
	f.Add([]byte(planMagic + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodePlanMemo(b)
		if err != nil {
			if bytes.Contains([]byte(err.Error()), b) && len(b) > 8 {
				t.Fatalf("error quotes the input: %v", err)
			}
			return
		}
		if back := EncodePlanMemo(m); !bytes.Equal(back, b) {
			t.Fatalf("decoded %+v encodes to %q, not %q", m, back, b)
		}
	})
}
