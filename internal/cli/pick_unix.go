//go:build !windows

package cli

import "os"

// pickerTTY is the terminal the picker reads keys from and draws on.
type pickerTTY struct{ in, out *os.File }

func (t *pickerTTY) Close() { t.in.Close() }

// openPickerTTY opens the controlling terminal, so that stdout stays free.
func openPickerTTY() (*pickerTTY, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return &pickerTTY{in: f, out: f}, nil
}
