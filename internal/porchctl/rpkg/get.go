package rpkg

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

// getFilters narrow a listing down, as upstream's flags do.
type getFilters struct {
	pkg, workspace string
	repository     string
	revision       int64
	selector       string
	allNamespaces  bool
	showKptfile    bool
}

func newGetCommand(o *porchctl.Options) *cobra.Command {
	f := &getFilters{}
	var printing *porchctl.Printing
	c := &cobra.Command{
		Use:               "get [PACKAGE_REVISION...]",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, -1),
		Aliases:           []string{"list"},
		Short:             "List package revisions in registered repositories",
		Long: "List the package revisions of the namespace (of every namespace with -A), or those named, " +
			"filtered by --name, --workspace, --repository, --revision and -l. The table has upstream porchctl's columns: " +
			"NAME, PACKAGE, WORKSPACENAME, REVISION, LATEST, LIFECYCLE and REPOSITORY. -o wide prints the same table: " +
			"porchctl has no wide-only columns, so it adds none (kubectl get packagerevisions -o wide does add " +
			"RENDERED, UPSTREAM and PUBLISHED-BY).",
		Example: "  # List the package revisions of the current namespace\n" +
			"  porchctl rpkg get\n\n" +
			"  # List the revisions of the package app in the repository blueprints, in the wide format\n" +
			"  porchctl rpkg get --name app --repository blueprints -o wide\n\n" +
			"  # Show the revision blueprints.app.v1 as YAML\n" +
			"  porchctl rpkg get blueprints.app.v1 -o yaml\n\n" +
			"  # Print the root Kptfile of blueprints.app.v1\n" +
			"  porchctl rpkg get blueprints.app.v1 --show-kptfile",
		RunE: func(cmd *cobra.Command, names []string) error {
			if f.showKptfile {
				switch {
				case len(names) != 1:
					return fmt.Errorf("--show-kptfile requires exactly one package revision name as an argument")
				case f.pkg != "" || f.workspace != "" || cmd.Flags().Changed("revision"):
					return fmt.Errorf("--show-kptfile cannot be combined with --name, --revision, or --workspace")
				case f.allNamespaces:
					return fmt.Errorf("--show-kptfile cannot be combined with --all-namespaces")
				}
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			if f.showKptfile {
				return showKptfile(s, cmd, names[0])
			}
			list, err := listRevisions(s, f, names, cmd.Flags().Changed("revision"))
			if err != nil {
				return err
			}
			if len(list.Items) == 0 && printing.IsTable() {
				porchctl.NoResourcesFound(cmd.ErrOrStderr(), s.Namespace, f.allNamespaces)
				return nil
			}
			var obj runtime.Object = list
			if len(names) == 1 {
				obj = &list.Items[0] // as kubectl prints one object asked for by name
			}
			return printing.Print(cmd.OutOrStdout(), obj, f.allNamespaces, func(bool) porchctl.Table { return revisionTable(list) })
		},
	}
	c.Flags().StringVar(&f.pkg, "name", "", "Name of the packages to get. Any package whose name is this value will be included in the results.")
	c.Flags().Int64Var(&f.revision, "revision", 0, "Revision of the packages to get. Any package whose revision matches this value will be included in the results.")
	c.Flags().StringVarP(&f.workspace, "workspace", "w", "", "WorkspaceName of the packages to get. Any package whose workspaceName matches this value will be included in the results.")
	c.Flags().StringVarP(&f.repository, "repository", "r", "", "Repository of the packages to get. Any package in this repository will be included in the results.")
	c.Flags().StringVarP(&f.selector, "selector", "l", "", "Selector (label query) to filter on, e.g. -l kpt.dev/latest-revision=true.")
	c.Flags().BoolVarP(&f.allNamespaces, "all-namespaces", "A", false, "List the package revisions of every namespace.")
	c.Flags().BoolVar(&f.showKptfile, "show-kptfile", false, "Display the root Kptfile of the specified package revision. Requires a single package revision name as an argument.")
	printing = porchctl.AddPrintFlags(c)
	porchctl.FlagAliases(c, map[string]string{"repo": "repository", "rev": "revision", "ws": "workspace"})
	return c
}

