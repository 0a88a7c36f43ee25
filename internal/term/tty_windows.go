//go:build windows

package term

import (
	"io"
	"os"
)

type conTTY struct{ in, out *os.File }

func (c conTTY) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c conTTY) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c conTTY) Close() error                { c.in.Close(); return c.out.Close() }

func openTTY() (io.ReadWriteCloser, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, err
	}
	return conTTY{in, out}, nil
}
