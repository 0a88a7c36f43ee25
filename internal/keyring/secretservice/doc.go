// Package secretservice is a vault.Store kept in the freedesktop.org Secret
// Service (gnome-keyring, KeePassXC, ...) over the session D-Bus. It uses
// internal/dbus, not a D-Bus library, so the front end can read the
// keychain without linking package net.
//
// # Items
//
// Each key is one item in the configured collection (by default the
// "default" alias, normally the "login" keyring), with the attributes
// {"service": Options.Service, "key": key, "application": "assume"} and the
// label "assume: <key>". Items are found by the service and key attributes
// only, so an item stored by another tool with those attributes is read
// too: `secret-tool lookup service assume key <key>` and `secret-tool store
// --label=x service assume key <key>` interoperate. Items with matching
// attributes in other collections are ignored. The value is stored as is,
// with content type application/octet-stream.
//
// # Calls
//
// Open connects, calls ReadAlias (which also works around a
// gnome-keyring-daemon crash when a client's first call needs a session;
// see Store.connect), then OpenSession. Get is SearchItems then
// Item.GetSecret, two round trips; Set is Collection.CreateItem with
// replace; Delete is SearchItems then Item.Delete; List is SearchItems on
// the service attribute then a Properties.Get of each item's Attributes.
// Every call has Options.Timeout (3s by default) and fails with
// vault.ErrTimeout rather than hang. A transport error drops the
// connection; the next operation reconnects.
//
// # Transport security
//
// By default sessions use the "plain" algorithm: the secret crosses the
// session bus unencrypted. The bus is a private per-user socket, so only
// processes of the same user (who could ask the service for the secret
// anyway) can see it, e.g. with dbus-monitor. Options.Encrypt asks for
// "dh-ietf1024-sha256-aes128-cbc-pkcs7" instead (Diffie-Hellman in the RFC
// 2409 1024-bit group, HKDF-SHA256, AES-128-CBC; see session.go), which
// hides values from bus monitors but costs about 5 ms per Open with
// gnome-keyring, half the budget of a cached assume.
//
// # Locked keyrings and prompts
//
// A locked item is first passed to Service.Unlock. When the service
// answers with a prompt (it wants the user's password), the prompt is
// dismissed, never run: there may be no display, and running it would
// block. The operation fails with vault.ErrLocked and a hint to unlock the
// login keyring. No collection behind the alias, or no Secret Service on
// the bus, or no bus at all, is vault.ErrUnavailable; [Available] is a
// cheap check for a bus, without a round trip.
package secretservice
