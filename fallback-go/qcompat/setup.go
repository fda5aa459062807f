package qcompat

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// DefaultReleaseURL is the release base the archives of [Version] are
// downloaded from when QCOMPAT_RELEASE_URL does not name another.
const DefaultReleaseURL = "https://github.com/qcompat/qcompat/releases/download/v" + Version

// Setup says where to look for qcompat and how to install it. The zero
// value looks nowhere; [SetupFromEnv] fills it from the environment as the
// qcompat command reads it.
type Setup struct {
	// Binary is a qcompat to use ($QCOMPAT); when set, nothing else is
	// looked at.
	Binary string
	// PATH is searched for qcompat when Binary is empty ("": not searched).
	PATH string
	// CacheDir is qcompat's cache root ($QCOMPAT_CACHE_DIR, else the user
	// cache's qcompat folder); releases are installed in its "release"
	// folder.
	CacheDir string
	// ReleaseURL is the folder the archives and SHA256SUMS are served from
	// ($QCOMPAT_RELEASE_URL, else [DefaultReleaseURL]).
	ReleaseURL string
	// SumsFile is a SHA256SUMS file to trust instead of the sums compiled
	// into this package ($QCOMPAT_RELEASE_SUMS).
	SumsFile string
	// Client makes the download (nil: http.DefaultClient).
	Client *http.Client
	// IdleTimeout ends a download that receives nothing for this long
	// (0: 30 seconds). The whole download is bounded by the context.
	IdleTimeout time.Duration
	// MaxArchiveBytes caps the archive's size (0: 256 MiB); a larger one
	// is refused unread.
	MaxArchiveBytes int64
	// Report receives what the setup does (nil: nothing is reported). The
	// library prints nothing itself.
	Report func(Event)
	// GOOS and GOARCH are the platform to install for ("": this one's).
	GOOS, GOARCH string
}

// SetupFromEnv reads QCOMPAT, PATH, QCOMPAT_CACHE_DIR (else the user cache
// folder, as qcompat does), QCOMPAT_RELEASE_URL and QCOMPAT_RELEASE_SUMS.
func SetupFromEnv() Setup {
	s := Setup{
		Binary:     os.Getenv("QCOMPAT"),
		PATH:       os.Getenv("PATH"),
		CacheDir:   os.Getenv("QCOMPAT_CACHE_DIR"),
		ReleaseURL: os.Getenv("QCOMPAT_RELEASE_URL"),
		SumsFile:   os.Getenv("QCOMPAT_RELEASE_SUMS"),
	}
	if s.CacheDir == "" {
		// qcompat's own default on Linux ($XDG_CACHE_HOME, else ~/.cache);
		// left empty when there is no such folder, and Install says so.
		if d, err := os.UserCacheDir(); err == nil {
			s.CacheDir = filepath.Join(d, "qcompat")
		}
	}
	return s
}

// EventKind is what an [Event] reports.
type EventKind int

// Event kinds.
const (
	// EventSkipped: a qcompat found on PATH was passed over (Path,
	// Version, Message say which and why).
	EventSkipped EventKind = iota
	// EventWaiting: another process is installing; this one waits.
	EventWaiting
	// EventDownloading: the download of URL starts (Total: its size, or -1).
	EventDownloading
	// EventProgress: Done of Total bytes received.
	EventProgress
	// EventInstalled: the verified binary is at Path.
	EventInstalled
	// EventReinstalling: the installed copy at Path failed its check and is
	// replaced.
	EventReinstalling
)

// Event is one step of finding or installing qcompat.
type Event struct {
	Kind    EventKind
	Path    string
	URL     string
	Version string
	Done    int64
	Total   int64
	// Message is one line a person can read.
	Message string
}

func (s *Setup) report(e Event) {
	if s.Report != nil {
		s.Report(e)
	}
}

func (s *Setup) platform() (goos, goarch string) {
	goos, goarch = s.GOOS, s.GOARCH
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	return goos, goarch
}

// release is one platform's archive of Version and where it goes.
type release struct {
	name    string // qcompat-VERSION-GOOS-GOARCH
	archive string // name.tar.gz or name.zip
	exe     string // qcompat or qcompat.exe
	goos    string
	goarch  string
}

func (s *Setup) release() release {
	goos, goarch := s.platform()
	r := release{name: fmt.Sprintf("qcompat-%s-%s-%s", Version, goos, goarch), exe: "qcompat", goos: goos, goarch: goarch}
	r.archive = r.name + ".tar.gz"
	if goos == "windows" {
		r.archive, r.exe = r.name+".zip", "qcompat.exe"
	}
	return r
}

// installRoot is the cache folder releases are installed in.
func (s *Setup) installRoot() (string, error) {
	if s.CacheDir == "" {
		return "", fmt.Errorf("qcompat has no cache folder to install into (no user cache folder: HOME and XDG_CACHE_HOME unset): set QCOMPAT_CACHE_DIR to a folder only you can write, or QCOMPAT to a qcompat binary")
	}
	root, err := filepath.Abs(filepath.Join(s.CacheDir, "release"))
	if err != nil {
		return "", fmt.Errorf("QCOMPAT_CACHE_DIR %q: %v", s.CacheDir, err)
	}
	return root, nil
}

// cargoInstall is how to get qcompat where no archive serves.
const cargoInstall = "cargo install --locked --git https://github.com/qcompat/qcompat --tag v" + Version + " qcompat"
