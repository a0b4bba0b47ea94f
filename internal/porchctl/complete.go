package porchctl

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Names completes the positional arguments of cmd with the names of the
// objects list reads from the session's namespace, up to max arguments
// (-1: any number); an argument past them completes as a file, for the DIR
// of pull and push. Names already given are not offered again.
func (o *Options) Names(list func(*Session) ([]string, error), max int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if max >= 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveDefault
		}
		names, err := o.names(cmd, list)
		if err != nil {
			cobra.CompDebugln(err.Error(), true)
			return nil, cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		for _, name := range names {
			if strings.HasPrefix(name, toComplete) && !slices.Contains(args, name) {
				out = append(out, name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// FlagNames completes a flag's value with the names list reads.
func (o *Options) FlagNames(list func(*Session) ([]string, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return o.Names(list, -1)(cmd, nil, toComplete)
	}
}

func (o *Options) names(cmd *cobra.Command, list func(*Session) ([]string, error)) ([]string, error) {
	s, err := o.Connect(cmd)
	if err != nil {
		return nil, err
	}
	return list(s)
}

// RevisionNames are the names of the PackageRevisions of the namespace.
func RevisionNames(s *Session) ([]string, error) {
	return namesIn(s, &porchv1alpha1.PackageRevisionList{})
}

// RepositoryNames are the names of the Repositories of the namespace.
func RepositoryNames(s *Session) ([]string, error) {
	return namesIn(s, &configv1alpha1.RepositoryList{})
}

// namesIn lists the session's namespace into list and returns the names
// of its items, sorted.
func namesIn(s *Session, list client.ObjectList) ([]string, error) {
	if err := s.Client.List(s.Ctx, list, client.InNamespace(s.Namespace)); err != nil {
		return nil, err
	}
	var names []string
	err := meta.EachListItem(list, func(o runtime.Object) error {
		names = append(names, o.(client.Object).GetName())
		return nil
	})
	slices.Sort(names)
	return names, err
}

// CompleteRepositoryFlag completes --repository with Repository names on
// each command of group that has the flag.
func (o *Options) CompleteRepositoryFlag(group *cobra.Command) {
	for _, cmd := range group.Commands() {
		if cmd.Flags().Lookup("repository") != nil {
			// The flag exists, so registering cannot fail.
			_ = cmd.RegisterFlagCompletionFunc("repository", o.FlagNames(RepositoryNames))
		}
	}
}
