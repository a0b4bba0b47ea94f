package repo

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newSyncCommand(o *porchctl.Options) *cobra.Command {
	var all bool
	var runOnce string
	c := &cobra.Command{
		Use:               "sync [REPOSITORY...]",
		ValidArgsFunction: o.Names(porchctl.RepositoryNames, -1),
		Aliases:           []string{"reconcile"},
		Short:             "Sync repositories now, or once at a given time",
		Example: "  # Sync the repository blueprints now, and wait until it is synced\n" +
			"  porchctl repo sync blueprints\n\n" +
			"  # Sync every repository of the current namespace\n" +
			"  porchctl repo sync --all\n\n" +
			"  # Schedule one sync of deployments in 10 minutes\n" +
			"  porchctl repo sync deployments --run-once 10m",
		RunE: func(cmd *cobra.Command, names []string) error {
			if !all && len(names) == 0 {
				return errors.New("repository name(s) required unless --all is set")
			}
			at, err := runOnceAt(runOnce, time.Now())
			if err != nil {
				return err
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			if all { // names given too are left out, as upstream leaves them
				names = nil
				list := &configv1alpha1.RepositoryList{}
				if err := s.Client.List(s.Ctx, list, client.InNamespace(s.Namespace)); err != nil {
					return err
				}
				for _, repo := range list.Items {
					names = append(names, repo.Name)
				}
				if len(names) == 0 {
					return fmt.Errorf("no repositories found in namespace %q", s.Namespace)
				}
			}
			if at.After(time.Now()) {
				return scheduleSyncs(s, cmd, names, at)
			}
			done := "synced"
			return porchctl.Each(cmd.OutOrStdout(), cmd.ErrOrStderr(), names, done, func(name string) error {
				return syncAt(s, name, at)
			})
		},
	}
	c.Flags().BoolVar(&all, "all", false, "Sync every repository of the namespace.")
	c.Flags().StringVar(&runOnce, "run-once", "", "When to sync: a delay (e.g. 10m) or an RFC3339 time; now when empty.")
	return c
}

// runOnceAt reads --run-once: empty is now, a duration counts from now.
func runOnceAt(flag string, now time.Time) (time.Time, error) {
	if flag == "" {
		return now.Truncate(time.Second), nil
	}
	if d, err := time.ParseDuration(flag); err == nil {
		return now.Add(d).Truncate(time.Second), nil
	}
	at, err := time.Parse(time.RFC3339, flag)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid --run-once value: %q is neither a duration (10m) nor an RFC3339 time (2026-01-02T15:04:05Z)", flag)
	}
	return at, nil
}

// scheduleSyncs asks each repository for a sync at a later time, and says
// so as upstream does.
func scheduleSyncs(s *porchctl.Session, cmd *cobra.Command, names []string, at time.Time) error {
	failed := 0
	for _, name := range names {
		if err := syncAt(s, name, at); err != nil {
			failed++
			porchctl.Failed(cmd.ErrOrStderr(), name, err)
			continue
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Scheduled one-time sync for %q at %s\n", name, at.UTC().Format(time.RFC3339))
	}
	return porchctl.Counted(failed, len(names))
}

// syncAt sets the repository's spec.sync.runOnceAt, and waits for a sync
// asked for now to be done.
func syncAt(s *porchctl.Session, name string, at time.Time) error {
	when := metav1.NewTime(at)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		repo := &configv1alpha1.Repository{}
		if err := s.Client.Get(s.Ctx, s.Key(name), repo); err != nil {
			return err
		}
		if repo.Spec.Sync == nil {
			repo.Spec.Sync = &configv1alpha1.RepositorySync{}
		}
		repo.Spec.Sync.RunOnceAt = &when
		return s.Client.Update(s.Ctx, repo)
	})
	if err != nil || at.After(time.Now()) {
		return err
	}
	return porchctl.Synced(s.Ctx, s.Client, s.Key(name), when, s.Timeout)
}
