package porchctl

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The attack: a mistyped subcommand of a group. It must fail, say what was
// not found and what was meant, and run nothing; a group alone prints its
// help.
func TestGroupRefusesUnknownSubcommands(t *testing.T) {
	ran := ""
	root := &cobra.Command{Use: "porchctl", SilenceUsage: true}
	group := Group(&cobra.Command{Use: "rpkg", Short: "Manage package revisions"})
	for _, name := range []string{"approve", "propose"} {
		group.AddCommand(&cobra.Command{Use: name, RunE: func(cmd *cobra.Command, _ []string) error { ran = cmd.Name(); return nil }})
	}
	root.AddCommand(group)

	for _, tc := range []struct {
		args  []string
		want  string
		means string
	}{
		{[]string{"rpkg", "aprove", "x"}, `unknown command "aprove" for "porchctl rpkg"`, "\tapprove\n"},
		{[]string{"rpkg", "nothing-like-it"}, `unknown command "nothing-like-it" for "porchctl rpkg"`, ""},
	} {
		var out bytes.Buffer
		root.SetArgs(tc.args)
		root.SetOut(&out)
		root.SetErr(&out)
		err := root.Execute()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), "Run 'porchctl rpkg --help' for usage.") {
			t.Errorf("%v: error %v, want it to start %q", tc.args, err, tc.want)
			continue
		}
		if tc.means != "" && !strings.Contains(err.Error(), "Did you mean this?\n"+tc.means) {
			t.Errorf("%v: %v suggests nothing", tc.args, err)
		}
		if ran != "" {
			t.Errorf("%v ran %s", tc.args, ran)
		}
	}

	var help bytes.Buffer
	root.SetArgs([]string{"rpkg"})
	root.SetOut(&help)
	if err := root.Execute(); err != nil || !strings.Contains(help.String(), "Manage package revisions") {
		t.Errorf("the group alone: err %v, printed %q", err, help.String())
	}
}
