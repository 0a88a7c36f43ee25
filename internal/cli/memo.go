package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
)

// The plan memo: the cached path without the config files.
//
// A cache hit needs two things from a profile's plan, its cache key and its
// region, and finding them means reading ~/.aws/config and
// ~/.aws/credentials and resolving the chain: a cost that grows with the
// size of the config (two walks over 10,000 sections). After the profile
// resolves, a memo in the session cache (cache.PlanMemo) records both,
// with the identity of the two files as they were read (device, inode,
// size, mode, modification and change times) and of this executable. While
// nothing of that changes, the next run takes the key and region from the
// memo, with three stat calls instead of the reads and the parse.
//
// What keeps it exact:
//   - the identity is that of the versions read (atomicfile stamps the
//     file before the read and checks it after), never a later stat;
//   - a memo is written only when both files were left alone for
//     awsconfig.SettleTime before the read: a file written twice within its
//     file system's timestamp granularity keeps its times (git's index has
//     the same rule);
//   - any other input of the plan is in the memo's name (the profile and the
//     two paths) or its identity (the executable, whose rules resolve it);
//   - plans that need more than the files are not memoised: long-lived keys
//     (the answer holds the secret), keys in the keychain, assume --sso;
//   - a keychain-backed session cache is not used for it (a second keychain
//     read would cost more than the walk it saves).
//
// Anything unusual (no memo, another identity, a cache miss, an unreadable
// entry) falls back to the full path, which writes a new memo.
type planMemo struct {
	c       *cache.Cache
	id      string // the memo's name in the cache
	exe     []byte // the executable's identity
	matched bool   // the stored memo is the files' current one
}

// memoCached answers req from the plan memo and the session cache when it
// can; otherwise it returns the memo to record once the full path has
// resolved the profile (nil when the request or platform has none).
func memoCached(s *invocation, req resolveRequest) (*resolved, *planMemo) {
	if req.profile == "" || req.sso != nil || req.refresh || req.duration != 0 || req.check() != nil ||
		s.settings().Cache() == "keychain" {
		return nil, nil
	}
	exe, ok := exeIdentity()
	if !ok {
		return nil, nil
	}
	cfgPath, credPath := awsconfig.Locate(s.Getenv)
	cur, ok := awsconfig.CurrentIdentity(cfgPath, credPath)
	if !ok {
		return nil, nil
	}
	c := openCache(s)
	if c == nil {
		return nil, nil
	}
	m := &planMemo{c: c, id: memoID(req.profile, cfgPath, credPath), exe: exe}
	pm, err := c.Plan(m.id)
	if err != nil || !m.sameFiles(pm.Files, cur) {
		return nil, m
	}
	m.matched = true
	e, err := c.Credentials(pm.CacheKey)
	if err != nil {
		if req.debug {
			s.Noticef("debug: plan memo: config files unchanged; cache: %v", err)
		}
		return nil, m
	}
	r := &resolved{profile: req.profile, region: regionRule(req.region, pm.Region, s)}
	if req.debug {
		s.Noticef("debug: plan memo: %s and %s unchanged since profile %s last resolved; region %s", cfgPath, credPath, req.profile, r.region)
		s.Noticef("debug: cache hit: %s, expires %s", e.AccessKeyID, e.Expiration.UTC().Format(time.RFC3339))
	}
	r.Credentials, r.fromCache = e.Credentials(), true
	return r, m
}

// sameFiles reports whether a memo's identity is that of the executable
// and the files now.
func (m *planMemo) sameFiles(memo, files []byte) bool {
	return len(memo) == len(m.exe)+len(files) && bytes.HasPrefix(memo, m.exe) && bytes.Equal(memo[len(m.exe):], files)
}

// record writes the memo of plan, resolved from files, unless the stored
// one already matched or the plan or files cannot have one. Failures only
// cost the next run its shortcut.
func (m *planMemo) record(s *invocation, files *awsconfig.Files, plan *chain.Plan, debug bool) {
	if m == nil || m.matched || files == nil || !memoisable(plan) {
		return
	}
	id, ok := files.Identity(time.Now())
	if !ok {
		return
	}
	pm := &cache.PlanMemo{Files: append(m.exe[:len(m.exe):len(m.exe)], id...), CacheKey: plan.CacheKey(), Region: plan.Region.Text}
	if err := m.c.PutPlan(m.id, pm); err != nil && debug {
		s.Noticef("debug: plan memo not written: %v", err)
	}
}

// memoisable reports a plan whose cached credentials depend only on the
// config files: not long-lived keys, no keys from the keychain.
func memoisable(plan *chain.Plan) bool {
	if plan == nil || len(plan.Steps) == 0 || longLived(plan) {
		return false
	}
	for i := range plan.Steps {
		if plan.Steps[i].Kind == chain.KindStored {
			return false
		}
	}
	return true
}

// memoID names the memo of profile with these two files.
func memoID(profile, cfgPath, credPath string) string {
	h := sha256.New()
	for _, s := range [...]string{"assume/plan-memo", profile, cfgPath, credPath} {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// exeIdentity is the identity of the running executable (a rebuild or an
// upgrade changes it, and with it the rules that resolved a memo's plan).
func exeIdentity() ([]byte, bool) {
	path, err := os.Executable()
	if err != nil {
		return nil, false
	}
	st, err := atomicfile.StatPath(path)
	if err != nil || !st.Exists {
		return nil, false
	}
	return st.AppendID(nil)
}
