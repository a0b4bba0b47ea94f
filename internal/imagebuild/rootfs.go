package imagebuild

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// file is one entry of an image's file system: a directory, or a file
// whose content is data or, when source is set, that host file's.
type file struct {
	path   string
	mode   os.FileMode
	data   []byte
	source string
	owner  int
}

// writeRootFS writes files, in order, as the tar of one layer at path,
// each modified at modified and owned by root unless it says otherwise.
func writeRootFS(path string, files []file, modified time.Time) (err error) {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	tw := tar.NewWriter(out)
	for _, f := range files {
		if err := writeEntry(tw, f, modified); err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
	}
	return tw.Close()
}

func writeEntry(tw *tar.Writer, f file, modified time.Time) error {
	name := strings.TrimPrefix(f.path, "/")
	hdr := &tar.Header{Name: name, Mode: int64(f.mode.Perm()), ModTime: modified, Uid: f.owner, Gid: f.owner, Format: tar.FormatPAX}
	if f.mode.IsDir() {
		hdr.Typeflag, hdr.Name = tar.TypeDir, name+"/"
		return tw.WriteHeader(hdr)
	}
	hdr.Typeflag = tar.TypeReg
	if f.source == "" {
		hdr.Size = int64(len(f.data))
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err := tw.Write(f.data)
		return err
	}
	in, err := os.Open(f.source)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	hdr.Size = info.Size()
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, in)
	return err
}
