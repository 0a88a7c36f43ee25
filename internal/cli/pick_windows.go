//go:build windows

package cli

import "os"

// pickerTTY is the console the picker reads keys from and draws on.
type pickerTTY struct{ in, out *os.File }

func (t *pickerTTY) Close() { t.in.Close(); t.out.Close() }

// openPickerTTY opens the console input and output, so that stdout stays
// free.
func openPickerTTY() (*pickerTTY, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, err
	}
	return &pickerTTY{in: in, out: out}, nil
}
