using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice completion bash|zsh|fish</c>: a script that completes sluice's commands, options and values.</summary>
internal static class CompletionCommand
{
    private static readonly Argument<string> Shell = new Argument<string>("shell") { Description = "bash, zsh or fish" }.AcceptOnlyFromAmong("bash", "zsh", "fish");

    public static Command Create()
    {
        var command = new Command("completion", "Print a shell completion script; it asks sluice itself (the [suggest] directive) what can come next.\n\nExamples:\n  source <(sluice completion bash)\n  sluice completion zsh > \"${fpath[1]}/_sluice\"\n  sluice completion fish > ~/.config/fish/completions/sluice.fish")
        {
            Shell,
        };
        command.SetAction(parse =>
        {
            Console.Out.Write(parse.GetValue(Shell) switch
            {
                "zsh" => Zsh,
                "fish" => Fish,
                _ => Bash,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private const string Bash = """
        # sluice completion for bash: source <(sluice completion bash)
        _sluice_complete() {
            local IFS=$'\n' line=${COMP_LINE#* }
            local position=$((COMP_POINT - ${#COMP_LINE} + ${#line}))
            COMPREPLY=($(compgen -W "$(sluice "[suggest:$position]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _sluice_complete sluice

        """;

    private const string Zsh = """
        #compdef sluice
        # sluice completion for zsh: sluice completion zsh > "${fpath[1]}/_sluice"
        _sluice() {
            local line=${BUFFER#* }
            local position=$((CURSOR - ${#BUFFER} + ${#line}))
            local -a suggestions
            suggestions=("${(@f)$(sluice "[suggest:$position]" "$line" 2>/dev/null)}")
            compadd -a suggestions
        }
        compdef _sluice sluice

        """;

    private const string Fish = """
        # sluice completion for fish: sluice completion fish > ~/.config/fish/completions/sluice.fish
        function __sluice_complete
            set -l line (commandline -cp | string replace -r '^\S+\s*' '')
            sluice "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c sluice -f -a '(__sluice_complete)'

        """;
}
