// Command qcompat-probe-pluginhost opens the probe plugin named by its first
// argument (cmd/qcompat-probe-plugin), calls its Take from main and from 8
// goroutines, prints the probe's line to standard error and exits 1 when it is
// not ok, 2 when the plugin cannot be opened (plugin.Open's error is printed).
package main

import (
	"os"
	"plugin"

	"github.com/qcompat/qcompat/fallback-go/internal/probecheck"
)

func main() {
	if len(os.Args) != 2 {
		println("usage: qcompat-probe-pluginhost PLUGIN.so")
		os.Exit(2)
	}
	p, err := plugin.Open(os.Args[1])
	if err != nil {
		println("qcompat-probe-pluginhost: " + err.Error())
		os.Exit(2)
	}
	sym, err := p.Lookup("Take")
	if err != nil {
		println("qcompat-probe-pluginhost: " + err.Error())
		os.Exit(2)
	}
	take, ok := sym.(func() probecheck.Sample)
	if !ok {
		println("qcompat-probe-pluginhost: the plugin's Take is not a func() probecheck.Sample")
		os.Exit(2)
	}
	line, ok := probecheck.Line(probecheck.Collect(take), true)
	println(line)
	if !ok {
		os.Exit(1)
	}
}
