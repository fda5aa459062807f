package qcompat

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qcompat/qcompat/fallback-go/internal/releasetest"
)

// realRelease is the archive of this platform that ci/release.sh made.
type realRelease struct {
	dir     string
	rel     release
	archive []byte
	sums    string // the SHA256SUMS file
}

func packed(t *testing.T) realRelease {
	t.Helper()
	dir := releasetest.Dir(t)
	var s Setup
	r := s.release()
	data, err := os.ReadFile(filepath.Join(dir, r.archive))
	if err != nil {
		t.Fatalf("%s=%s: %v", releasetest.DirEnv, dir, err)
	}
	return realRelease{dir: dir, rel: r, archive: data, sums: filepath.Join(dir, "SHA256SUMS")}
}

// server serves the release folder at /rel/, through handle when set.
type server struct {
	*httptest.Server
	hits   atomic.Int64
	handle func(w http.ResponseWriter, r *http.Request, body []byte)
	body   []byte
}

func serve(t *testing.T, body []byte, handle func(w http.ResponseWriter, r *http.Request, body []byte)) *server {
	t.Helper()
	s := &server{body: body, handle: handle}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if s.handle != nil {
			s.handle(w, r, s.body)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(s.body)))
		w.Write(s.body)
	}))
	t.Cleanup(s.Close)
	return s
}

// events collects what a Setup reports.
type events struct {
	mu  sync.Mutex
	all []Event
}

func (e *events) add(ev Event) { e.mu.Lock(); e.all = append(e.all, ev); e.mu.Unlock() }

func (e *events) has(k EventKind) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.all {
		if ev.Kind == k {
			return true
		}
	}
	return false
}

func newSetup(t *testing.T, url, sums string) (Setup, *events) {
	ev := &events{}
	return Setup{CacheDir: t.TempDir(), ReleaseURL: url + "/rel", SumsFile: sums, Report: ev.add, IdleTimeout: 2 * time.Second}, ev
}

// noExecutable fails when the cache holds an executable or a qcompat file.
func noExecutable(t *testing.T, cache string) {
	t.Helper()
	filepath.Walk(cache, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && (info.Mode()&0o111 != 0 || strings.HasPrefix(info.Name(), "qcompat")) && !strings.HasSuffix(p, ".lock") {
			t.Errorf("left behind in the cache: %s (%v)", p, info.Mode())
		}
		return nil
	})
}

