package qcompat

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// One holder at a time: a second lock waits (and says so once) until the
// first is released, and gives up when its context ends.
func TestLockExcludes(t *testing.T) {
	var waited int
	s := Setup{Report: func(e Event) {
		if e.Kind == EventWaiting {
			waited++
		}
	}}
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := s.lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := s.lock(ctx, path); err == nil || !strings.Contains(err.Error(), "gave up waiting") {
		t.Fatalf("second lock while held: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := s.lock(context.Background(), path)
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("took the lock while held: %v", err)
	default:
	}
	unlock()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if waited != 2 {
		t.Errorf("%d waiting reports, want 2 (one per waiter)", waited)
	}
}
