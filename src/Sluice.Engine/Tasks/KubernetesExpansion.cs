using System.Text;

namespace Sluice.Engine.Tasks;

/// <summary>
/// Kubernetes' expansion of <c>$(VAR)</c> in a container's command and args from its environment;
/// <c>$$</c> escapes, and references to unknown variables stay as written.
/// </summary>
public static class KubernetesExpansion
{
    /// <summary>Expands one value.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> env)
    {
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                builder.Append(value[i]);
                continue;
            }

            var next = value[i + 1];
            if (next == '$')
            {
                builder.Append('$');
                i++;
                continue;
            }

            if (next == '(')
            {
                var close = value.IndexOf(')', i + 2);
                if (close > 0)
                {
                    var name = value[(i + 2)..close];
                    if (env.TryGetValue(name, out var replacement))
                    {
                        builder.Append(replacement);
                        i = close;
                        continue;
                    }

                    builder.Append(value, i, close - i + 1);
                    i = close;
                    continue;
                }
            }

            builder.Append('$');
        }

        return builder.ToString();
    }
}
