package rpkg

import (
	"bytes"
	"io"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"github.com/pmezard/go-difflib/difflib"

	"github.com/porch-dev/porch/internal/cad"
)

// diffSide is one side of a diff: its files, and the label that stands
// for its folder in the output (a revision's name, or DIR as given).
type diffSide struct {
	label string
	files cad.Package
}

// devNull names the missing side of a file only one side has.
const devNull = "/dev/null"

// noNewline is how diff marks a last line that has no newline.
const noNewline = "\\ No newline at end of file\n"

// writeDiff writes the unified diff from left to right, file by file in
// sorted path order, as `diff -u` gives it for each file of two folders:
// a "diff -u L/path R/path" line, the "---" and "+++" lines, and the hunks
// with three lines of context. A file only one side has is compared with
// an empty one, the other side named /dev/null, as `diff -N` and git do.
// The .KptRevisionMetadata a pull writes is no file of the package and is
// left out. It says whether the sides differ.
func writeDiff(w io.Writer, left, right diffSide, color bool) (bool, error) {
	all := cad.Package{}
	for _, side := range []diffSide{left, right} {
		for name := range side.files {
			all[name] = ""
		}
	}
	delete(all, kptfilev1.RevisionMetaDataFileName)
	differ := false
	for _, name := range all.Paths() {
		text, err := fileDiff(name, left, right)
		if err != nil {
			return differ, err
		}
		if text == "" {
			continue
		}
		differ = true
		if color {
			text = colorDiff(text)
		}
		if _, err := io.WriteString(w, text); err != nil {
			return differ, err
		}
	}
	return differ, nil
}

// fileDiff is the diff of one file of the two sides; "" when it is the
// same on both.
func fileDiff(name string, left, right diffSide) (string, error) {
	before, inLeft := left.files[name]
	after, inRight := right.files[name]
	if inLeft == inRight && before == after {
		return "", nil
	}
	from, to := left.label+"/"+name, right.label+"/"+name
	var out bytes.Buffer
	out.WriteString("diff -u " + from + " " + to + "\n")
	if !inLeft {
		from = devNull
	}
	if !inRight {
		to = devNull
	}
	out.WriteString("--- " + from + "\n+++ " + to + "\n")
	// The header is written here rather than by the library, which writes
	// none when there is no hunk: an empty file added or removed.
	err := difflib.WriteUnifiedDiff(&out, difflib.UnifiedDiff{A: lines(before), B: lines(after), Context: 3})
	return out.String(), err
}

// lines splits text into its lines, each with its newline; a last line
// without one carries diff's marker instead, so that it differs from the
// same line with a newline and says so wherever it is printed.
func lines(text string) []string {
	if text == "" {
		return nil
	}
	out := strings.SplitAfter(text, "\n")
	last := len(out) - 1
	if out[last] == "" {
		return out[:last]
	}
	out[last] += "\n" + noNewline
	return out
}
