package porchctl

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Required checks a command's positional arguments as upstream porchctl
// does: fewer than min fails with upstream's message for the command, such
// as "PACKAGE_NAME is a required positional argument"; more than max (when
// max is not negative) fails too, naming the count.
func Required(min, max int, missing string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < min {
			return errors.New(missing)
		}
		if max >= 0 && len(args) > max {
			return fmt.Errorf("too many arguments: accepts at most %d, received %d", max, len(args))
		}
		return nil
	}
}

// OnlyOne checks for exactly one positional argument, with upstream's
// messages for none and for more.
func OnlyOne(missing, tooMany string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return errors.New(missing)
		case len(args) > 1:
			return errors.New(tooMany)
		}
		return nil
	}
}

// FlagAliases lets a command's flags be given by other names too, as
// upstream's do (--repo for --repository, --desc for --description, ...).
func FlagAliases(c *cobra.Command, aliases map[string]string) {
	c.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if to, ok := aliases[name]; ok {
			name = to
		}
		return pflag.NormalizedName(name)
	})
}
