package awsemu

// Generated organisations: identity_center.generate expands at load time
// into many accounts, permission sets, a user and their assignments, with
// deterministic ids and names, so that tests of pickers and pagination can
// use a 2,000-account organisation without a 2,000-entry world file.

import (
	"fmt"
	"strconv"
	"strings"
)

// OrgGenerator describes a generated organisation.
type OrgGenerator struct {
	// Accounts is how many accounts to generate, 1-10000.
	Accounts int `json:"accounts"`
	// PermissionSets are assigned to User in every generated account;
	// ones not declared in permission_sets are created with the default
	// session duration. At most 20.
	PermissionSets []string `json:"permission_sets"`
	// User receives the assignments; created (with an example.com email)
	// when not declared in users.
	User string `json:"user"`
	// FirstAccountID is the id of the first generated account; the others
	// follow it. Default "100000000000".
	FirstAccountID string `json:"first_account_id,omitempty"`
}

const (
	maxGeneratedAccounts = 10000
	maxGeneratedPermSets = 20
	defaultFirstAccount  = 100000000000
)

// Words for generated account names: team-environment-number.
var (
	genTeams = []string{"payments", "search", "identity", "billing", "data", "platform", "mobile", "web",
		"ml", "security", "network", "logging", "analytics", "checkout", "catalog", "messaging"}
	genEnvs = []string{"dev", "test", "staging", "prod", "sandbox"}
)

// generatedOrg is what a generator adds to the world.
type generatedOrg struct {
	accounts    []Account
	users       []ICUser
	permSets    []PermissionSet
	assignments []Assignment
}

// expand builds the generated organisation. existing holds the world's
// explicit accounts, which generated ids must not collide with.
func (g *OrgGenerator) expand(ic *IdentityCenter, existing map[string]*Account) (*generatedOrg, error) {
	const f = "identity_center.generate"
	if g.Accounts < 1 || g.Accounts > maxGeneratedAccounts {
		return nil, worldErr(f+".accounts", "%d is outside 1-%d", g.Accounts, maxGeneratedAccounts)
	}
	if len(g.PermissionSets) == 0 || len(g.PermissionSets) > maxGeneratedPermSets {
		return nil, worldErr(f+".permission_sets", "name 1-%d permission sets", maxGeneratedPermSets)
	}
	if !icUserNameRe.MatchString(g.User) {
		return nil, worldErr(f+".user", "%q is not a valid user name", g.User)
	}
	first := int64(defaultFirstAccount)
	if g.FirstAccountID != "" {
		if !accountIDRe.MatchString(g.FirstAccountID) {
			return nil, worldErr(f+".first_account_id", "%q is not a 12-digit account id", g.FirstAccountID)
		}
		first, _ = strconv.ParseInt(g.FirstAccountID, 10, 64)
	}
	if first+int64(g.Accounts)-1 > 999999999999 {
		return nil, worldErr(f+".first_account_id", "the generated ids would exceed 12 digits")
	}
	out := &generatedOrg{accounts: make([]Account, 0, g.Accounts)}
	for i := 0; i < g.Accounts; i++ {
		id := strconv.FormatInt(first+int64(i), 10)
		id = strings.Repeat("0", 12-len(id)) + id
		if existing[id] != nil {
			return nil, worldErr(f+".first_account_id", "generated account %s collides with an account of the world", id)
		}
		num := strconv.Itoa(i + 1)
		if len(num) < 4 {
			num = strings.Repeat("0", 4-len(num)) + num
		}
		name := genTeams[i%len(genTeams)] + "-" + genEnvs[(i/len(genTeams))%len(genEnvs)] + "-" + num
		out.accounts = append(out.accounts, Account{ID: id, Name: name, Email: "aws+" + name + "@example.com"})
	}
	declared := map[string]bool{}
	for _, u := range ic.Users {
		declared["u/"+u.Name] = true
	}
	for _, ps := range ic.PermissionSets {
		declared["p/"+ps.Name] = true
	}
	if !declared["u/"+g.User] {
		out.users = append(out.users, ICUser{Name: g.User, Email: g.User + "@example.com"})
	}
	seen := map[string]bool{}
	for i, name := range g.PermissionSets {
		if !permSetNameRe.MatchString(name) {
			return nil, worldErr(fmt.Sprintf("%s.permission_sets[%d]", f, i), "%q is not a valid permission set name", name)
		}
		if seen[name] {
			return nil, worldErr(fmt.Sprintf("%s.permission_sets[%d]", f, i), "duplicate permission set %s", name)
		}
		seen[name] = true
		if !declared["p/"+name] {
			out.permSets = append(out.permSets, PermissionSet{Name: name})
		}
	}
	out.assignments = make([]Assignment, 0, len(out.accounts)*len(g.PermissionSets))
	for _, a := range out.accounts {
		for _, ps := range g.PermissionSets {
			out.assignments = append(out.assignments, Assignment{User: g.User, Account: a.ID, PermissionSet: ps})
		}
	}
	return out, nil
}

// Expanded returns a copy of the world with its identity_center.generate
// section replaced by the explicit accounts, users, permission sets and
// assignments it stands for. A world without a generator is returned as a
// validated copy.
func (w *World) Expanded() (*World, error) {
	c, err := cloneWorld(w)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	ic := c.IdentityCenter
	if ic == nil || ic.Generate == nil {
		return c, nil
	}
	existing := map[string]*Account{}
	for i := range c.Accounts {
		existing[c.Accounts[i].ID] = &c.Accounts[i]
	}
	gen, err := ic.Generate.expand(ic, existing)
	if err != nil {
		return nil, err
	}
	c.Accounts = append(c.Accounts, gen.accounts...)
	ic.Users = append(ic.Users, gen.users...)
	ic.PermissionSets = append(ic.PermissionSets, gen.permSets...)
	ic.Assignments = append(ic.Assignments, gen.assignments...)
	ic.Generate = nil
	return c, nil
}

// OrgOptions configure GenerateOrg.
type OrgOptions struct {
	Accounts       int
	PermissionSets []string // default ReadOnly, PowerUser, Admin
	User           string   // default "alice"
	StartURL       string   // default https://d-1234567890.awsapps.com/start
	Region         string   // default us-east-1
	FirstAccountID string
	// AutoApprove sets auto_approve_user to User.
	AutoApprove bool
}

// GenerateOrg returns a world holding only a generated organisation (the
// world `awsemu gen-org` prints). Expand it with (*World).Expanded.
func GenerateOrg(o OrgOptions) (*World, error) {
	if len(o.PermissionSets) == 0 {
		o.PermissionSets = []string{"ReadOnly", "PowerUser", "Admin"}
	}
	if o.User == "" {
		o.User = "alice"
	}
	if o.StartURL == "" {
		o.StartURL = "https://d-1234567890.awsapps.com/start"
	}
	if o.Region == "" {
		o.Region = defaultICRegion
	}
	w := &World{
		Comment:  fmt.Sprintf("A generated organisation of %d accounts (awsemu gen-org); see docs/awsemu.md.", o.Accounts),
		Accounts: []Account{},
		IdentityCenter: &IdentityCenter{
			Instance: ICInstance{StartURL: o.StartURL, Region: o.Region},
			Generate: &OrgGenerator{
				Accounts: o.Accounts, PermissionSets: o.PermissionSets, User: o.User, FirstAccountID: o.FirstAccountID,
			},
		},
	}
	if o.AutoApprove {
		w.IdentityCenter.Settings.AutoApproveUser = o.User
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, nil
}
