// Command qcompat-probe-plugin is the probe as a Go plugin, for the plugin
// build kind (go build -buildmode=plugin): the host
// (cmd/qcompat-probe-pluginhost) opens it and calls Take from its main
// goroutine and from 8 others. Both must be built through the same injector
// and toolchain, or plugin.Open refuses the plugin.
package main

import "github.com/qcompat/qcompat/fallback-go/internal/probecheck"

// init finds goid's offset in g when the plugin is opened.
func init() { probecheck.Calibrate() }

// Take samples the calling goroutine inside the plugin: the injected ID, as
// the plugin's code reaches it, against runtime.Stack's.
func Take() probecheck.Sample { return probecheck.Take() }

// main is required by -buildmode=plugin and never runs.
func main() {}
