using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Sluice.Model.Pipelines;

namespace Sluice.Sdk.Programs;

/// <summary>The command line: one option per param, <c>-p NAME=VALUE</c> as <c>tkn</c> takes it, and binding with messages that say the fix.</summary>
public sealed partial class PipelineProgram
{
    /// <summary>The parser's symbols for the params and commands declared so far.</summary>
    /// <param name="forHelp">
    /// Whether the parser only shows help. To parse, unmatched tokens are not errors, so that this class can name them
    /// with a suggestion; help must not list them as the "additional arguments" such a command accepts.
    /// </param>
    private Syntax BuildSyntax(bool forHelp = false)
    {
        var root = new Command(Name, Description ?? string.Empty) { TreatUnmatchedTokensAsErrors = forHelp };
        root.Options.Add(new HelpOption());
        var paramOption = new Option<string[]>("--param", "-p")
        {
            Description = "A param as NAME=VALUE, as tkn takes it: arrays as a,b,c, objects as key:value,key2:value2 (repeatable). "
                + "A param not given comes from SLUICE_PARAM_<NAME>, else its default.",
            HelpName = "NAME=VALUE",
            Arity = ArgumentArity.OneOrMore,
            Recursive = true,
        };
        root.Options.Add(paramOption);
        var options = new Dictionary<ProgramParam, Option<string[]>>();
        foreach (var param in _params)
        {
            var option = new Option<string[]>("--" + param.Name)
            {
                Description = HelpDescription(param),
                HelpName = Placeholder(param),
                Arity = ArgumentArity.OneOrMore,
                Recursive = true,
            };
            root.Options.Add(option);
            options.Add(param, option);
        }

        var commands = new Dictionary<Command, ProgramCommand>();
        foreach (var command in _commands)
        {
            var description = command.Name == _defaultCommand ? $"{command.Description} [default]" : command.Description;
            var symbol = new Command(command.Name, description) { TreatUnmatchedTokensAsErrors = forHelp };

            // An action on every command keeps the parser from requiring a subcommand; this class runs the commands itself.
            symbol.SetAction(_ => Succeeded);
            root.Subcommands.Add(symbol);
            commands.Add(symbol, command);
        }

        root.SetAction(_ => Succeeded);
        return new Syntax(root, paramOption, options, commands);
    }

    private static string HelpDescription(ProgramParam param)
    {
        var spec = param.Spec;
        var notes = new List<string>();
        if (!spec.Enum.IsDefaultOrEmpty)
        {
            notes.Add($"[one of: {string.Join(", ", spec.Enum)}]");
        }

        notes.Add(spec.Default is { } value ? $"[default: {Quoted(ParamText.Format(value))}]" : "[required]");
        return string.Join(" ", new[] { spec.Description }.Concat(notes).Where(s => !string.IsNullOrEmpty(s)));

        static string Quoted(string text) => text.Length == 0 ? "\"\"" : text;
    }

    /// <summary>How help and messages show a param's value.</summary>
    private static string Placeholder(ProgramParam param) =>
        param.Spec.Type switch { ParamType.Array => "a,b", ParamType.Object => "key:value", _ => "VALUE" };

    /// <summary>The parser's errors, in words that say the fix where the parser's do not.</summary>
    private List<string> ParseErrors(ParseResult parse, Syntax syntax)
    {
        var errors = UnmatchedTokenErrors(parse, syntax);
        foreach (var error in parse.Errors)
        {
            var param = syntax.Options.FirstOrDefault(o => error.SymbolResult is OptionResult { Option: var option } && option == o.Value).Key;
            errors.Add(error.SymbolResult switch
            {
                OptionResult { Tokens.Count: 0 } when param is not null => $"--{param.Name} needs a value: write --{param.Name} {Placeholder(param)}",
                OptionResult { Tokens.Count: 0, Option: var option } when option == syntax.ParamOption => "-p needs a value: write -p NAME=VALUE",
                _ => error.Message,
            });
        }

        return errors;
    }

