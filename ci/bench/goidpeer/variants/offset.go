package variants

// goidOffset is g.goid's offset on go1.26 amd64; ci/bench/goid_layouts.sh
// rewrites this file from goid's table for the Go it runs.
const goidOffset = 152