func sumsFor(t *testing.T, name string, data []byte) string {
	h := sha256.Sum256(data)
	p := filepath.Join(t.TempDir(), "SHA256SUMS")
	if err := os.WriteFile(p, []byte(hex.EncodeToString(h[:])+"  "+name+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInstallRunsTheRealArchiveAndWorksOffline(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, nil)
	s, ev := newSetup(t, srv.URL, rr.sums)
	ctx := context.Background()
	if _, err := s.Locate(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Locate before install: %v, want ErrNotFound", err)
	}
	b, err := s.Install(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.has(EventDownloading) || !ev.has(EventInstalled) {
		t.Errorf("events: %+v", ev.all)
	}
	out, err := exec.Command(b.Path, "--version").Output()
	if err != nil || string(out) != "qcompat "+Version+"\n" {
		t.Fatalf("%s --version: %q %v", b.Path, out, err)
	}
	// Twice, and then with the server gone: the verified install is used.
	if _, err := s.Install(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	found, err := s.Find(ctx)
	if err != nil || found.Path != b.Path || found.Source != FromCache {
		t.Fatalf("Find offline with an install: %+v %v", found, err)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("%d downloads, want 1", n)
	}
}

func TestOfflineWithoutInstallSaysSo(t *testing.T) {
	rr := packed(t)
	srv := serve(t, nil, nil)
	srv.Close()
	s, _ := newSetup(t, srv.URL, rr.sums)
	_, err := s.Find(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot download") || !strings.Contains(err.Error(), "QCOMPAT_RELEASE_URL") {
		t.Fatalf("got %v", err)
	}
	noExecutable(t, s.CacheDir)
}

func TestBadDownloadsLeaveNothing(t *testing.T) {
	rr := packed(t)
	changed := append([]byte(nil), rr.archive...)
	changed[len(changed)/2] ^= 1
	n := len(rr.archive)
	cases := []struct {
		name   string
		body   []byte
		max    int64
		handle func(w http.ResponseWriter, r *http.Request, body []byte)
		want   string
	}{
		{name: "one byte changed", body: changed, want: "sha256 checksum mismatch"},
		{name: "truncated", body: rr.archive, want: fmt.Sprintf("ended after %d of %d bytes", n/2, n),
			handle: func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.Write(body[:len(body)/2])
			}},
		{name: "larger than the cap", body: rr.archive, max: int64(n - 1), want: "over the"},
		{name: "larger than the cap, no length", body: rr.archive, max: int64(n - 1), want: "sends more than",
			handle: func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.Write(body[:10])
				w.(http.Flusher).Flush() // chunked: no Content-Length
				w.Write(body[10:])
			}},
		{name: "404", want: "answers 404 (qcompat " + Version + " has no archive for " + runtime.GOOS + "/" + runtime.GOARCH,
			handle: func(w http.ResponseWriter, r *http.Request, body []byte) { http.NotFound(w, r) }},
		{name: "500", want: "500 Internal Server Error",
			handle: func(w http.ResponseWriter, r *http.Request, body []byte) { w.WriteHeader(500) }},
		{name: "stalled", body: rr.archive, want: "stalled: nothing received for 300ms",
			handle: func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.Write(body[:100])
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := serve(t, c.body, c.handle)
			s, _ := newSetup(t, srv.URL, rr.sums)
			s.MaxArchiveBytes, s.IdleTimeout = c.max, 300*time.Millisecond
			_, err := s.Install(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if c.name == "404" && (!errors.Is(err, ErrNoArchive) || !strings.Contains(err.Error(), "cargo install")) {
				t.Errorf("404: %v", err)
			}
			noExecutable(t, s.CacheDir)
		})
	}
}

// A server that sends a byte now and then never looks idle: the context's
// deadline ends it.
func TestTricklingServerEndsAtTheDeadline(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		for i := range body {
			if _, err := w.Write(body[i : i+1]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	s, _ := newSetup(t, srv.URL, rr.sums)
	s.IdleTimeout = 500 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := s.Install(ctx)
	if err == nil || !strings.Contains(err.Error(), "did not finish in time") || time.Since(start) > 5*time.Second {
		t.Fatalf("got %v after %v", err, time.Since(start))
	}
	noExecutable(t, s.CacheDir)
}

// repack rewrites the real archive with the entries edit returns.
func repack(t *testing.T, data []byte, edit func([]*tar.Header, [][]byte) ([]*tar.Header, [][]byte)) []byte {
	t.Helper()
	hs, bodies := untar(t, data)
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestSpeed) // the real archive is large; the level does not matter here
	tw := tar.NewWriter(zw)
	hs, bodies = edit(append([]*tar.Header(nil), hs...), append([][]byte(nil), bodies...))
	for i, h := range hs {
		h := *h
		h.Size = int64(len(bodies[i]))
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		tw.Write(bodies[i])
	}
	tw.Close()
	zw.Close()
	return out.Bytes()
}

var untarred struct {
	once   sync.Once
	hs     []*tar.Header
	bodies [][]byte
}

// untar reads the real archive's entries once.
func untar(t *testing.T, data []byte) ([]*tar.Header, [][]byte) {
	untarred.once.Do(func() { untarred.hs, untarred.bodies = readTarGz(t, data) })
	return untarred.hs, untarred.bodies
}

// readTarGz is a .tar.gz's entries and their contents, in order.
func readTarGz(t *testing.T, data []byte) (hs []*tar.Header, bodies [][]byte) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return hs, bodies
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		hs, bodies = append(hs, h), append(bodies, b)
	}
}

// Archives whose sums match but whose entries are not a release's are
// refused, and nothing of them is written outside the staging folder.
func TestArchivesWithExtraOrEscapingEntriesAreRefused(t *testing.T) {
	rr := packed(t)
	if runtime.GOOS == "windows" {
		t.Skip("the tar.gz cases; windows archives are zip")
	}
	top := rr.rel.name
	// Most bad entries come first, which is refused at once; "extra file"
	// and "binary twice" come after the binary was unpacked, which must be
	// cleaned up.
	add := func(h tar.Header, body string) func([]*tar.Header, [][]byte) ([]*tar.Header, [][]byte) {
		return func(hs []*tar.Header, bs [][]byte) ([]*tar.Header, [][]byte) {
			h.Mode = 0o755
			if h.Name == top+"/evil" || h.Name == top+"/qcompat" {
				return append(hs, &h), append(bs, []byte(body))
			}
			return append([]*tar.Header{&h}, hs...), append([][]byte{[]byte(body)}, bs...)
		}
	}
	cases := map[string]func([]*tar.Header, [][]byte) ([]*tar.Header, [][]byte){
		"extra file":   add(tar.Header{Name: top + "/evil", Typeflag: tar.TypeReg}, "x"),
		"escaping":     add(tar.Header{Name: top + "/../evil", Typeflag: tar.TypeReg}, "x"),
		"absolute":     add(tar.Header{Name: "/tmp/evil-qcompat", Typeflag: tar.TypeReg}, "x"),
		"symlink":      add(tar.Header{Name: top + "/LICENSE-MIT", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}, ""),
		"binary twice": add(tar.Header{Name: top + "/qcompat", Typeflag: tar.TypeReg}, "#!/bin/sh\necho evil\n"),
		"second top":   add(tar.Header{Name: "other/qcompat", Typeflag: tar.TypeReg}, "x"),
		"no binary": func(hs []*tar.Header, bs [][]byte) ([]*tar.Header, [][]byte) {
			var h2 []*tar.Header
			var b2 [][]byte
			for i, h := range hs {
				if !strings.HasSuffix(h.Name, "/qcompat") {
					h2, b2 = append(h2, h), append(b2, bs[i])
				}
			}
			return h2, b2
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			bad := repack(t, rr.archive, edit)
			srv := serve(t, bad, nil)
			s, _ := newSetup(t, srv.URL, sumsFor(t, rr.rel.archive, bad))
			_, err := s.Install(context.Background())
			if err == nil || !strings.Contains(err.Error(), rr.rel.archive) || !strings.Contains(err.Error(), "nothing of it was installed") {
				t.Fatalf("got %v", err)
			}
			t.Log(err)
			noExecutable(t, s.CacheDir)
			if _, err := os.Stat(filepath.Join(s.CacheDir, "evil")); err == nil {
				t.Fatal("an entry escaped the staging folder")
			}
		})
	}
}

