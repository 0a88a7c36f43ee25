// Package browser owns opening URLs in the user's web browser: finding the
// installed browsers, keeping one isolated browser profile per AWS profile,
// honouring ASSUME_BROWSER, and knowing when no browser can be shown at all
// (no display, an SSH session).
//
// # Kinds
//
// A browser setting (ASSUME_BROWSER, a flag, the settings file; see
// Resolve) is a kind name or a command template:
//
//	auto           the system default browser if we can isolate it, else the
//	               first installed browser in discovery order, else default
//	default        the system launcher (xdg-open, open, rundll32): no isolation
//	chrome chromium brave edge vivaldi
//	               that browser, one user data directory per AWS profile
//	firefox        Firefox, one container per AWS profile (needs an add-on)
//	firefox-plain  Firefox, plain tabs
//	none           open nothing; the URL is printed
//	anything else  a command template: {url} and {profile} are replaced
//	               (the URL is appended when there is no {url}); no shell
//
// # Discovery
//
// Find looks, per browser, in this order, and the first hit
// wins; the browsers themselves are tried in the order of Preference
// (Chrome, Chromium, Brave, Edge, Vivaldi, Firefox).
//
//   - Linux and the BSDs: the executable names on PATH (google-chrome,
//     google-chrome-stable; chromium, chromium-browser; brave-browser, brave;
//     microsoft-edge, microsoft-edge-stable; vivaldi, vivaldi-stable;
//     firefox), the same names in /usr/bin and /usr/local/bin, the snap in
//     /snap/bin, vendor folders under /opt, then flatpak exports in
//     /var/lib/flatpak/exports/bin and $XDG_DATA_HOME/flatpak/exports/bin.
//   - macOS: <Name>.app/Contents/MacOS/<exe> in /Applications, then in
//     ~/Applications.
//   - Windows: below %ProgramFiles%, %ProgramFiles(x86)%, then
//     %LocalAppData% (per-user installs), e.g.
//     Google\Chrome\Application\chrome.exe.
//
// For auto the system is asked for its default browser, within
// DefaultBrowserTimeout: "xdg-settings get default-web-browser" on Linux,
// the https handler of LaunchServices on macOS, the UserChoice ProgId in
// the registry on Windows.
//
// # Isolation
//
// A Chromium-family browser gets --user-data-dir=<root>/<kind>/<name>,
// created 0700 on first use, where <root> is DataRoot
// ($XDG_DATA_HOME/assume/browsers, ~/Library/Application
// Support/assume/browsers, %LocalAppData%\assume\browsers) and <name> is
// SafeName(profile): a folder name valid on every file system, never shared
// by two profiles (case differences and separators included). Snap and
// flatpak browsers cannot see that folder, so theirs live in
// ~/snap/<snap>/common/assume/browsers and
// ~/.var/app/<app-id>/data/assume/browsers. Each user data directory is a
// separate browser with its own cookies, so several AWS accounts stay
// signed in side by side; a second URL for the same profile opens as a tab
// in that profile's window.
//
// Firefox keeps one profile and separates sites with containers. Firefox
// itself has no command-line switch for a container, so we open
//
//	ext+container:name=<profile>&url=<url>&color=<color>&icon=<icon>
//
// which the add-on "Open external links in a container" handles: it opens
// the URL in the container of that name, creating it on first use. The
// colour comes from the profile's color key (Colors; default: a stable
// pick from the profile name); ParseColor rejects other values with a
// suggestion. Chromium profiles do not show the colour.
//
// # Rules it keeps
//
//   - Opening never blocks: the launcher is started and reaped in the
//     background, in its own process group, so Ctrl-C in the terminal does
//     not reach the browser it started.
//   - The launcher's output never reaches the user's terminal: stdin, stdout
//     and stderr go to /dev/null unless a debug writer is given. Debug
//     output shows the command line with the URL cut to scheme, host and
//     path: a sign-in URL's query holds a token.
//   - No shell is involved anywhere; a profile name is one argument.
//   - A URL never reaches the browser's command line (world-readable in
//     /proc/PID/cmdline) or environment: the browser gets the file:// URL
//     of a forwarding page (Pages), 0600 in a 0700 folder next to the
//     browser profiles, that replaces itself by the URL. Pages older than
//     PageLife are removed by the next launch; Close removes a launcher's
//     own.
//
// Stub records URLs for tests.
package browser
