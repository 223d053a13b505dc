using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sluice.Execution.Host.Tests;

/// <summary>
/// Finds processes by an environment marker straight from /proc, independent of the executor's own
/// bookkeeping. Every process a step starts inherits the marker; zombies are not counted as alive.
/// </summary>
internal static class LiveProcesses
{
    public const string MarkerName = "SLUICE_TEST_MARKER";

    public static KeyValuePair<string, string> NewMarker() => new(MarkerName, Guid.NewGuid().ToString("N"));

    public static IReadOnlyList<int> WithMarker(KeyValuePair<string, string> marker)
    {
        var needle = Encoding.UTF8.GetBytes($"{marker.Key}={marker.Value}\0");
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllBytes(Path.Combine(entry, "environ")).AsSpan().IndexOf(needle) >= 0 && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits until no live process carries the marker; returns those left at the deadline.</summary>
    public static async Task<IReadOnlyList<int>> WaitUntilGoneAsync(KeyValuePair<string, string> marker, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var left = WithMarker(marker);
            if (left.Count == 0 || stopwatch.Elapsed > timeout)
            {
                return left;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> live processes carry the marker.</summary>
    public static async Task WaitForAsync(KeyValuePair<string, string> marker, int count, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (WithMarker(marker).Count < count)
        {
            Assert.True(stopwatch.Elapsed < timeout, $"fewer than {count} processes with the marker appeared within {timeout}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static bool IsAlive(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var state = stat[stat.LastIndexOf(')') + 2];
        return state is not ('Z' or 'X');
    }
}
