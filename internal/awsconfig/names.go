package awsconfig

// ValidProfileName reports whether name can be selected as a profile: the
// parser's rule for profile and section names ([A-Za-z0-9_\-/.%@:+]+). A name
// outside it would be written but then ignored by every reader.
func ValidProfileName(name string) bool { return validIdent(name) }
