package kubeconfig

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// ExecAPIVersion is the ExecCredential version the exec users ask for.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// ClusterBody is the entry of a cluster: its server and CA (base64 PEM).
func ClusterBody(name, server, caData string) []string {
	b := []string{"cluster:"}
	if caData != "" {
		b = append(b, "  certificate-authority-data: "+Scalar(caData))
	}
	return append(b, "  server: "+Scalar(server), "name: "+Scalar(name))
}

// ContextBody is the entry of a context joining a cluster and a user.
func ContextBody(name, cluster, user string) []string {
	return []string{"context:", "  cluster: " + Scalar(cluster), "  user: " + Scalar(user), "name: " + Scalar(name)}
}

// ExecUserBody is the entry of a user whose credentials come from running
// command with args (kubectl's exec plugin), with the terminal when there
// is one (interactiveMode IfAvailable).
func ExecUserBody(name, command string, args []string) []string {
	b := []string{"name: " + Scalar(name), "user:", "  exec:", "    apiVersion: " + ExecAPIVersion, "    args:"}
	for _, a := range args {
		b = append(b, "    - "+Scalar(a))
	}
	return append(b, "    command: "+Scalar(command), "    interactiveMode: IfAvailable", "    provideClusterInfo: false")
}

// RedactedValue replaces a secret in a backup.
const RedactedValue = "REDACTED-by-assume"

// IsSecretKey reports whether a kubeconfig key holds a secret: a bearer
// token, a client key, a password, any *-token or *secret*.
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	switch k {
	case "token", "client-key-data", "password":
		return true
	}
	return strings.HasSuffix(k, "-token") || strings.Contains(k, "secret")
}

// Backup is what the backup of an edit from old to updated holds: old with
// every secret value that updated no longer holds replaced by
// RedactedValue, everything else byte for byte. old that does not parse is
// returned as it is (it was not edited).
func Backup(path string, old, updated []byte) []byte {
	of, err := Parse(path, old)
	if err != nil || of.root == nil {
		return old
	}
	kept := map[string]bool{}
	if nf, err := Parse(path, updated); err == nil && nf.root != nil {
		secrets(nf.root, func(_, v *yaml.Node) { kept[v.Value] = true })
	}
	var redact []*yaml.Node
	secrets(of.root, func(k, v *yaml.Node) {
		if v.Value != "" && v.Value != RedactedValue && !kept[v.Value] {
			redact = append(redact, k)
		}
	})
	if len(redact) == 0 {
		return old
	}
	lines := append([]string(nil), of.lines...)
	drop := map[int]bool{}
	for _, k := range redact {
		i := k.Line - 1
		eol := "\n"
		if !strings.HasSuffix(lines[i], "\n") {
			eol = ""
		}
		// The key's line keeps its indent and key; a value spread over
		// more lines (block or folded scalars) loses them.
		lines[i] = lines[i][:k.Column-1] + k.Value + ": " + RedactedValue + eol
		ind := k.Column - 1
		for j := i + 1; j < len(lines); j++ {
			t := strings.TrimLeft(lines[j], " ")
			if strings.TrimSpace(t) != "" && len(lines[j])-len(t) <= ind {
				break
			}
			drop[j] = true
		}
	}
	var out strings.Builder
	for i, l := range lines {
		if !drop[i] {
			out.WriteString(l)
		}
	}
	return []byte(out.String())
}

// secrets visits the secret key/value pairs under n.
func secrets(n *yaml.Node, visit func(k, v *yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.ScalarNode && IsSecretKey(k.Value) && k.Line > 0 && k.Column > 0 {
				visit(k, v)
			}
		}
	}
	for _, c := range n.Content {
		secrets(c, visit)
	}
}
