package qcompat

import (
	"context"
	"fmt"
	"os"
	"time"
)

// lock holds path's exclusive lock, waiting (and reporting once that it
// waits) while another process installs; the context bounds the wait.
// unlock releases it.
func (s *Setup) lock(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open the install lock %s: %v; set QCOMPAT_CACHE_DIR to a folder you can write", path, err)
	}
	for waited := false; ; waited = true {
		busy, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock %s: %v", path, err)
		}
		if !busy {
			return func() { f.Close() }, nil
		}
		if !waited {
			s.report(Event{Kind: EventWaiting, Path: path, Message: "waiting for another process installing qcompat (lock " + path + ")"})
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("gave up waiting for the install lock %s: %v", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
