//go:build windows

package browser

import "golang.org/x/sys/windows/registry"

// registryDefaultBrowser returns the ProgId the user chose for https links
// ("ChromeHTML", "FirefoxURL-308046B0AF4A39CB", "MSEdgeHTM"), or "".
func registryDefaultBrowser() string {
	for _, scheme := range []string{"https", "http"} {
		k, err := registry.OpenKey(registry.CURRENT_USER,
			`Software\Microsoft\Windows\Shell\Associations\UrlAssociations\`+scheme+`\UserChoice`, registry.QUERY_VALUE)
		if err != nil {
			continue
		}
		id, _, err := k.GetStringValue("ProgId")
		k.Close()
		if err == nil && id != "" {
			return id
		}
	}
	return ""
}
