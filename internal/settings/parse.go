package settings

// The file is read by the lenient mode of awsconfig's tokenizer, the one
// behind ~/.aws/config and behind Set and Unset, so that what Load reads is
// what `assume settings set` wrote. Unlike the shared files the settings
// file is never refused: a line it cannot use is reported and skipped.

import (
	"strings"
	"unicode"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// Section is the header, without brackets, of the section that holds the
// settings.
const Section = "settings"

// skipMessages say why a line was skipped, per awsconfig.Skip.
var skipMessages = map[awsconfig.Skip]string{
	awsconfig.SkipHeaderEnd:    "section header must end with ']'; the lines up to the next header are ignored",
	awsconfig.SkipBeforeHeader: "line before the [" + Section + "] header is ignored",
	awsconfig.SkipNoProperty:   "indented line continues no setting",
	awsconfig.SkipNoEquals:     "expected key = value",
}

// scan reads data and calls prop for each property of a [settings]
// section, in file order (line is 1-based), and problem for each line it
// skips.
func scan(data []byte, prop func(key, value string, line int), problem func(line int, msg string)) {
	awsconfig.ScanLenient(data, func(inner []byte, line int) bool {
		if isSettingsHeader(string(inner)) {
			return true
		}
		problem(line, "unknown section ["+strings.TrimSpace(string(inner))+"] is ignored (settings go in ["+Section+"])")
		return false
	}, prop, func(line int, why awsconfig.Skip) { problem(line, skipMessages[why]) })
}

// isSettingsHeader reports whether the inside of a header names the
// settings section, spacing aside, as awsconfig matches headers.
func isSettingsHeader(inner string) bool {
	t := strings.Trim(inner, " \t")
	if strings.ContainsAny(t, " \t") {
		return false
	}
	return strings.TrimFunc(t, unicode.IsSpace) == Section
}
