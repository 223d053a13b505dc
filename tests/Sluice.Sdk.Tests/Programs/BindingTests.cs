using Sluice.Model.Pipelines;
using Sluice.Sdk.Programs;

namespace Sluice.Sdk.Tests.Programs;

public sealed class BindingTests
{
    [Theory]
    [InlineData("build", "--service", "src/x", "--registry", "r")]
    [InlineData("build", "--service=src/x", "--registry=r")]
    [InlineData("build", "-p", "service=src/x", "-p", "registry=r")]
    [InlineData("build", "--param", "service=src/x", "--param", "registry=r")]
    [InlineData("--service", "src/x", "--registry", "r", "build")]
    [InlineData("-p", "service=src/x", "build", "--registry", "r")]
    public async Task Each_accepted_form_binds_a_string_param(params string[] args)
    {
        var ran = new List<string>();
        var (program, service, registry, _) = ProgramHarness.ServicePipeline(ran);

        var outcome = await program.CaptureAsync(args);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(string.Empty, outcome.Error);
        Assert.Equal(["build"], ran);
        Assert.Equal(("src/x", "r"), (service.Value, registry.Value));
    }

    [Fact]
    public async Task A_command_reads_the_values_bound_before_it_runs()
    {
        var (program, service, _, platforms) = ProgramHarness.ServicePipeline();
        string? seen = null;
        program.Command("show", "Shows the params.", _ =>
        {
            seen = $"{service.Value} {string.Join('|', platforms.Values)}";
            return Task.CompletedTask;
        });

        var outcome = await program.CaptureAsync(["show", "--service", "src/api", "--registry", "r", "--platforms", "linux/riscv64"]);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("src/api linux/riscv64", seen);
    }

    [Theory]
    [InlineData("a|b", "--platforms", "a", "--platforms", "b")]
    [InlineData("a|b", "--platforms", "a,b")]
    [InlineData("a|b", "-p", "platforms=a,b")]
    [InlineData("a|b|c", "-p", "platforms=a,b", "-p", "platforms=c")]
    [InlineData("a|b|c", "--platforms", "a", "-p", "platforms=b,c")]
    [InlineData("a,b|c", "-p", "platforms=[\"a,b\",\"c\"]")]
    [InlineData("a,b", "--platforms", "[\"a,b\"]")]
    [InlineData("", "-p", "platforms=")]
    public async Task Array_items_come_from_repeated_options_commas_and_json_arrays(string expected, params string[] args)
    {
        var (program, _, _, platforms) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--registry", "r", .. args]);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(expected, string.Join('|', platforms.Values));
    }

    [Fact]
    public async Task A_value_starting_with_an_at_sign_is_a_value_not_a_response_file()
    {
        var (program, service, _, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--registry", "r", "--service", "@scope/service"]);

        Assert.Equal((0, string.Empty), (outcome.ExitCode, outcome.Error));
        Assert.Equal("@scope/service", service.Value);
    }

    [Fact]
    public async Task Params_not_given_take_their_defaults()
    {
        var (program, service, _, platforms) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build", "--registry", "r"]);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("src/hello", service.Value);
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms.Values);
    }

    [Fact]
    public async Task The_environment_gives_values_the_command_line_does_not()
    {
        var (program, service, registry, platforms) = ProgramHarness.ServicePipeline();
        var tag = program.Param("image-tag", "The tag.", defaultValue: "latest");
        var environment = new Dictionary<string, string>
        {
            ["SLUICE_PARAM_REGISTRY"] = "registry.ci",
            ["SLUICE_PARAM_SERVICE"] = "src/from-env",
            ["SLUICE_PARAM_PLATFORMS"] = "linux/s390x,linux/ppc64le",
            ["SLUICE_PARAM_IMAGE_TAG"] = "v1",
        };

        var outcome = await program.CaptureAsync(["build", "--service", "src/from-args"], environment);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(("src/from-args", "registry.ci", "v1"), (service.Value, registry.Value, tag.Value));
        Assert.Equal(["linux/s390x", "linux/ppc64le"], platforms.Values);
        Assert.Equal("SLUICE_PARAM_IMAGE_TAG", tag.EnvironmentVariable);
    }

    [Fact]
    public async Task An_empty_environment_variable_counts_as_unset()
    {
        var (program, _, registry, _) = ProgramHarness.ServicePipeline();

        var outcome = await program.CaptureAsync(["build"], new Dictionary<string, string> { ["SLUICE_PARAM_REGISTRY"] = string.Empty });

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("param \"registry\" is required", outcome.Error, StringComparison.Ordinal);
        Assert.False(registry.IsBound);
    }

    [Fact]
    public async Task Values_read_before_binding_or_after_a_usage_error_throw_with_the_reason()
    {
        var (program, service, _, platforms) = ProgramHarness.ServicePipeline();

        var before = Assert.Throws<InvalidOperationException>(() => service.Value);
        Assert.Throws<InvalidOperationException>(() => platforms.Values);
        Assert.Throws<InvalidOperationException>(() => program.BoundParams);
        var outcome = await program.CaptureAsync(["build", "--service", "src/x"]);

        Assert.Equal("param \"service\" has no value yet: PipelineProgram.RunAsync binds the command line before it runs a command, so read params inside a command's action", before.Message);
        Assert.Equal(2, outcome.ExitCode);
        Assert.False(service.IsBound);
        Assert.Throws<InvalidOperationException>(() => service.Value);
    }

    [Fact]
    public async Task An_object_param_takes_key_value_pairs_or_json()
    {
        var program = new PipelineProgram("p");
        var target = (ObjectParam)program.Param(new ParamSpec { Name = "target", TypeName = "object" });
        program.Command("run", "Runs.", _ => Task.CompletedTask);

        var pairs = await program.CaptureAsync(["-p", "target=host:registry.example, repository:app", "--target", "tag:v1"]);
        var pairValues = target.Values;
        var json = await program.CaptureAsync(["--target", "{\"host\":\"h:5000\"}"]);

        Assert.Equal((0, 0), (pairs.ExitCode, json.ExitCode));
        Assert.Equal(["host=registry.example", "repository=app", "tag=v1"], pairValues.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal("h:5000", Assert.Single(target.Values).Value);
    }

    [Fact]
    public async Task A_string_param_with_an_enum_takes_only_its_values()
    {
        var program = new PipelineProgram("p");
        var environment = (StringParam)program.Param(new ParamSpec { Name = "environment", TypeName = "string", Enum = ["dev", "prod"], Default = ParamValue.Of("dev") });
        program.Command("deploy", "Deploys.", _ => Task.CompletedTask);

        var good = await program.CaptureAsync(["--environment", "prod"]);
        var goodValue = environment.Value;
        var bad = await program.CaptureAsync(["--environment", "qa"]);

        Assert.Equal((0, "prod"), (good.ExitCode, goodValue));
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: param \"environment\" must be one of dev, prod, not \"qa\"\n", bad.Error.ReplaceLineEndings("\n"));
    }
}
