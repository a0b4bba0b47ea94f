package kptfile

import (
	"reflect"
	"testing"
)

// FuzzRead reads any Kptfile without panicking. One that reads is written
// back and read again unchanged, and its gates and conditions are read the
// same from both, so that a Kptfile the manager rewrites (metadata, gates,
// conditions) keeps what it said.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		commented,
		"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n",
		"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\ninfo:\n  readinessGates:\n  - conditionType: a\n  - conditionType: \"\"\n",
		"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\nstatus:\n  conditions:\n  - type: Ready\n    status: \"True\"\n  - type: x\n    status: Maybe\n",
		"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\nupstream:\n  type: git\n  git:\n    repo: https://example.com/r.git\n    directory: /a\n    ref: main\n  updateStrategy: resource-merge\nupstreamLock:\n  type: git\n  git:\n    repo: https://example.com/r.git\n    directory: /a\n    ref: main\n    commit: abc\n",
		"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\npipeline:\n  mutators:\n  - image: set-labels:v1\n    configMap:\n      a: b\n    selectors:\n    - kind: Deployment\n  validators:\n  - exec: ./check\n",
		"apiVersion: kpt.dev/v1\nkind: Kptfile\nbogus: 1\n",
		"a: &x [*x]\n",
		"a: [\n",
		"---\n---\n",
		"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: 1, annotations: {a: !!binary aGk=}}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content string) {
		_, _ = Parse(content)
		kf, err := Read(content)
		if err != nil {
			return
		}
		written, err := Marshal(kf)
		if err != nil {
			t.Fatalf("a Kptfile that reads does not write: %v\n%s", err, content)
		}
		again, err := Read(written)
		if err != nil {
			t.Fatalf("a written Kptfile does not read back: %v\n%s", err, written)
		}
		if !reflect.DeepEqual(ReadinessGates(kf), ReadinessGates(again)) {
			t.Fatalf("the gates changed in writing: %v, then %v", ReadinessGates(kf), ReadinessGates(again))
		}
		if !reflect.DeepEqual(PackageConditions(kf), PackageConditions(again)) {
			t.Fatalf("the conditions changed in writing: %v, then %v", PackageConditions(kf), PackageConditions(again))
		}
		if rewritten, err := Marshal(again); err != nil || rewritten != written {
			t.Fatalf("writing is not stable: %v\n%s\nthen\n%s", err, written, rewritten)
		}
		if _, err := Edit(content, SetName("renamed"), SetAnnotation("a", "b")); err != nil {
			// Read takes it, so the comment-keeping edit must too.
			t.Fatalf("a Kptfile that reads cannot be edited: %v\n%s", err, content)
		}
	})
}
