package oci

import (
	"archive/tar"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

func TestBuildReadRoundTrip(t *testing.T) {
	published := draft("published")
	published.Lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished
	published.Revision = 3
	published.Source = "registry.example.com/packages"
	published.Tasks = append(published.Tasks, porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit,
		Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: "pkg-v2"}}})
	deletion := published
	deletion.Lifecycle = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
	bare := Package{Files: map[string]string{"Kptfile": "kind: Kptfile\n", "a/b/c.yaml": "x: ü\n", "empty.txt": ""}}
	subSecond := draft("sub-second")
	subSecond.Created = time.Date(2025, 1, 2, 3, 4, 5, 999, time.FixedZone("CET", 3600))

	tests := []struct {
		name string
		in   Package
		want Package
	}{
		{"draft with a task", draft("a"), draft("a")},
		{"published with two tasks and a source", published, published},
		{"deletion proposed", deletion, deletion},
		{"no lifecycle, tasks or time", bare, Package{Files: bare.Files, Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft}},
		{"time stored to the second in UTC", subSecond, func() Package {
			p := subSecond
			p.Created = time.Date(2025, 1, 2, 2, 4, 5, 0, time.UTC)
			return p
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadImage("example.com/pkgs/pkg:ws", mustBuild(t, tt.in), 0)
			if err != nil {
				t.Fatalf("ReadImage: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("read back\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestBuildImageFormat(t *testing.T) {
	p := draft("format")
	p.Lifecycle, p.Revision, p.Source = porchv1alpha1.PackageRevisionLifecyclePublished, 7, "somewhere"
	img := mustBuild(t, p)
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIManifestSchema1 || m.Config.MediaType != types.OCIConfigJSON || len(m.Layers) != 1 || m.Layers[0].MediaType != types.OCILayer {
		t.Fatalf("media types: manifest %s, config %s, layers %+v", m.MediaType, m.Config.MediaType, m.Layers)
	}
	wantAnn := map[string]string{
		"kpt.dev/lifecycle": "Published", "kpt.dev/revision": "7", "org.opencontainers.image.revision": "7",
		"org.opencontainers.image.created": "2025-03-04T05:06:07Z", "org.opencontainers.image.source": "somewhere",
	}
	if !reflect.DeepEqual(m.Annotations, wantAnn) {
		t.Fatalf("annotations %v, want %v", m.Annotations, wantAnn)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.History) != 1 || cfg.History[0].CreatedBy != `kpt:{"type":"init","init":{"description":"format"}}` || cfg.History[0].EmptyLayer {
		t.Fatalf("history %+v", cfg.History)
	}
	// The layer: sorted regular files, 0644, epoch times, no owner.
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	r, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tr := tar.NewReader(r)
	var names []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
		if hdr.Typeflag != tar.TypeReg || hdr.Mode != 0o644 || !hdr.ModTime.Equal(time.Unix(0, 0)) || hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || hdr.Gname != "" {
			t.Fatalf("entry %+v", hdr)
		}
	}
	if want := []string{"Kptfile", "cm.yaml", "nested/ns.yaml"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("entries %v, want %v", names, want)
	}
}

func TestBuildImageDeterministic(t *testing.T) {
	base := mustDigest(t, mustBuild(t, draft("same")))
	for i := range 5 { // a map's order differs from run to run
		if got := mustDigest(t, mustBuild(t, draft("same"))); got != base {
			t.Fatalf("build %d: digest %s, first build %s", i, got, base)
		}
	}
	changes := map[string]func(*Package){
		"a file's content": func(p *Package) { p.Files["cm.yaml"] += "# more\n" },
		"a file's path":    func(p *Package) { p.Files["moved.yaml"] = p.Files["cm.yaml"]; delete(p.Files, "cm.yaml") },
		"the lifecycle":    func(p *Package) { p.Lifecycle = porchv1alpha1.PackageRevisionLifecycleProposed },
		"the tasks":        func(p *Package) { p.Tasks = nil },
		"the time":         func(p *Package) { p.Created = p.Created.Add(time.Second) },
	}
	for what, change := range changes {
		p := draft("same")
		change(&p)
		if got := mustDigest(t, mustBuild(t, p)); got == base {
			t.Errorf("changing %s kept digest %s", what, got)
		}
	}
}

func TestBuildImageRefuses(t *testing.T) {
	with := func(change func(*Package)) Package { p := draft("x"); change(&p); return p }
	tests := []struct {
		name string
		in   Package
		want string
	}{
		{"no Kptfile", with(func(p *Package) { delete(p.Files, "Kptfile") }), "no Kptfile"},
		{"absolute path", with(func(p *Package) { p.Files["/etc/x"] = "" }), "is absolute"},
		{"escaping path", with(func(p *Package) { p.Files["../x"] = "" }), "escapes"},
		{"unclean path", with(func(p *Package) { p.Files["a//b"] = "" }), "not clean"},
		{"binary content", with(func(p *Package) { p.Files["bin"] = "\xff\xfe" }), "not UTF-8"},
		{"unknown lifecycle", with(func(p *Package) { p.Lifecycle = "Released" }), "not one of"},
		{"published without number", with(func(p *Package) { p.Lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished }), "needs a revision number"},
		{"draft with a number", with(func(p *Package) { p.Revision = 2 }), "has no revision number yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildImage(tt.in)
			if !errors.Is(err, backend.ErrInvalidPackage) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("BuildImage = %v, want ErrInvalidPackage saying %q", err, tt.want)
			}
		})
	}
}

func TestReadImageRefuses(t *testing.T) {
	const ref = "registry.example.com/pkgs/hostile:ws"
	kptfile := file("Kptfile", "kind: Kptfile\n")
	layerOf := func(entries ...entry) v1.Layer { return gzLayer(t, tarGz(t, entries...), nil) }
	special := func(flag byte, name, link string) entry {
		return entry{hdr: tar.Header{Typeflag: flag, Name: name, Linkname: link, Mode: 0o644}}
	}
	annotated := func(key, value string) v1.Image {
		return mutate.Annotations(imageOf(t, layerOf(kptfile)), map[string]string{key: value}).(v1.Image)
	}
	tests := []struct {
		name     string
		img      v1.Image
		wantKind error
		want     string
	}{
		{"two layers", imageOf(t, layerOf(kptfile), layerOf(file("b", ""))), backend.ErrInvalidPackage, "has 2 layers; a package image has one"},
		{"no layer", imageOf(t), backend.ErrInvalidPackage, "has 0 layers"},
		{"symlink", imageOf(t, layerOf(kptfile, special(tar.TypeSymlink, "link", "/etc/passwd"))), backend.ErrInvalidPackage, `entry "link" that is a symbolic link`},
		{"hard link", imageOf(t, layerOf(kptfile, special(tar.TypeLink, "hard", "Kptfile"))), backend.ErrInvalidPackage, `entry "hard" that is a hard link`},
		{"character device", imageOf(t, layerOf(kptfile, special(tar.TypeChar, "dev", ""))), backend.ErrInvalidPackage, "character device"},
		{"named pipe", imageOf(t, layerOf(kptfile, special(tar.TypeFifo, "fifo", ""))), backend.ErrInvalidPackage, "named pipe"},
		{"absolute path", imageOf(t, layerOf(kptfile, file("/etc/cron.d/x", "x"))), backend.ErrInvalidPackage, `path "/etc/cron.d/x" is absolute`},
		{"escaping path", imageOf(t, layerOf(kptfile, file("../../x", "x"))), backend.ErrInvalidPackage, `path "../../x" escapes the package root`},
		{"escaping after cleaning", imageOf(t, layerOf(kptfile, file("a/../../x", "x"))), backend.ErrInvalidPackage, "escapes the package root"},
		{"dot prefix", imageOf(t, layerOf(file("./Kptfile", "x"))), backend.ErrInvalidPackage, `path "./Kptfile" is not clean`},
		{"double slash", imageOf(t, layerOf(kptfile, file("a//b", "x"))), backend.ErrInvalidPackage, "is not clean"},
		{"duplicate path", imageOf(t, layerOf(kptfile, file("Kptfile", "again"))), backend.ErrInvalidPackage, `has path "Kptfile" twice`},
		{"no Kptfile", imageOf(t, layerOf(file("cm.yaml", "x"))), backend.ErrInvalidPackage, "has no Kptfile at the package root"},
		{"Kptfile only in a subfolder", imageOf(t, layerOf(file("sub/Kptfile", "x"))), backend.ErrInvalidPackage, "has no Kptfile"},
		{"binary content", imageOf(t, layerOf(kptfile, file("blob", "\x00\xff\xfe"))), backend.ErrInvalidPackage, `file "blob" that is not UTF-8`},
		{"not a tar", imageOf(t, static.NewLayer([]byte("not a tar at all, just some text"), types.OCILayer)), backend.ErrInvalidPackage, "not a gzip tar"},
		{"not a tar, longer than a header", imageOf(t, static.NewLayer([]byte(strings.Repeat("text ", 200)), types.OCILayer)), backend.ErrInvalidPackage, "not a gzip tar"},
		{"unknown lifecycle", annotated(AnnotationLifecycle, "Released"), backend.ErrInvalidPackage, `kpt.dev/lifecycle is "Released"`},
		{"revision not a number", annotated(AnnotationRevision, "three"), backend.ErrInvalidPackage, `kpt.dev/revision is "three"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadImage(ref, tt.img, 0)
			if !errors.Is(err, tt.wantKind) {
				t.Fatalf("ReadImage = %v, want %v", err, tt.wantKind)
			}
			if !strings.Contains(err.Error(), ref) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("message %q does not name %s and say %q", err, ref, tt.want)
			}
		})
	}
}

func TestReadImageDirectoriesAndUpstreamForms(t *testing.T) {
	dir := entry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: "sub/", Mode: 0o755}}
	// Upstream Porch: Docker media types, the lifecycle on the layer, a
	// revision "v2", the time in the config only.
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer:       gzLayer(t, tarGz(t, dir, file("Kptfile", "k"), file("sub/a.yaml", "a")), nil),
		Annotations: map[string]string{AnnotationLifecycle: "Published"},
	})
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.Annotations(img, map[string]string{AnnotationRevision: "v2"}).(v1.Image)
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	img, err = mutate.CreatedAt(img, v1.Time{Time: created})
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cfg := cf.DeepCopy()
	cfg.History = []v1.History{
		{CreatedBy: "/bin/sh -c make"},    // another tool's
		{CreatedBy: `kpt:{"type":"init"`}, // broken JSON
		{CreatedBy: `kpt:{"type":"clone","clone":{"upstreamRef":{"oci":{"image":"x"}}}}`},
	}
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	got, err := ReadImage("r/p:w", img, 0)
	if err != nil {
		t.Fatalf("ReadImage: %v", err)
	}
	want := Package{
		Files:     map[string]string{"Kptfile": "k", "sub/a.yaml": "a"},
		Lifecycle: porchv1alpha1.PackageRevisionLifecyclePublished,
		Revision:  2,
		Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{Upstream: porchv1alpha1.UpstreamPackage{Oci: &porchv1alpha1.OciPackage{Image: "x"}}}}},
		Created:   created,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadImageSizeLimit(t *testing.T) {
	t.Run("files over the limit stop the read early", func(t *testing.T) {
		big := make([]byte, 4<<20) // random: gzip cannot shrink it, so compressed bytes read measure progress
		if _, err := rand.Read(big); err != nil {
			t.Fatal(err)
		}
		var read int64
		layer := gzLayer(t, tarGz(t, file("Kptfile", "k"), file("big.yaml", string(big))),
			func(r io.Reader) io.Reader { return countingReader{r: r, n: &read} })
		img := imageOf(t, layer)
		if _, err := img.Manifest(); err != nil { // computing digests reads the layer once; not ReadImage's doing
			t.Fatal(err)
		}
		read = 0
		_, err := ReadImage("r/p:w", img, 64<<10)
		if !errors.Is(err, backend.ErrSourceTooLarge) || !strings.Contains(err.Error(), `passed at "big.yaml"`) {
			t.Fatalf("ReadImage = %v, want ErrSourceTooLarge at big.yaml", err)
		}
		if read > 512<<10 {
			t.Fatalf("read %d compressed bytes of a 4 MiB layer before refusing", read)
		}
	})
	t.Run("a gzip bomb of entries is bounded", func(t *testing.T) {
		entries := []entry{file("Kptfile", "k")}
		for i := range 5000 { // 2.5 MB of headers, a few kilobytes compressed
			entries = append(entries, entry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: fmt.Sprintf("d%04d/", i), Mode: 0o755}})
		}
		_, err := ReadImage("r/p:w", imageOf(t, gzLayer(t, tarGz(t, entries...), nil)), 1024)
		if !errors.Is(err, backend.ErrSourceTooLarge) || !strings.Contains(err.Error(), "bytes of tar stream") {
			t.Fatalf("ReadImage = %v, want ErrSourceTooLarge on the stream", err)
		}
	})
	t.Run("within the limit", func(t *testing.T) {
		if _, err := ReadImage("r/p:w", mustBuild(t, draft("small")), 4096); err != nil {
			t.Fatalf("ReadImage: %v", err)
		}
	})
}
