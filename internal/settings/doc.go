// Package settings owns assume's own settings file: where it is, which keys
// it holds (one table, Keys, from which validation, `assume settings`, the
// completion and docs/settings.md all come), how a value is checked, and how
// the file is read and edited.
//
// The file is $XDG_CONFIG_HOME/assume/settings (~/.config/assume/settings
// when XDG_CONFIG_HOME is unset or relative, on every system: the same
// folder as the credential cache's key). It uses the syntax of ~/.aws/config,
// with every key in one [settings] section:
//
//	# my settings
//	[settings]
//	browser = firefox
//	cache_margin = 10m
//
// The section leaves room for later per-profile sections and lets the file
// be edited with awsconfig's lossless Document model: Set and Unset change
// only the line of their key (comments, order and spacing are kept) under a
// cross-process lock, with an atomic replace and a .bak copy.
//
// Reading is tolerant, because it happens on every run of assume: Load reads
// the file with the lenient mode of awsconfig's tokenizer and never fails on
// the file's content. A malformed line, an unknown key or an
// invalid value is skipped (the default, or the environment, applies) and
// reported as a Problem for the caller to print once. Each key may be
// overridden by an environment variable (ASSUME_ plus the key in capitals;
// NO_COLOR turns colour off whatever the settings say). The order is:
// environment, then file, then default.
//
// The package imports no network or AWS code, so the front end may use it on
// its cached path.
package settings
