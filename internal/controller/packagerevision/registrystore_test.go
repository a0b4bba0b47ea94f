package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/oci"
)

// newRegistryStore is the registryStore of a path of an in-process registry.
func newRegistryStore(t *testing.T) registryStore {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	images, err := oci.NewStore(strings.TrimPrefix(srv.URL, "http://")+"/packages", oci.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return registryStore{images: images, now: time.Now}
}

// Every step of a revision's life in an OCI repository, against the
// in-process registry: each moves the tag of its workspace, conditional on
// the head it names.
func TestRegistryStoreLifecycle(t *testing.T) {
	ctx := context.Background()
	g := newRegistryStore(t)
	state := func(ws string) backend.RevisionState {
		t.Helper()
		st, err := g.State(ctx, "basens", ws)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	files := map[string]string{"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: basens\n"}
	head, err := g.CreateDraft(ctx, newDraft{Package: "basens", Workspace: "v1", Files: files,
		Task: porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}})
	if err != nil {
		t.Fatal(err)
	}
	if st := state("v1"); st.Draft != head || st.Proposed != "" {
		t.Fatalf("after create: %+v, want the draft at %s", st, head)
	}
	if err := g.Propose(ctx, "basens", "v1", "sha256:"+strings.Repeat("0", 64)); !errors.Is(err, backend.ErrConflict) {
		t.Fatalf("a proposal of a head the tag is not at = %v, want a conflict", err)
	}
	if err := g.Propose(ctx, "basens", "v1", head); err != nil {
		t.Fatal(err)
	}
	st := state("v1")
	if st.Proposed == "" || st.Draft != "" {
		t.Fatalf("after propose: %+v", st)
	}
	if err := g.Publish(ctx, "basens", "v1", st.Proposed); err != nil {
		t.Fatal(err)
	}
	if st = state("v1"); st.Revision != 1 || st.Published == "" {
		t.Fatalf("after publish: %+v", st)
	}
	if err := g.ProposeDeletion(ctx, "basens", 1); err != nil {
		t.Fatal(err)
	}
	if st = state("v1"); !st.DeletionProposed || st.Revision != 1 {
		t.Fatalf("after proposing deletion: %+v", st)
	}
	if err := g.DeletePublished(ctx, "basens", 1); err != nil {
		t.Fatal(err)
	}
	if st = state("v1"); st != (backend.RevisionState{}) {
		t.Fatalf("after deletion: %+v", st)
	}
}

// The attack: approvals of one package carried out at once, as the
// controller's workers do. Each takes a number of its own.
func TestRegistryStorePublishesConcurrentApprovalsWithDistinctNumbers(t *testing.T) {
	ctx := context.Background()
	g := newRegistryStore(t)
	files := map[string]string{"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: twin\n"}
	const approvals = 8
	heads := make([]string, approvals)
	for i := range approvals {
		ws := fmt.Sprintf("ws%d", i)
		head, err := g.CreateDraft(ctx, newDraft{Package: "twin", Workspace: ws, Files: files,
			Task: porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: ws}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Propose(ctx, "twin", ws, head); err != nil {
			t.Fatal(err)
		}
		st, err := g.State(ctx, "twin", ws)
		if err != nil {
			t.Fatal(err)
		}
		heads[i] = st.Proposed
	}
	var wg sync.WaitGroup
	for i := range approvals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.Publish(ctx, "twin", fmt.Sprintf("ws%d", i), heads[i]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	taken := map[int]string{}
	for i := range approvals {
		ws := fmt.Sprintf("ws%d", i)
		st, err := g.State(ctx, "twin", ws)
		if err != nil {
			t.Fatal(err)
		}
		if other, dup := taken[st.Revision]; dup || st.Revision < 1 {
			t.Errorf("%s is revision %d, as %s is", ws, st.Revision, other)
		}
		taken[st.Revision] = ws
	}
}
