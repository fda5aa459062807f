package qcompat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// ErrNoArchive is wrapped by the error for a release base that has no
// archive for this platform (HTTP 404).
var ErrNoArchive = errors.New("no release archive")

// download fetches r's archive into a new file in dir, checks its size and
// sha256 while it arrives, and returns the file's path. On any error the
// file is gone.
func (s *Setup) download(ctx context.Context, r release, want, wantFrom, dir string) (string, error) {
	base := s.ReleaseURL
	if base == "" {
		base = DefaultReleaseURL
	}
	url := strings.TrimRight(base, "/") + "/" + r.archive
	max := s.MaxArchiveBytes
	if max <= 0 {
		max = 256 << 20
	}
	idle := s.IdleTimeout
	if idle <= 0 {
		idle = 30 * time.Second
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stalled atomic.Bool
	watchdog := time.AfterFunc(idle, func() { stalled.Store(true); cancel() })
	defer watchdog.Stop()
	fail := func(err error) error {
		switch {
		case stalled.Load():
			return fmt.Errorf("download of %s stalled: nothing received for %v (a slow or stuck server; try again, or set QCOMPAT_RELEASE_URL to a mirror)", url, idle)
		case errors.Is(parent.Err(), context.DeadlineExceeded):
			return fmt.Errorf("download of %s did not finish in time (context deadline exceeded): a slow server; try again, or set QCOMPAT_RELEASE_URL to a mirror", url)
		case parent.Err() != nil:
			return fmt.Errorf("download of %s: %v", url, parent.Err())
		}
		return fmt.Errorf("cannot download %s: %v (offline? set QCOMPAT_RELEASE_URL to a mirror, or QCOMPAT to a qcompat binary)", url, err)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("QCOMPAT_RELEASE_URL %q: %v", base, err)
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fail(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		if r.goos == "windows" {
			// qcompat runs processes the unix way: no Windows build exists.
			return "", fmt.Errorf("%w: %s answers 404: qcompat %s has no Windows build (it starts and signals processes the unix way); run it under WSL", ErrNoArchive, url, Version)
		}
		return "", fmt.Errorf("%w: %s answers 404 (qcompat %s has no archive for %s/%s there); build it from source: %s", ErrNoArchive, url, Version, r.goos, r.goarch, cargoInstall)
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("cannot download %s: %s", url, resp.Status)
	case resp.ContentLength > max:
		return "", fmt.Errorf("refused %s: it is %d bytes, over the %d-byte cap for a qcompat archive", url, resp.ContentLength, max)
	}
	s.report(Event{Kind: EventDownloading, URL: url, Total: resp.ContentLength, Message: "downloading " + url})

	f, err := os.CreateTemp(dir, ".download-"+r.name+"-*")
	if err != nil {
		return "", fmt.Errorf("cannot write in %s: %v; set QCOMPAT_CACHE_DIR to a folder you can write", dir, err)
	}
	keep := false
	defer func() {
		if !keep {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	body := &progress{r: io.LimitReader(resp.Body, max+1), total: resp.ContentLength, url: url, s: s, watchdog: watchdog, idle: idle}
	n, err := io.Copy(io.MultiWriter(f, h), body)
	if errors.Is(err, io.ErrUnexpectedEOF) && !stalled.Load() {
		return "", fmt.Errorf("download of %s ended after %d of %d bytes (the connection closed early; try again)", url, n, resp.ContentLength)
	}
	if err != nil {
		return "", fail(err)
	}
	if n > max {
		return "", fmt.Errorf("refused %s: it sends more than the %d-byte cap for a qcompat archive", url, max)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return "", fmt.Errorf("download of %s ended after %d of %d bytes", url, n, resp.ContentLength)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return "", fmt.Errorf("sha256 checksum mismatch for %s: the download from %s has %s, %s say %s; it was deleted unused (a damaged or tampered archive, or a mirror serving another build)", r.archive, url, got, wantFrom, want)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("cannot write %s: %v", f.Name(), err)
	}
	keep = true
	return f.Name(), nil
}

// progress reports bytes as they arrive and keeps the idle watchdog from
// firing while they do.
type progress struct {
	r        io.Reader
	done     int64
	total    int64
	last     int64
	url      string
	s        *Setup
	watchdog *time.Timer
	idle     time.Duration
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.watchdog.Reset(p.idle)
		p.done += int64(n)
		if p.done-p.last >= 1<<20 || err == io.EOF {
			p.last = p.done
			p.s.report(Event{Kind: EventProgress, URL: p.url, Done: p.done, Total: p.total})
		}
	}
	return n, err
}
