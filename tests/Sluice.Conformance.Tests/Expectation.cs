using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sluice.Conformance.Tests;

/// <summary>The checked-in outcome of one Tekton example (see Expectations/README.md).</summary>
public sealed class Expectation
{
    public string Example { get; set; } = string.Empty;

    /// <summary>When set, Sluice must refuse the file before running (as Tekton's webhook refuses it), with this text in a message.</summary>
    public string? Refused { get; set; }

    public List<ExpectedRun> Runs { get; set; } = [];

    public static Expectation Load(string path)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        return deserializer.Deserialize<Expectation>(File.ReadAllText(path));
    }
}

public sealed class ExpectedRun
{
    public string Kind { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Status { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    public List<ExpectedTask>? Tasks { get; set; }

    public Dictionary<string, object>? Results { get; set; }

    public List<ExpectedStep>? Steps { get; set; }

    public List<string>? LogContains { get; set; }
}

public sealed class ExpectedTask
{
    public string Name { get; set; } = string.Empty;

    public string Status { get; set; } = string.Empty;

    public string? Reason { get; set; }

    public string? SkipReason { get; set; }

    public int? TaskRuns { get; set; }
}

public sealed class ExpectedStep
{
    public string Name { get; set; } = string.Empty;

    public int? ExitCode { get; set; }

    public string? TerminationReason { get; set; }
}