    /// <summary>Tokens the parser matched to nothing: unknown options (with the value after one), unknown commands, stray arguments.</summary>
    private List<string> UnmatchedTokenErrors(ParseResult parse, Syntax syntax)
    {
        var unknownOptions = parse.UnmatchedTokens.Where(t => t.StartsWith('-')).ToList();
        if (unknownOptions.Count > 0)
        {
            // A stray word after an unknown option is most likely its value, so only the option is reported.
            return [.. unknownOptions.Select(UnknownOption)];
        }

        var inCommand = parse.CommandResult.Command != syntax.Root;
        return [.. parse.UnmatchedTokens.Select(token => inCommand
            ? $"unexpected argument \"{token}\": \"{parse.CommandResult.Command.Name}\" takes no arguments; give params as --NAME VALUE or -p NAME=VALUE"
            : $"unknown command \"{token}\"{DidYouMean(token, _commands.Select(c => c.Name), "")}; this program's commands are {NameList(_commands.Select(c => c.Name))}")];
    }

    private string UnknownOption(string token)
    {
        var option = token.Split('=', 2)[0];
        return $"unknown option \"{option}\"{DidYouMean(option.TrimStart('-'), _params.Select(p => p.Name), "--")}; {ParamsSentence()}";
    }

    private string ParamsSentence() => _params.Count == 0
        ? "this program takes no params"
        : $"this program's params are {NameList(_params.Select(p => "--" + p.Name))}, each also given as -p NAME=VALUE";

    private static string DidYouMean(string typed, IEnumerable<string> names, string prefix) =>
        Spelling.Nearest(typed, names) is { } nearest ? $" (did you mean \"{prefix}{nearest}\"?)" : string.Empty;

    /// <summary>Binds every param from its options and <c>-p</c> values, else the environment, else its default.</summary>
    /// <returns>What is wrong with the command line, each with its fix; empty when every param is bound.</returns>
    private List<string> Bind(ParseResult parse, Syntax syntax, Func<string, string?> environment)
    {
        var errors = new List<string>();
        var given = _params.ToDictionary(p => p, p => parse.GetResult(syntax.Options[p])?.Tokens.Select(t => t.Value).ToList() ?? []);
        foreach (var text in parse.GetValue(syntax.ParamOption) ?? [])
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var param = _params.FirstOrDefault(p => p.Name == (equals < 0 ? text : text[..equals]));
            if (equals <= 0)
            {
                var name = param?.Name ?? "NAME";
                errors.Add($"-p \"{text}\" is not NAME=VALUE: write -p {name}={(param is null ? "VALUE" : Placeholder(param))}");
            }
            else if (param is null)
            {
                errors.Add($"-p \"{text}\" names no param{DidYouMean(text[..equals], _params.Select(p => p.Name), "")}; {ParamsSentence()}");
            }
            else
            {
                given[param].Add(text[(equals + 1)..]);
            }
        }

        foreach (var param in _params)
        {
            var texts = given[param];
            var source = string.Empty;
            if (texts.Count == 0 && environment(param.EnvironmentVariable) is { Length: > 0 } variable)
            {
                texts.Add(variable);
                source = $" (from {param.EnvironmentVariable})";
            }

            if (texts.Count == 0 && param.Spec.Default is null)
            {
                errors.Add($"param \"{param.Name}\" is required: give it as --{param.Name} {Placeholder(param)} or -p {param.Name}={Placeholder(param)}, or set {param.EnvironmentVariable}");
            }
            else if (texts.Count == 0)
            {
                param.Bind(param.Spec.Default);
            }
            else if (ParamText.Parse(param.Spec, texts, out var error) is { } value)
            {
                param.Bind(value);
            }
            else
            {
                errors.Add(error + source);
            }
        }

        if (errors.Count > 0)
        {
            Unbind();
        }
        else
        {
            _bound = true;
        }

        return errors;
    }

    private sealed record Syntax(
        Command Root,
        Option<string[]> ParamOption,
        IReadOnlyDictionary<ProgramParam, Option<string[]>> Options,
        IReadOnlyDictionary<Command, ProgramCommand> Commands);
}
