using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Sluice.Engine.Execution;

/// <summary>
/// Output chunks on lent arrays. A step that prints a gigabyte would otherwise leave a gigabyte of
/// garbage behind, one array per read; with these, the arrays of the few chunks in flight between an
/// executor's reader and the engine go round instead.
/// </summary>
public static class OutputBuffers
{
    /// <summary>A chunk holding a copy of <paramref name="data"/> on a lent array.</summary>
    /// <param name="stream">Which stream it came from.</param>
    /// <param name="data">The bytes read.</param>
    public static OutputChunk Copy(OutputStream stream, ReadOnlySpan<byte> data)
    {
        var array = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(array);
        return new OutputChunk(stream, array.AsMemory(0, data.Length)) { Lent = true };
    }

    /// <summary>
    /// The chunks of a channel, each lent array going back when the reader asks for the next chunk or
    /// stops reading. Chunks the reader never sees (dropped, or left when it stops) are left to the GC.
    /// </summary>
    /// <param name="reader">The channel the executor's reader writes to.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async IAsyncEnumerable<OutputChunk> ReadAllAsync(ChannelReader<OutputChunk> reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        OutputChunk? lent = null;
        try
        {
            await foreach (var chunk in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                GiveBack(lent);
                lent = chunk.Lent ? chunk : null;
                yield return chunk;
            }
        }
        finally
        {
            GiveBack(lent);
        }
    }

    private static void GiveBack(OutputChunk? chunk)
    {
        if (chunk is { } lent && MemoryMarshal.TryGetArray(lent.Data, out var segment) && segment.Array is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