// The checksum compiled in, or in QCOMPAT_RELEASE_SUMS, decides: a sums
// file that does not list the archive, or lists another sum, ends the
// install before anything runs.
func TestSumsDecide(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, nil)
	s, _ := newSetup(t, srv.URL, sumsFor(t, rr.rel.archive, []byte("another archive")))
	if _, err := s.Install(context.Background()); err == nil || !strings.Contains(err.Error(), "sha256 checksum mismatch") {
		t.Fatalf("got %v", err)
	}
	noExecutable(t, s.CacheDir)
	s.SumsFile = sumsFor(t, "qcompat-0.0.0-plan9-mips.tar.gz", rr.archive)
	if _, err := s.Install(context.Background()); err == nil || !strings.Contains(err.Error(), "has no release archive for "+runtime.GOOS) {
		t.Fatalf("got %v", err)
	}
	s.SumsFile = ""
	if len(releaseSums) == 0 {
		if _, err := s.Install(context.Background()); err == nil || !strings.Contains(err.Error(), "not released yet") {
			t.Fatalf("got %v", err)
		}
	}
	if srv.hits.Load() != 1 {
		t.Errorf("%d downloads, want 1 (the mismatch)", srv.hits.Load())
	}
}

// A binary changed after install is never run: Command refuses it, Locate
// passes over it, and Find installs again.
func TestAlteredInstallIsReplaced(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, nil)
	s, ev := newSetup(t, srv.URL, rr.sums)
	ctx := context.Background()
	b, err := s.Install(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(b.Path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0})
	f.Close()
	if _, err := b.Command(ctx, "--version"); err == nil || !strings.Contains(err.Error(), "changed after install") {
		t.Fatalf("Command on the altered binary: %v", err)
	}
	if _, err := s.Locate(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Locate: %v", err)
	}
	b2, err := s.Find(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b2.Command(ctx, "--version"); err != nil || !ev.has(EventReinstalling) || srv.hits.Load() != 2 {
		t.Fatalf("after reinstall: %v, %d downloads, events %+v", err, srv.hits.Load(), ev.all)
	}
}

