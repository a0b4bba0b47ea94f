package repo

import (
	"strconv"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newGetCommand(o *porchctl.Options) *cobra.Command {
	var allNamespaces bool
	var printing *porchctl.Printing
	c := &cobra.Command{
		Use:               "get [REPOSITORY...]",
		ValidArgsFunction: o.Names(porchctl.RepositoryNames, -1),
		Aliases:           []string{"ls", "list"},
		Short:             "List registered repositories",
		Example: "  # List the repositories of the current namespace\n" +
			"  porchctl repo get\n\n" +
			"  # Show the Repository blueprints as YAML\n" +
			"  porchctl repo get blueprints -o yaml\n\n" +
			"  # List the repositories of every namespace\n" +
			"  porchctl repo get -A",
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			list := &configv1alpha1.RepositoryList{}
			var obj runtime.Object = list
			if len(args) > 0 {
				for _, name := range args {
					repo := &configv1alpha1.Repository{}
					if err := s.Client.Get(s.Ctx, s.Key(name), repo); err != nil {
						return err
					}
					list.Items = append(list.Items, *repo)
				}
				if len(args) == 1 {
					obj = &list.Items[0] // as kubectl prints one object asked for by name
				}
			} else {
				var opts []client.ListOption
				if !allNamespaces {
					opts = append(opts, client.InNamespace(s.Namespace))
				}
				if err := s.Client.List(s.Ctx, list, opts...); err != nil {
					return err
				}
			}
			if len(list.Items) == 0 && printing.IsTable() {
				porchctl.NoResourcesFound(cmd.ErrOrStderr(), s.Namespace, allNamespaces)
				return nil
			}
			if err := setKinds(obj); err != nil {
				return err
			}
			return printing.Print(cmd.OutOrStdout(), obj, allNamespaces, func(bool) porchctl.Table { return repositoryTable(list) })
		},
	}
	c.Flags().BoolVarP(&allNamespaces, "all-namespaces", "A", false, "List the repositories of every namespace.")
	printing = porchctl.AddPrintFlags(c)
	return c
}

// setKinds gives obj, and its items, their kind, which printing needs.
func setKinds(obj runtime.Object) error {
	gvks, _, err := porchctl.Scheme.ObjectKinds(obj)
	if err != nil {
		return err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvks[0])
	if list, ok := obj.(*configv1alpha1.RepositoryList); ok {
		for i := range list.Items {
			list.Items[i].SetGroupVersionKind(configv1alpha1.GroupVersion.WithKind("Repository"))
		}
	}
	return nil
}

// repositoryTable has upstream's columns: NAME TYPE CONTENT DEPLOYMENT READY ADDRESS.
func repositoryTable(list *configv1alpha1.RepositoryList) porchctl.Table {
	t := porchctl.Table{Columns: []metav1.TableColumnDefinition{
		{Name: "Name", Type: "string"}, {Name: "Type", Type: "string"}, {Name: "Content", Type: "string"},
		{Name: "Deployment", Type: "string"}, {Name: "Ready", Type: "string"}, {Name: "Address", Type: "string"},
	}}
	for i := range list.Items {
		repo := &list.Items[i]
		ready := "Unknown"
		if c := meta.FindStatusCondition(repo.Status.Conditions, configv1alpha1.ConditionReady); c != nil {
			ready = string(c.Status)
		}
		deployment := ""
		if repo.Spec.Deployment {
			deployment = strconv.FormatBool(true)
		}
		address := ""
		switch {
		case repo.Spec.Git != nil:
			address = repo.Spec.Git.Repo
		case repo.Spec.Oci != nil:
			address = "oci://" + repo.Spec.Oci.Registry
		}
		t.Rows = append(t.Rows, metav1.TableRow{
			Cells:  []any{repo.Name, string(repo.Spec.Type), "Package", deployment, ready, address},
			Object: runtime.RawExtension{Object: repo},
		})
	}
	return t
}
