package qcompat

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxUnpacked caps what one archive unpacks to, whatever its headers say.
const maxUnpacked = 1 << 30

// entry is one member of a release archive, opened for reading.
type entry struct {
	name string // below the top folder
	dir  bool
	size int64
	body io.Reader
}

// walkArchive calls fn for each member of a release archive (tar.gz, or
// zip when the name says so), after checking that the member is the top
// folder r.name/ or a regular file directly in it with one of the names a
// release holds. Anything else (another folder, a link, "..", an absolute
// path, a name given twice) is an error naming the member.
func walkArchive(file string, r release, fn func(entry) error) error {
	label := r.archive
	allowed := map[string]bool{r.exe: true, "README.md": true, "LICENSE-MIT": true, "LICENSE-APACHE": true}
	seen := map[string]bool{}
	check := func(name string, dir, regular bool) (string, error) {
		clean := strings.TrimSuffix(name, "/")
		if dir && clean == r.name {
			return "", nil
		}
		ok := strings.HasPrefix(clean, r.name+"/")
		rest := strings.TrimPrefix(clean, r.name+"/")
		switch {
		case !ok || !regular || path.Clean(clean) != clean:
			return "", fmt.Errorf("%s holds %q, which is not a file in its top folder %s/: not a qcompat release archive", label, name, r.name)
		case !allowed[rest]:
			return "", fmt.Errorf("%s holds an unexpected file %q (a release holds %s, README.md and the licences only)", label, name, r.exe)
		case seen[rest]:
			return "", fmt.Errorf("%s holds %q twice", label, name)
		}
		seen[rest] = true
		return rest, nil
	}
	var err error
	if strings.HasSuffix(r.archive, ".zip") {
		err = walkZip(file, label, check, fn)
	} else {
		err = walkTarGz(file, label, check, fn)
	}
	if err == nil && !seen[r.exe] {
		err = fmt.Errorf("%s has no %s/%s", label, r.name, r.exe)
	}
	return err
}

type checkFunc func(name string, dir, regular bool) (string, error)

func walkTarGz(file, label string, check checkFunc, fn func(entry) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s is not a gzip file: %v", label, err)
	}
	tr := tar.NewReader(gz)
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", label, err)
		}
		dir := h.Typeflag == tar.TypeDir
		rest, err := check(h.Name, dir, h.Typeflag == tar.TypeReg)
		if err != nil {
			return err
		}
		if total += h.Size; total > maxUnpacked {
			return fmt.Errorf("%s unpacks to more than %d bytes", label, maxUnpacked)
		}
		if rest == "" {
			continue
		}
		if err := fn(entry{name: rest, size: h.Size, body: tr}); err != nil {
			return err
		}
	}
}

func walkZip(file, label string, check checkFunc, fn func(entry) error) error {
	z, err := zip.OpenReader(file)
	if err != nil {
		return fmt.Errorf("%s is not a zip file: %v", label, err)
	}
	defer z.Close()
	var total int64
	for _, zf := range z.File {
		mode := zf.Mode()
		rest, err := check(zf.Name, mode.IsDir(), mode.IsRegular())
		if err != nil {
			return err
		}
		size := int64(zf.UncompressedSize64)
		if total += size; size < 0 || total > maxUnpacked {
			return fmt.Errorf("%s unpacks to more than %d bytes", label, maxUnpacked)
		}
		if rest == "" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("%s: %s: %v", label, zf.Name, err)
		}
		err = fn(entry{name: rest, size: size, body: io.LimitReader(rc, size)})
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// unpack writes the archive's files into dir (which must be empty).
func unpack(file string, r release, dir string) error {
	label := r.archive
	return walkArchive(file, r, func(e entry) error {
		mode := os.FileMode(0o644)
		if e.name == r.exe {
			mode = 0o755
		}
		dst := filepath.Join(dir, e.name)
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			return err
		}
		n, err := io.Copy(out, e.body)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err == nil && n != e.size {
			err = fmt.Errorf("%s: %s ends after %d of %d bytes", label, e.name, n, e.size)
		}
		return err
	})
}

// memberSum is the sha256 of the binary inside a release archive.
func memberSum(file string, r release) (string, error) {
	var sum string
	err := walkArchive(file, r, func(e entry) error {
		if e.name != r.exe {
			return nil
		}
		h := sha256.New()
		if _, err := io.Copy(h, e.body); err != nil {
			return fmt.Errorf("%s: %v", r.archive, err)
		}
		sum = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	return sum, err
}

// fileSum is the sha256 of a file.
func fileSum(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("cannot read %s: %v", file, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