// Installs at once share one download; the others wait on the lock.
func TestConcurrentInstallsDownloadOnce(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, func(w http.ResponseWriter, r *http.Request, body []byte) {
		time.Sleep(300 * time.Millisecond) // long enough for the others to wait
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	})
	s, ev := newSetup(t, srv.URL, rr.sums)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.Install(context.Background())
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if srv.hits.Load() != 1 || !ev.has(EventWaiting) {
		t.Fatalf("%d downloads (want 1); waited: %v", srv.hits.Load(), ev.has(EventWaiting))
	}
}

func TestUnwritableCacheIsNamed(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, nil)
	s, _ := newSetup(t, srv.URL, rr.sums)
	file := filepath.Join(s.CacheDir, "a-file")
	os.WriteFile(file, nil, 0o644)
	s.CacheDir = filepath.Join(file, "cache")
	_, err := s.Install(context.Background())
	if err == nil || !strings.Contains(err.Error(), "QCOMPAT_CACHE_DIR") || !strings.Contains(err.Error(), file) {
		t.Fatalf("got %v", err)
	}
	if srv.hits.Load() != 0 {
		t.Error("downloaded with nowhere to put it")
	}
}

// An older qcompat on PATH is reported and passed over; one named by
// QCOMPAT is an error.
func TestOlderBinaryIsReportedNotUsed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for the old qcompat")
	}
	dir := t.TempDir()
	old := filepath.Join(dir, "qcompat")
	os.WriteFile(old, []byte("#!/bin/sh\necho qcompat 0.0.1\n"), 0o755)
	ev := &events{}
	s := Setup{PATH: dir, CacheDir: t.TempDir(), Report: ev.add}
	_, err := s.Locate(context.Background())
	if !errors.Is(err, ErrNotFound) || !ev.has(EventSkipped) || !strings.Contains(err.Error(), "qcompat 0.0.1, older than "+Version) {
		t.Fatalf("PATH: %v %+v", err, ev.all)
	}
	s.Binary = old
	if _, err := s.Locate(context.Background()); err == nil || !strings.Contains(err.Error(), "QCOMPAT="+old+" is qcompat 0.0.1, older") {
		t.Fatalf("QCOMPAT: %v", err)
	}
	os.WriteFile(old, []byte("#!/bin/sh\necho qcompat "+Version+"\n"), 0o755)
	if b, err := s.Locate(context.Background()); err != nil || b.Source != FromEnv {
		t.Fatalf("QCOMPAT current: %+v %v", b, err)
	}
}

// What a killed install leaves (a staging folder with a binary in it, a
// partial download) is never found, and the next install removes it.
func TestLeftoversOfKilledInstallsAreRemoved(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, nil)
	s, _ := newSetup(t, srv.URL, rr.sums)
	root := filepath.Join(s.CacheDir, "release")
	staging := filepath.Join(root, ".unpack-"+rr.rel.name+"-123")
	os.MkdirAll(staging, 0o755)
	os.WriteFile(filepath.Join(staging, rr.rel.exe), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(root, ".download-"+rr.rel.name+"-456"), []byte("partial"), 0o644)
	other := filepath.Join(root, ".unpack-qcompat-9.9.9-plan9-386-1") // another version's, maybe in use
	os.MkdirAll(other, 0o755)
	if _, err := s.Locate(context.Background()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Locate found a leftover: %v", err)
	}
	if _, err := s.Install(context.Background()); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(root, ".*"))
	if len(left) != 1 || left[0] != other {
		t.Fatalf("left in %s: %v", root, left)
	}
}
