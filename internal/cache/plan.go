package cache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// prefixPlan holds plan memos.
const prefixPlan = "plan/"

// PlanMemo records what a profile resolved to while its config files were
// at a given version (Files, an identity such as awsconfig.Files.Identity
// writes, opaque here): the cache key of its plan and its region. With
// the files unchanged, a cache hit needs neither file read nor resolved.
type PlanMemo struct {
	Files    []byte
	CacheKey string
	Region   string
}

// planMagic starts an encoded PlanMemo; a new format gets a new magic, and
// an entry of another is a miss.
const planMagic = "assume/plan-memo/v1\n"

// Plan returns the memo stored under id; any failure is a miss (wrapping
// ErrMiss).
func (c *Cache) Plan(id string) (*PlanMemo, error) {
	b, err := c.store.Get(prefixPlan + id)
	if err != nil {
		return nil, miss(err)
	}
	m, err := DecodePlanMemo(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMiss, err)
	}
	return m, nil
}

// PutPlan stores m under id.
func (c *Cache) PutPlan(id string, m *PlanMemo) error {
	return c.store.Set(prefixPlan+id, EncodePlanMemo(m))
}

// EncodePlanMemo serialises m: the magic, then each field as a uvarint
// length and its bytes.
func EncodePlanMemo(m *PlanMemo) []byte {
	b := make([]byte, 0, len(planMagic)+len(m.Files)+len(m.CacheKey)+len(m.Region)+3*binary.MaxVarintLen32)
	b = append(b, planMagic...)
	for _, f := range [...][]byte{m.Files, []byte(m.CacheKey), []byte(m.Region)} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// DecodePlanMemo parses what EncodePlanMemo wrote, and nothing else: a
// memo without files or cache key, a short or long one is refused. Errors
// never quote the input.
func DecodePlanMemo(b []byte) (*PlanMemo, error) {
	rest, ok := bytes.CutPrefix(b, []byte(planMagic))
	if !ok {
		return nil, errors.New("not a plan memo of this version")
	}
	var f [3][]byte
	for i := range f {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return nil, errors.New("truncated plan memo")
		}
		if w > 1 && rest[w-1] == 0 { // a length written longer than it is
			return nil, errors.New("plan memo is not in its encoding")
		}
		f[i], rest = rest[w:w+int(n)], rest[w+int(n):]
	}
	if len(rest) != 0 {
		return nil, errors.New("plan memo has trailing bytes")
	}
	if len(f[0]) == 0 || len(f[1]) == 0 {
		return nil, errors.New("plan memo without files or cache key")
	}
	return &PlanMemo{Files: bytes.Clone(f[0]), CacheKey: string(f[1]), Region: string(f[2])}, nil
}
