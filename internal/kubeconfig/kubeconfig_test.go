package kubeconfig

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const kubectlStyle = `apiVersion: v1
# the clusters
clusters:
- cluster:
    certificate-authority-data: T0xE
    server: https://old.example
  name: prod
- cluster:
    server: https://other.example # keep me
  name: other

contexts:
- context:
    cluster: other
    user: other
  name: other
current-context: other
kind: Config
preferences: {}
users:
- name: other
  user:
    token: other-secret-token
- name: prod
  user:
    token: prod-secret-token
    client-key-data: a2V5
# trailing comment
`

func mustParse(t *testing.T, s string) *File {
	t.Helper()
	f, err := Parse("kc", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestReplaceKeepsTheRestByteForByte(t *testing.T) {
	f := mustParse(t, kubectlStyle)
	ch, err := f.Set(Clusters, "prod", ClusterBody("prod", "https://new.example", "TkVX"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Old) != 4 || len(ch.New) != 4 {
		t.Errorf("change %q -> %q", ch.Old, ch.New)
	}
	if _, err := f.Set(Users, "prod", ExecUserBody("prod", "assume", []string{"eks", "token", "--cluster", "prod"})); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Set(Contexts, "prod", ContextBody("prod", "prod", "prod")); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCurrentContext("prod"); err != nil {
		t.Fatal(err)
	}
	got := string(f.Bytes())
	want := strings.NewReplacer(
		"    certificate-authority-data: T0xE\n    server: https://old.example\n", "    certificate-authority-data: TkVX\n    server: https://new.example\n",
		"  name: other\ncurrent-context: other\n", "  name: other\n- context:\n    cluster: prod\n    user: prod\n  name: prod\ncurrent-context: prod\n",
		"- name: prod\n  user:\n    token: prod-secret-token\n    client-key-data: a2V5\n",
		"- name: prod\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      args:\n      - eks\n      - token\n      - --cluster\n      - prod\n      command: assume\n      interactiveMode: IfAvailable\n      provideClusterInfo: false\n",
	).Replace(kubectlStyle)
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	b := string(Backup("kc", []byte(kubectlStyle), f.Bytes()))
	if strings.Contains(b, "prod-secret-token") || strings.Contains(b, "a2V5") || !strings.Contains(b, "other-secret-token") ||
		!strings.Contains(b, "    token: "+RedactedValue+"\n    client-key-data: "+RedactedValue+"\n") {
		t.Errorf("backup:\n%s", b)
	}
	if strings.Replace(strings.Replace(b, RedactedValue, "prod-secret-token", 1), RedactedValue, "a2V5", 1) != kubectlStyle {
		t.Errorf("backup differs beyond the redactions:\n%s", b)
	}
}

func TestNewAndEmptyFiles(t *testing.T) {
	for _, in := range []string{"", "# only a comment\n", "clusters: []\nusers: null\ncontexts:\n", "clusters: [{name: a, cluster: {server: 'https://a'}}]\n"} {
		f := mustParse(t, in)
		for _, k := range []string{Clusters, Users, Contexts} {
			if _, err := f.Set(k, "x", ContextBody("x", "c", "u")); err != nil {
				t.Fatalf("%q: %v", in, err)
			}
		}
		if err := f.SetCurrentContext("x"); err != nil {
			t.Fatal(err)
		}
		var v struct {
			Clusters []map[string]any
			Users    []map[string]any
			Contexts []map[string]any
			Current  string `yaml:"current-context"`
		}
		if err := yaml.Unmarshal(f.Bytes(), &v); err != nil {
			t.Fatalf("%q -> %s: %v", in, f.Bytes(), err)
		}
		if v.Current != "x" || len(v.Users) != 1 || len(v.Contexts) != 1 || v.Clusters[len(v.Clusters)-1]["name"] != "x" {
			t.Errorf("%q -> %s", in, f.Bytes())
		}
		if strings.Contains(in, "{name: a") && (len(v.Clusters) != 2 || v.Clusters[0]["name"] != "a") {
			t.Errorf("flow entry lost: %s", f.Bytes())
		}
	}
}

func TestIndentedListsAndAppend(t *testing.T) {
	in := "clusters:\n  - name: a\n    cluster:\n      server: https://a\n\n# about b\n  - name: b\n    cluster:\n      server: https://b\nusers: []\n"
	f := mustParse(t, in)
	if _, err := f.Set(Clusters, "c", ClusterBody("c", "https://c", "")); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(in, "https://b\n", "https://b\n  - cluster:\n      server: https://c\n    name: c\n", 1)
	if string(f.Bytes()) != want {
		t.Errorf("got\n%s\nwant\n%s", f.Bytes(), want)
	}
	if _, err := f.Set(Clusters, "a", ClusterBody("a", "https://a2", "")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f.Bytes()), "  - cluster:\n      server: https://a2\n    name: a\n\n# about b\n") {
		t.Errorf("replacing a: %s", f.Bytes())
	}
}

func TestRefusals(t *testing.T) {
	for in, want := range map[string]string{
		"clusters: [\n":                 "kc:",
		"a: b\n\tc: d\n":                "kc:2: not YAML",
		"- a\n- b\n":                    "kc:1: not a kubeconfig",
		"clusters: x\n":                 "kc:1: clusters is not a list",
		"clusters:\n- a\n":              "kc:2: an entry of clusters is not a mapping",
		"a: 1\n---\nb: 2\n":             "more than one YAML document",
		"{clusters: []}\n":              "flow mapping",
		"x: &a {}\nclusters: *a\n":      "aliases",
		"key: \"unterminated\n\nz: 1\n": "kc:",
	} {
		_, err := Parse("kc", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestScalar(t *testing.T) {
	for _, s := range []string{"arn:aws:eks:eu-west-1:1:cluster/x", "true", "", "- x", "a: b", "#x", "line\nbreak", "'q'", "null"} {
		var back string
		if err := yaml.Unmarshal([]byte("v: "+Scalar(s)), &struct{ V *string }{&back}); err != nil || back != s {
			t.Errorf("%q -> %s -> %q, %v", s, Scalar(s), back, err)
		}
	}
}

// FuzzSet checks that an edit of any file that parses keeps every other
// entry and key as it was, and that the edited entry is there.
func FuzzSet(f *testing.F) {
	f.Add(kubectlStyle, "prod")
	f.Add("clusters: []\n", "a")
	f.Add("clusters:\n  - name: a\n    cluster: {}\n# c\n", "a")
	f.Add("", "x: y")
	f.Add("users:\n- name: u\n  user:\n    token: |\n      multi\n      line\n", "u")
	f.Fuzz(func(t *testing.T, in, name string) {
		kf, err := Parse("kc", []byte(in))
		if err != nil {
			return
		}
		var before map[string]any
		if yaml.Unmarshal([]byte(in), &before) != nil {
			return
		}
		if _, err := kf.Set(Clusters, name, ClusterBody(name, "https://s", "")); err != nil {
			return // refused, not corrupted: Set keeps the file on failure
		}
		out := kf.Bytes()
		var after map[string]any
		if err := yaml.Unmarshal(out, &after); err != nil {
			t.Fatalf("edited file does not parse: %v\n%s", err, out)
		}
		for k, v := range before {
			if k == Clusters {
				continue
			}
			if !reflect.DeepEqual(v, after[k]) {
				t.Fatalf("key %q changed: %v -> %v\n%s", k, v, after[k], out)
			}
		}
		others := func(m map[string]any) []any {
			var o []any
			l, _ := m[Clusters].([]any)
			for _, e := range l {
				if em, ok := e.(map[string]any); !ok || em["name"] != name {
					o = append(o, e)
				}
			}
			return o
		}
		if !reflect.DeepEqual(others(before), others(after)) {
			t.Fatalf("other clusters changed:\n%s\n->\n%s", in, out)
		}
		found := false
		l, _ := after[Clusters].([]any)
		for _, e := range l {
			if em, ok := e.(map[string]any); ok && em["name"] == name {
				found = true
			}
		}
		if !found {
			t.Fatalf("entry %q missing:\n%s", name, out)
		}
		_ = Backup("kc", []byte(in), out)
	})
}

func TestUpdateLocksBacksUpAndKeepsTheFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(kubectlStyle), 0o600); err != nil {
		t.Fatal(err)
	}
	set := func(f *File) ([]Change, error) {
		ch, err := f.Set(Users, "prod", ExecUserBody("prod", "assume", []string{"eks", "token"}))
		return []Change{ch}, err
	}
	// Another holder of kubectl's lock: refused, nothing written.
	if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var le *LockedError
	if _, err := Update(path, false, set); !errors.As(err, &le) {
		t.Fatalf("locked: %v", err)
	}
	os.Remove(path + ".lock")
	// A failing edit writes nothing.
	if _, err := Update(path, false, func(*File) ([]Change, error) { return nil, errors.New("no") }); err == nil {
		t.Fatal("failing edit: no error")
	}
	if b, _ := os.ReadFile(path); string(b) != kubectlStyle {
		t.Fatal("file changed by a failed edit")
	}
	ch, err := Update(path, true, set)
	if err != nil || len(ch) != 1 {
		t.Fatal(ch, err)
	}
	if d := Diff(path, ch); !strings.Contains(d, "-    token: "+RedactedValue) || strings.Contains(d, "prod-secret-token") || !strings.Contains(d, "+      command: assume") {
		t.Errorf("dry run diff:\n%s", d)
	}
	if b, _ := os.ReadFile(path); string(b) != kubectlStyle {
		t.Fatal("dry run wrote")
	}
	if _, err := Update(path, false, set); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path + ".bak")
	if strings.Contains(string(b), "prod-secret-token") || !strings.Contains(string(b), "other-secret-token") {
		t.Errorf("backup:\n%s", b)
	}
	for _, p := range []string{path, path + ".bak"} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, fi.Mode(), err)
		}
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Error("lock left behind")
	}
}
