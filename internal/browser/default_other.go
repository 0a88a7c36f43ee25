//go:build !windows

package browser

// registryDefaultBrowser exists only on Windows.
func registryDefaultBrowser() string { return "" }
