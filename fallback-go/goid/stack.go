//go:build qcompat_stack && !qcompat_injected

package goid

// ID returns the current goroutine's ID, parsed from runtime.Stack.
func ID() uint64 { return StackID() }

// Injected reports whether ID uses the injected accessor: never with this tag.
func Injected() bool { return false }
