using System.Globalization;
using Sluice.Model.Diagnostics;

namespace Sluice.Model.Yaml;

public static partial class YamlReader
{
    private static readonly string TooManyNodesMessage = string.Create(CultureInfo.InvariantCulture, $"the YAML document has more than {MaxNodes:N0} nodes; this collection is where it passes the limit");

    private const string TooManyNodesFix = "keep bulk data out of the resource (Kubernetes stores objects of at most 1.5 MiB): put it in a file in a workspace";

    private static DocumentRefusedException TooDeep(SourceLocation location) =>
        new(location, $"the YAML nests deeper than {MaxDepth} levels", "flatten the document, or use fewer levels of nested aliases");

    private sealed partial class DocumentBuilder
    {
        /// <summary>
        /// Refuses a collection that aliases expand past <see cref="MaxNodes"/> (go-yaml refuses such documents as
        /// "excessive aliasing"); written nodes alone never get here, as the written count is checked first.
        /// </summary>
        private T Expanded<T>(T node)
            where T : YamlNode
        {
            if (node.Size <= MaxNodes)
            {
                return node;
            }

            var (anchor, location) = Copied(node) ?? (null, node.Location);
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"the document expands to more than {MaxNodes:N0} nodes through YAML aliases{(anchor is null ? string.Empty : $" that copy &{anchor}, defined here")}");
            throw new DocumentRefusedException(location, message, "use fewer aliases: each copies its anchor's whole value, so aliases inside anchored values multiply");
        }

        /// <summary>
        /// The anchored value being copied when the expanded document passes the limit: follows the expansion of
        /// <paramref name="top"/> in document order, skipping whole subtrees by their size, to the node that is one
        /// too many, and keeps the innermost anchored value on the way. In a "billion laughs" that is the first,
        /// smallest anchor, which every other one ends up copying.
        /// </summary>
        private (string? Anchor, SourceLocation Location)? Copied(YamlNode top)
        {
            (string? Anchor, SourceLocation Location)? found = null;
            var node = top;
            var count = 0L;
            while (true)
            {
                if (_definitions.TryGetValue(node, out var definition))
                {
                    found = definition;
                }

                if (++count > MaxNodes)
                {
                    return found;
                }

                YamlNode? next = null;
                foreach (var child in Children(node))
                {
                    if (count + child.Size > MaxNodes)
                    {
                        next = child;
                        break;
                    }

                    count += child.Size;
                }

                if (next is null)
                {
                    return found;
                }

                node = next;
            }
        }

        private static IEnumerable<YamlNode> Children(YamlNode node)
        {
            switch (node)
            {
                case YamlSequence sequence:
                    foreach (var item in sequence.Items)
                    {
                        yield return item;
                    }

                    break;
                case YamlMapping mapping:
                    foreach (var (key, value) in mapping.Entries)
                    {
                        yield return key;
                        yield return value;
                    }

                    break;
            }
        }
    }
}
