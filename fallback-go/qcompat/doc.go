// Package qcompat runs the qcompat command from Go, for programs such as
// q doctor whose users have Go but not Rust.
//
// It holds Go types for the JSON documents qcompat prints (doctor, select,
// probe: the schemas in matrix/schema), finds a qcompat binary or installs
// the release of exactly this package's [Version] for the running platform,
// runs doctor and select, and writes doctor's report as the text lines
// qcompat doctor prints.
//
// Finding: $QCOMPAT (a path), then PATH, then this package's install folder
// in qcompat's cache. A binary older than [Version] is reported and passed
// over. Installing: the archive is downloaded from the release base
// (QCOMPAT_RELEASE_URL overrides it), checked against the sha256 sums
// compiled into this package (QCOMPAT_RELEASE_SUMS names a SHA256SUMS file to
// trust instead), unpacked into a staging folder of the cache and renamed
// into place, all under a lock. The archive stays there and is checked again, with the
// binary against it, before every run: a byte that does not match is never
// run.
//
// The library prints nothing: progress goes to the [Setup.Report] callback.
package qcompat

//go:generate go run ../internal/gensums -cargo ../../Cargo.toml -o release.go