// listRevisions reads the revisions that names and the filters select.
func listRevisions(s *porchctl.Session, f *getFilters, names []string, byRevision bool) (*porchv1alpha1.PackageRevisionList, error) {
	var opts []client.ListOption
	if !f.allNamespaces {
		opts = append(opts, client.InNamespace(s.Namespace))
	}
	if f.selector != "" {
		sel, err := labels.Parse(f.selector)
		if err != nil {
			return nil, fmt.Errorf("--selector: %w", err)
		}
		opts = append(opts, client.MatchingLabelsSelector{Selector: sel})
	}
	// The apiserver filters by the PackageRevision's selectable fields,
	// as upstream's field selectors do.
	if fields := f.fields(); len(fields) > 0 {
		opts = append(opts, fields)
	}
	all := &porchv1alpha1.PackageRevisionList{}
	if err := s.Client.List(s.Ctx, all, opts...); err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, n := range names {
		wanted[n] = true
	}
	out := &porchv1alpha1.PackageRevisionList{}
	out.SetGroupVersionKind(porchv1alpha1.GroupVersion.WithKind("PackageRevisionList"))
	for _, pr := range all.Items {
		switch {
		case len(names) > 0 && !wanted[pr.Name]:
		case byRevision && int64(pr.Spec.Revision) != f.revision:
			// Filtered here: a revision without a number (0) stores no
			// spec.revision, which a field selector cannot match.
		default:
			pr.SetGroupVersionKind(porchv1alpha1.GroupVersion.WithKind("PackageRevision"))
			out.Items = append(out.Items, pr)
			delete(wanted, pr.Name)
		}
	}
	for name := range wanted {
		return nil, fmt.Errorf("packagerevisions.%s %q not found", porchv1alpha1.GroupVersion.Group, name)
	}
	return out, nil
}

// fields are the filters as field selectors on the PackageRevision's
// selectable fields.
func (f *getFilters) fields() client.MatchingFields {
	fields := client.MatchingFields{}
	for field, value := range map[string]string{"spec.packageName": f.pkg, "spec.repository": f.repository, "spec.workspaceName": f.workspace} {
		if value != "" {
			fields[field] = value
		}
	}
	return fields
}

// showKptfile prints the root Kptfile of a revision, as committed.
func showKptfile(s *porchctl.Session, cmd *cobra.Command, name string) error {
	prr := &porchv1alpha1.PackageRevisionResources{}
	if err := s.Client.Get(s.Ctx, s.Key(name), prr); err != nil {
		return err
	}
	kptfile, ok := prr.Status.Resources["Kptfile"]
	if !ok {
		return fmt.Errorf("package revision %q does not contain a root Kptfile", name)
	}
	_, err := fmt.Fprint(cmd.OutOrStdout(), kptfile)
	return err
}

// revisionTable has upstream's columns:
// NAME PACKAGE WORKSPACENAME REVISION LATEST LIFECYCLE REPOSITORY.
func revisionTable(list *porchv1alpha1.PackageRevisionList) porchctl.Table {
	t := porchctl.Table{Columns: []metav1.TableColumnDefinition{
		{Name: "Name", Type: "string"}, {Name: "Package", Type: "string"}, {Name: "WorkspaceName", Type: "string"},
		{Name: "Revision", Type: "string"}, {Name: "Latest", Type: "string"}, {Name: "Lifecycle", Type: "string"},
		{Name: "Repository", Type: "string"},
	}}
	for i := range list.Items {
		pr := &list.Items[i]
		latest := pr.Labels[porchv1alpha1.LatestPackageRevisionKey] == porchv1alpha1.LatestPackageRevisionValue
		t.Rows = append(t.Rows, metav1.TableRow{
			Cells: []any{pr.Name, pr.Spec.PackageName, pr.Spec.WorkspaceName, strconv.Itoa(pr.Spec.Revision),
				strconv.FormatBool(latest), string(pr.Spec.Lifecycle), pr.Spec.RepositoryName},
			Object: runtime.RawExtension{Object: pr},
		})
	}
	return t
}
