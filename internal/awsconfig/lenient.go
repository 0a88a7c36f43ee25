package awsconfig

// Skip says why ScanLenient passed over a line.
type Skip int

// The lines ScanLenient passes over.
const (
	SkipHeaderEnd    Skip = iota + 1 // a header line without its ']': the lines up to the next header go with it
	SkipBeforeHeader                 // a line before the first header
	SkipNoProperty                   // an indented line that continues no property
	SkipNoEquals                     // a line that is not "key = value" (no '=', or nothing before it)
)

// ScanLenient is the lenient mode of the tokenizer, for a file that must be
// read whatever it holds (assume's own settings file, read on every run):
// the line rules are those of the shared files, but a line that breaks them
// is reported to skip and passed over instead of failing the whole file.
//
// For each well-formed header it calls section with the text between the
// brackets (untrimmed) and the header's 1-based line; section returns
// whether to read the properties up to the next header. For each property
// of a section read it calls prop in file order with the key lower-cased
// (but not checked to be a valid name), the value with its continuation
// lines joined by "\n", and the property's line. An indented line after a
// property with an empty value continues it as a sub-property line, whether
// or not it holds an '='. Lines of sections not read are not looked at.
//
// On a file Parse accepts, ScanLenient skips nothing and reads the values
// Parse reads (a fuzz test holds them to it).
func ScanLenient(data []byte, section func(inner []byte, line int) bool, prop func(key, value string, line int), skip func(line int, why Skip)) {
	const (
		outside = iota // before the first header
		reading        // in a section that is read
		passing        // in a section that is not read, or after a broken header
	)
	state := outside
	var (
		curKey, curVal string
		curLine        int
		open           bool // a property is being read: indented lines continue it
	)
	flush := func() {
		if open {
			prop(curKey, curVal, curLine)
		}
		open = false
	}
	line := 0
	for off := 0; off < len(data); {
		l, next := nextLine(data, off)
		off = next
		line++
		switch {
		case isBlank(l) || l[0] == '#' || l[0] == ';':
			// blank or comment: a property goes on past it
		case l[0] == '[':
			flush()
			inner, ok := headerInner(l)
			switch {
			case !ok:
				state = passing
				skip(line, SkipHeaderEnd)
			case section(inner, line):
				state = reading
			default:
				state = passing
			}
		case state == outside:
			skip(line, SkipBeforeHeader)
		case state == passing:
		case isWS(l[0]):
			if !open {
				skip(line, SkipNoProperty)
				continue
			}
			curVal += "\n" + string(trimWS(l))
		default:
			flush()
			k, v, perr := splitProperty(l)
			if perr != propOK {
				skip(line, SkipNoEquals)
				continue
			}
			curKey, curVal, curLine, open = lowerKey(k), string(v), line, true
		}
	}
	flush()
}

// HasInlineComment reports whether value, written as a property's value,
// would be cut short: it holds a '#' or ';' after white space, which starts
// a comment. Spaces and tabs around value are ignored.
func HasInlineComment(value string) bool {
	v := []byte(value)
	return len(stripComment(v, true)) != len(trimWS(v))
}
