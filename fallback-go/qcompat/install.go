package qcompat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Install puts the release archive of [Version] for this platform in the
// cache, verified, and returns its binary. It does nothing more when a
// verified copy is there already; a copy that fails its check is replaced.
// Concurrent installs (other processes too) wait for one another.
func (s Setup) Install(ctx context.Context) (*Binary, error) {
	r := s.release()
	sum, sumFrom, err := s.trustedSum(r)
	if err != nil {
		return nil, err
	}
	root, err := s.installRoot()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %v; set QCOMPAT_CACHE_DIR to a folder you can write", root, err)
	}
	unlock, err := s.lock(ctx, filepath.Join(root, r.name+".lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	// What an install killed midway left (its staging folder, a partial
	// download) is never run, but is removed here, under the lock.
	if stale, err := filepath.Glob(filepath.Join(root, ".*-"+r.name+"-*")); err == nil {
		for _, p := range stale {
			os.RemoveAll(p)
		}
	}
	dir := filepath.Join(root, r.name)
	b := &Binary{Path: filepath.Join(dir, r.exe), Version: Version, Source: FromCache, rel: r, archive: filepath.Join(dir, r.archive), sum: sum, sumFrom: sumFrom}
	if _, err := os.Stat(dir); err == nil {
		if err := b.Verify(); err == nil {
			return b, nil // another process installed it meanwhile
		}
		s.report(Event{Kind: EventReinstalling, Path: dir, Message: "replacing " + dir + ", which fails its checksum"})
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("cannot remove the damaged install %s: %v", dir, err)
		}
	}
	archive, err := s.download(ctx, r, sum, sumFrom, root)
	if err != nil {
		return nil, err
	}
	defer os.Remove(archive)
	staging, err := os.MkdirTemp(root, ".unpack-"+r.name+"-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %v; set QCOMPAT_CACHE_DIR to a folder you can write", root, err)
	}
	defer os.RemoveAll(staging)
	if err := unpack(archive, r, staging); err != nil {
		return nil, fmt.Errorf("%v; nothing of it was installed", err)
	}
	// The archive stays beside the binary: each run checks it against the
	// trusted sum again, and the binary against it.
	if err := os.Rename(archive, filepath.Join(staging, r.archive)); err != nil {
		return nil, err
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		return nil, err
	}
	if err := os.Rename(staging, dir); err != nil {
		return nil, fmt.Errorf("cannot move the unpacked release into %s: %v", dir, err)
	}
	if err := b.Verify(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.report(Event{Kind: EventInstalled, Path: b.Path, Version: Version, Message: "installed qcompat " + Version + " at " + b.Path})
	return b, nil
}

// Find returns the qcompat to run: [Setup.Locate]'s, else a new install.
func (s Setup) Find(ctx context.Context) (*Binary, error) {
	b, err := s.Locate(ctx)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	b, ierr := s.Install(ctx)
	if ierr != nil {
		return nil, fmt.Errorf("%v (and no usable qcompat: %v)", ierr, err)
	}
	return b, nil
}
