package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Bounds on a layer's uncompressed stream, whatever its files add up to:
// a small compressed layer can unpack to gigabytes of tar headers, padding
// or skipped entries (a gzip bomb). With a file limit, the stream may take
// the files' bytes twice over (tar pads each file to 512 bytes and adds a
// header) plus streamAllowance; without one, it stops at unlimitedStream.
const (
	streamAllowance = 1 << 20
	unlimitedStream = 1 << 30
)

func streamLimit(maxBytes int64) int64 {
	if maxBytes <= 0 {
		return unlimitedStream
	}
	return 2*maxBytes + streamAllowance
}

// errStreamLimit stops a read at the bound of streamLimit.
var errStreamLimit = errors.New("uncompressed stream limit reached")

// buildLayer makes the one layer of a package or index image: a gzip tar
// of the files sorted by path, each a regular file of mode 0644 with Unix
// epoch times and no owner, so that equal files give an equal digest
// whoever writes them and whenever. (The compressor is Go's: a new Go
// release may compress differently, which changes digests once and is
// harmless, since digests are only compared with what was read before.)
func buildLayer(files map[string]string) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		content := files[name]
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     name,
			Size:     int64(len(content)),
			Mode:     0o644,
			ModTime:  time.Unix(0, 0),
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("writing the tar header of %q: %w", name, err)
		}
		if _, err := io.WriteString(tw, content); err != nil {
			return nil, fmt.Errorf("writing %q to the tar: %w", name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("closing the tar: %w", err)
	}
	tarBytes := buf.Bytes()
	return tarball.LayerFromOpener(
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(tarBytes)), nil },
		tarball.WithMediaType(layerMediaType),
		tarball.WithCompressionLevel(gzip.BestCompression),
		tarball.WithCompressedCaching,
	)
}

// readLayer reads the files of a package or index layer, refusing an entry
// that is not a regular file (directories are skipped), a path that is
// absolute, escapes or is not clean, a path given twice and content that
// is not UTF-8. With maxBytes above 0 it stops as soon as the files' sizes
// pass it, before reading the file that passes it.
func readLayer(ref string, layer v1.Layer, maxBytes int64) (map[string]string, error) {
	rc, err := layer.Uncompressed()
	if err != nil {
		return nil, fmt.Errorf("image %s: opening the layer: %w", ref, err)
	}
	defer func() { _ = rc.Close() }()
	limit := streamLimit(maxBytes)
	stream := &boundedReader{r: rc, left: limit}
	readErr := func(err error) error {
		switch {
		case errors.Is(err, errStreamLimit) && maxBytes > 0:
			return tooLarge(ref, "unpacks to more than %d bytes of tar stream, the bound for a package size limit of %d bytes", limit, maxBytes)
		case errors.Is(err, errStreamLimit):
			return tooLarge(ref, "unpacks to more than %d bytes of tar stream, the bound on any layer", limit)
		case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.Is(err, tar.ErrHeader):
			return invalidImage(ref, "has a layer that is not a gzip tar (%v)", err)
		case errors.Is(err, io.ErrUnexpectedEOF) && stream.ended:
			// The content ran out, not the connection: truncated, or no tar.
			return invalidImage(ref, "has a layer that is not a gzip tar (it ends inside a tar entry)")
		}
		return fmt.Errorf("image %s: reading the layer: %w", ref, err)
	}

	tr := tar.NewReader(stream)
	files := map[string]string{}
	var total int64
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
		switch hdr.Typeflag {
		case tar.TypeReg:
		case tar.TypeDir, tar.TypeXGlobalHeader: // no file: a folder, or metadata of the archive
			continue
		default:
			return nil, invalidImage(ref, "has entry %q that is a %s; a package holds regular files only", hdr.Name, entryKind(hdr.Typeflag))
		}
		if reason := pathProblem(hdr.Name); reason != "" {
			return nil, invalidImage(ref, "has a file whose %s", reason)
		}
		if _, dup := files[hdr.Name]; dup {
			return nil, invalidImage(ref, "has path %q twice", hdr.Name)
		}
		if maxBytes > 0 && total+hdr.Size > maxBytes {
			return nil, tooLarge(ref, "holds more than %d bytes of files (the package size limit), passed at %q", maxBytes, hdr.Name)
		}
		total += hdr.Size
		content, err := io.ReadAll(tr)
		if err != nil {
			return nil, readErr(err)
		}
		if !utf8.Valid(content) {
			return nil, invalidImage(ref, "has file %q that is not UTF-8 text", hdr.Name)
		}
		files[hdr.Name] = string(content)
	}
	// Read to the end: go-containerregistry checks a pulled blob against its
	// digest only when its stream ends.
	if _, err := io.Copy(io.Discard, stream); err != nil {
		return nil, readErr(err)
	}
	return files, nil
}

func entryKind(flag byte) string {
	switch flag {
	case tar.TypeSymlink:
		return "symbolic link"
	case tar.TypeLink:
		return "hard link"
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "named pipe"
	}
	return fmt.Sprintf("tar entry of type %q", flag)
}

// boundedReader fails with errStreamLimit once left bytes have been read,
// and notes whether the stream it reads came to its end.
type boundedReader struct {
	r     io.Reader
	left  int64
	ended bool
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errStreamLimit
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	b.ended = b.ended || errors.Is(err, io.EOF)
	return n, err
}
