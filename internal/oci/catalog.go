package oci

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Packages lists the package paths under the registry path, sorted: the
// registry's catalog (/v2/_catalog, followed page by page) filtered to the
// repositories under the path, without the index image. When the registry
// refuses the catalog (HTTP 401, 403, 404, 405, 501, UNSUPPORTED, or an
// answer that is not a catalog), it reads the index image instead (see
// index.go); no index either is an empty list, not an error.
//
// A package whose tags were all deleted may stay listed (registries keep
// empty repositories, pkg/registry among them): it is a package without
// revisions.
//
// Which registries need the index (uncertain ones marked):
//   - CNCF Distribution (registry:2/3) and go-containerregistry's
//     pkg/registry: catalog, the whole registry, paged by Link header.
//   - Harbor: catalog for system administrators only (401 to project
//     members and robot accounts, Harbor #6784, #18414) -> index.
//   - Docker Hub: no one is granted registry:catalog:* -> index.
//   - GHCR: catalog not implemented (GitHub, vscode-docker#1525) -> index.
//   - ECR: repositories are listed by the AWS API, not the catalog -> index
//     (uncertain: the exact refusal). ECR also wants each repository to
//     exist before the first push, unless a creation template covers it.
//   - Artifact Registry (GAR): uncertain; Google documents its Docker API
//     for tags, and the index is used whenever the catalog is refused.
//   - Quay: catalog of the repositories the credentials see (uncertain).
func (s *Store) Packages(ctx context.Context) ([]string, error) {
	// Pages as large as a registry gives: go-containerregistry's own
	// registry answers one page of at most the size asked, with no link to
	// the next, in no order, so a smaller page would drop packages at
	// random; registries that page (Distribution gives 1,000 at most) link
	// to the next, which remote.Catalog follows.
	repos, err := remote.Catalog(ctx, s.reg, append(s.options(ctx), remote.WithPageSize(catalogPageSize))...)
	if err == nil {
		return s.packagesIn(repos), nil
	}
	if !catalogRefused(err) {
		return nil, s.fail("catalog of registry "+s.reg.Name(), err)
	}
	index, _, err := s.readIndex(ctx)
	if err != nil {
		return nil, err
	}
	pkgs := []string{}
	for _, pkg := range index.Packages {
		if _, err := s.repository(pkg); err == nil { // the index is data read from the registry
			pkgs = append(pkgs, pkg)
		}
	}
	slices.Sort(pkgs)
	return slices.Compact(pkgs), nil
}

// catalogPageSize is the page size asked of a registry's catalog.
const catalogPageSize = 100000

// packagesIn keeps the catalog's repositories under the registry path, as
// paths relative to it.
func (s *Store) packagesIn(repos []string) []string {
	pkgs := []string{}
	for _, r := range repos {
		pkg, ok := strings.CutPrefix(r, s.prefix)
		if ok && pkg != "" && pkg != IndexRepository {
			pkgs = append(pkgs, pkg)
		}
	}
	slices.Sort(pkgs)
	return slices.Compact(pkgs)
}

// catalogRefused says whether a catalog request failed because the
// registry does not offer it to these credentials, rather than because it
// is down or unreachable.
func catalogRefused(err error) bool {
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch terr.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			return true
		}
		for _, d := range terr.Errors {
			if d.Code == transport.UnsupportedErrorCode {
				return true
			}
		}
		return false
	}
	return !isConnectionError(err) // an answer, but not a catalog
}
