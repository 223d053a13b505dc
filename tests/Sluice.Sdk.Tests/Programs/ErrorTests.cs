namespace Sluice.Sdk.Tests.Programs;

public sealed class ErrorTests
{
    [Fact]
    public async Task An_unknown_option_is_named_with_the_nearest_param_and_the_declared_ones()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--servce", "src/x", "--registry", "r"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(string.Empty, outcome.Output);
        Assert.Equal(
            "error: unknown option \"--servce\" (did you mean \"--service\"?); this program's params are --service, --registry and --platforms, each also given as -p NAME=VALUE\n",
            outcome.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_unknown_option_far_from_every_param_gets_no_suggestion()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--verbose=true"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("error: unknown option \"--verbose\"; this program's params are", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("biuld", " (did you mean \"build\"?)")]
    [InlineData("TEST", " (did you mean \"test\"?)")]
    [InlineData("al", " (did you mean \"all\"?)")]
    [InlineData("tset", " (did you mean \"test\"?)")]
    [InlineData("deploy", "")]
    [InlineData("bxxxd", "")]
    public async Task An_unknown_command_is_named_with_the_nearest_command_when_one_is_close(string typed, string suggestion)
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync([typed, "--registry", "r"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal($"error: unknown command \"{typed}\"{suggestion}; this program's commands are build, test and all\n", outcome.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_argument_after_a_command_is_refused_with_how_to_give_params()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "src/x", "--registry", "r"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("unexpected argument \"src/x\": \"build\" takes no arguments; give params as --NAME VALUE or -p NAME=VALUE", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_param_is_named_with_every_way_to_give_it_and_nothing_runs()
    {
        var ran = new List<string>();
        var (program, _, _, _) = ProgramHarness.ServicePipeline(ran);

        var outcome = await program.CaptureAsync(["build"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(
            "error: param \"registry\" is required: give it as --registry VALUE or -p registry=VALUE, or set SLUICE_PARAM_REGISTRY\n",
            outcome.Error.ReplaceLineEndings("\n"));
        Assert.Empty(ran);
    }

    [Theory]
    [InlineData("registry", "error: -p \"registry\" is not NAME=VALUE: write -p registry=VALUE")]
    [InlineData("platforms", "error: -p \"platforms\" is not NAME=VALUE: write -p platforms=a,b")]
    [InlineData("=r", "error: -p \"=r\" is not NAME=VALUE: write -p NAME=VALUE")]
    [InlineData("regsitry=r", "error: -p \"regsitry=r\" names no param (did you mean \"registry\"?); this program's params are --service, --registry and --platforms, each also given as -p NAME=VALUE")]
    public async Task A_malformed_p_says_how_to_write_it(string text, string expected)
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--registry", "r", "-p", text]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(expected + "\n", outcome.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--service", "error: --service needs a value: write --service VALUE")]
    [InlineData("-p", "error: -p needs a value: write -p NAME=VALUE")]
    public async Task An_option_without_its_value_says_how_to_write_it(string option, string expected)
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--registry", "r", option]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(expected + "\n", outcome.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_string_param_given_twice_is_refused_rather_than_one_value_dropped()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--registry", "a", "-p", "registry=b"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("error: param \"registry\" is a string and was given 2 times (\"a\", \"b\"): give it once\n", outcome.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_value_that_does_not_parse_names_its_param_and_the_variable_it_came_from()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--registry", "r"], new Dictionary<string, string> { ["SLUICE_PARAM_PLATFORMS"] = "[\"linux/amd64\"" });

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("error: param \"platforms\" is an array but \"[\"linux/amd64\"\" does not parse (", outcome.Error, StringComparison.Ordinal);
        Assert.EndsWith("): write items as a,b,c or as a JSON array [\"a\",\"b\"] (from SLUICE_PARAM_PLATFORMS)\n", outcome.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_usage_error_is_reported_at_once()
    {
        var (program, _, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "-p", "service", "-p", "platforms=[x"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(3, outcome.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Length);
        Assert.Contains("-p \"service\" is not NAME=VALUE", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("param \"platforms\" is an array", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("param \"registry\" is required", outcome.Error, StringComparison.Ordinal);
    }
}
