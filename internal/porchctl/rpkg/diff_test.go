package rpkg

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
)

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n  b: \"2\"\n  c: \"3\"\n  d: \"4\"\n"

func TestDiffOfTwoPackages(t *testing.T) {
	kptfile := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n"
	metadata := "kind: KptRevisionMetadata\nmetadata:\n  name: r.app.v1\n"
	for _, tc := range []struct {
		name         string
		left, right  cad.Package
		want         string
		wantsDiffers bool
	}{{
		name:  "equal",
		left:  cad.Package{"Kptfile": kptfile, "cm.yaml": configMap},
		right: cad.Package{"Kptfile": kptfile, "cm.yaml": configMap},
	}, {
		name:  "the metadata a pull writes is left out",
		left:  cad.Package{"Kptfile": kptfile},
		right: cad.Package{"Kptfile": kptfile, ".KptRevisionMetadata": metadata},
	}, {
		name:  "a changed line, with three lines of context",
		left:  cad.Package{"Kptfile": kptfile, "cm.yaml": configMap},
		right: cad.Package{"Kptfile": kptfile, "cm.yaml": strings.Replace(configMap, `b: "2"`, `b: "20"`, 1)},
		want: "diff -u L/cm.yaml R/cm.yaml\n--- L/cm.yaml\n+++ R/cm.yaml\n" +
			"@@ -4,6 +4,6 @@\n   name: settings\n data:\n   a: \"1\"\n-  b: \"2\"\n+  b: \"20\"\n   c: \"3\"\n   d: \"4\"\n",
		wantsDiffers: true,
	}, {
		name:         "an added file, against /dev/null",
		left:         cad.Package{"Kptfile": kptfile},
		right:        cad.Package{"Kptfile": kptfile, "new.yaml": "a: 1\nb: 2\n"},
		want:         "diff -u L/new.yaml R/new.yaml\n--- /dev/null\n+++ R/new.yaml\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n",
		wantsDiffers: true,
	}, {
		name:         "a removed file, against /dev/null",
		left:         cad.Package{"Kptfile": kptfile, "old.yaml": "a: 1\n"},
		right:        cad.Package{"Kptfile": kptfile},
		want:         "diff -u L/old.yaml R/old.yaml\n--- L/old.yaml\n+++ /dev/null\n@@ -1 +0,0 @@\n-a: 1\n",
		wantsDiffers: true,
	}, {
		name:         "an empty file added: its header alone",
		left:         cad.Package{},
		right:        cad.Package{"empty": ""},
		want:         "diff -u L/empty R/empty\n--- /dev/null\n+++ R/empty\n",
		wantsDiffers: true,
	}, {
		name:  "a last line without newline is marked",
		left:  cad.Package{"f": "a\nb\n"},
		right: cad.Package{"f": "a\nb"},
		want: "diff -u L/f R/f\n--- L/f\n+++ R/f\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n" +
			"\\ No newline at end of file\n",
		wantsDiffers: true,
	}, {
		name:  "files in sorted path order, nested ones included",
		left:  cad.Package{"z.yaml": "z: 1\n", "a/b.yaml": "b: 1\n", "m.yaml": "m: 1\n"},
		right: cad.Package{"z.yaml": "z: 2\n", "a/b.yaml": "b: 2\n", "m.yaml": "m: 1\n"},
		want: "diff -u L/a/b.yaml R/a/b.yaml\n--- L/a/b.yaml\n+++ R/a/b.yaml\n@@ -1 +1 @@\n-b: 1\n+b: 2\n" +
			"diff -u L/z.yaml R/z.yaml\n--- L/z.yaml\n+++ R/z.yaml\n@@ -1 +1 @@\n-z: 1\n+z: 2\n",
		wantsDiffers: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			differs, err := writeDiff(&out, diffSide{label: "L", files: tc.left}, diffSide{label: "R", files: tc.right}, false)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("diff:\n%s\nwant:\n%s", out.String(), tc.want)
			}
			if differs != tc.wantsDiffers {
				t.Errorf("differs = %v, want %v", differs, tc.wantsDiffers)
			}
		})
	}
}

// The output is what diff -u gives for each file, so that patch and other
// tools read it.
func TestDiffIsThatOfDiffU(t *testing.T) {
	left := cad.Package{"cm.yaml": configMap + "e: 5\nf: 6\ng: 7\nh: 8\ni: 9\n"}
	right := cad.Package{"cm.yaml": strings.Replace(strings.Replace(left["cm.yaml"], "kind: ConfigMap\n", "", 1), "h: 8", "h: 80", 1)}
	var out bytes.Buffer
	if _, err := writeDiff(&out, diffSide{label: "L", files: left}, diffSide{label: "R", files: right}, false); err != nil {
		t.Fatal(err)
	}
	want := "diff -u L/cm.yaml R/cm.yaml\n--- L/cm.yaml\n+++ R/cm.yaml\n" +
		"@@ -1,5 +1,4 @@\n apiVersion: v1\n-kind: ConfigMap\n metadata:\n   name: settings\n data:\n" +
		"@@ -10,5 +9,5 @@\n e: 5\n f: 6\n g: 7\n-h: 8\n+h: 80\n i: 9\n"
	if out.String() != want {
		t.Errorf("diff:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestDiffColors(t *testing.T) {
	left := cad.Package{"f": "same\n--old\n"}
	right := cad.Package{"f": "same\n+new\n"}
	for _, color := range []bool{false, true} {
		var out bytes.Buffer
		if _, err := writeDiff(&out, diffSide{label: "L", files: left}, diffSide{label: "R", files: right}, color); err != nil {
			t.Fatal(err)
		}
		want := "diff -u L/f R/f\n--- L/f\n+++ R/f\n@@ -1,2 +1,2 @@\n same\n---old\n++new\n"
		if color {
			// A removed line that starts with "--" is coloured as removed,
			// not as a header.
			want = "\x1b[1mdiff -u L/f R/f\x1b[m\n\x1b[1m--- L/f\x1b[m\n\x1b[1m+++ R/f\x1b[m\n" +
				"\x1b[36m@@ -1,2 +1,2 @@\x1b[m\n same\n\x1b[31m---old\x1b[m\n\x1b[32m++new\x1b[m\n"
		}
		if out.String() != want {
			t.Errorf("color %v: diff %q, want %q", color, out.String(), want)
		}
	}
}

func TestUseColor(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, tc := range []struct {
		mode string
		out  io.Writer
		want bool
	}{
		{"auto", &bytes.Buffer{}, false},
		{"auto", file, false}, // a file is no terminal
		{"always", &bytes.Buffer{}, true},
		{"never", file, false},
	} {
		got, err := useColor(tc.mode, tc.out)
		if err != nil || got != tc.want {
			t.Errorf("useColor(%s, %T) = %v, %v; want %v", tc.mode, tc.out, got, err, tc.want)
		}
	}
	if _, err := useColor("sometimes", file); err == nil || !strings.Contains(err.Error(), "--color must be auto, always or never") {
		t.Errorf("useColor(sometimes): %v", err)
	}
}

func TestSecondArgumentIsAFolderOrARevision(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("my-app", 0o755); err != nil {
		t.Fatal(err)
	}
	for arg, want := range map[string]bool{"my-app": true, "./missing": true, ".": true, "deployments.my-app.v2": false} {
		if got := isFolder(arg); got != want {
			t.Errorf("isFolder(%q) = %v, want %v", arg, got, want)
		}
	}
	if _, err := folderSide("./missing"); err == nil || err.Error() != "folder ./missing does not exist" {
		t.Errorf("folderSide(./missing): %v", err)
	}
}
