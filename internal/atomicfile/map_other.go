//go:build !linux

package atomicfile

// ReadMapped is Read where file mappings are not used.
func ReadMapped(path string, limit int64) ([]byte, Stamp, error) { return Read(path, limit) }
