using Sluice.Sdk.Containers;

namespace Sluice.Sdk.Tests.Containers;

public sealed class ExecFailedExceptionTests
{
    [Fact]
    public void The_message_ends_with_stderr_when_the_exec_wrote_any()
    {
        var error = new ExecFailedException(["dotnet", "build"], 1, "error CS0103\n", "Build FAILED.\n");

        Assert.Equal("exec dotnet build exited with code 1; the end of its stderr:\nerror CS0103", error.Message);
    }

    [Fact]
    public void Stdout_stands_in_for_an_empty_stderr_since_some_tools_report_errors_there()
    {
        var error = new ExecFailedException(["dotnet", "restore"], 1, "  \n", "error NU1101: Unable to find package Nope.\n");

        Assert.Equal("exec dotnet restore exited with code 1; the end of its stdout:\nerror NU1101: Unable to find package Nope.", error.Message);
        Assert.Equal("error NU1101: Unable to find package Nope.\n", error.StdoutTail);
    }

    [Fact]
    public void Only_the_last_four_kibibytes_are_kept()
    {
        var error = new ExecFailedException(["make"], 2, string.Empty, new string('x', 5000) + "the end");

        Assert.Equal(ExecFailedException.TailLength, error.StdoutTail.Length);
        Assert.EndsWith("the end", error.Message, StringComparison.Ordinal);
        Assert.Equal("exec make exited with code 2 and wrote nothing to stderr or stdout", new ExecFailedException(["make"], 2, "").Message);
    }
}
