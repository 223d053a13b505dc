using Sluice.Model.Runs;

namespace Sluice.Engine.Tests.Harness;

/// <summary>Assertions on Tekton conditions that show the whole differing value when they fail.</summary>
public static class Expect
{
    /// <summary>Asserts a Succeeded condition's reason, status and (when given) message, in that order.</summary>
    public static void Condition(Condition? actual, string status, string reason, string? message = null)
    {
        Assert.NotNull(actual);
        Assert.Equal(reason, actual.Reason);
        Assert.Equal(status, actual.Status);
        if (message is not null)
        {
            Assert.Equal(message, actual.Message);
        }
    }
}
